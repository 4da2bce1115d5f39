/** The value of one sample (`name` or `name{labels}`) in a Prometheus text page; undefined when absent. */
export function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}

export async function hubMetrics(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}
