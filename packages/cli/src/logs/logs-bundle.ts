import type { V1Pod } from '@kubernetes/client-node';
import type { Settings } from '@shoal/deploy';
import type { Regex } from '@shoal/filter';
import { formatBytes, isShoalError, ShoalError } from '@shoal/model';
import type { Progress } from '../kube/apply-objects.js';
import { releaseOf, releaseSelector } from '../kube/installation.js';
import type { KubeClient } from '../kube/kube-client.js';
import { ZipWriter } from '../output/zip-writer.js';
import { connectToHub } from '../tap/installed-hub.js';
import { releaseObjects } from '../tap/release-objects.js';
import { LOG_BYTES_MAX, podLogs, type ContainerLog } from './pod-logs.js';
import { eventLine, shoalEvents } from './shoal-events.js';

/**
 * What `shoal logs` puts in its zip, read from the cluster: every pod of the release (found by
 * its labels) with each container's log and, after a restart, the previous run's
 * (`<namespace>.<pod>.<container>[.previous].log`, Kubeshark's names); the namespace's events
 * about Shoal's objects (`<namespace>_events.log`); the hub's `GET /status`
 * (`hub_status.json`); and `summary.txt`, which says what each file is and what could not be
 * read, and why. A pod without a log yet, events or a hub the cluster does not give are written
 * down there, not failures: the zip is for finding out what is wrong. At most LOGS_AT_ONCE pods
 * are read at a time; one progress line per pod.
 */
export const LOGS_AT_ONCE = 4;

export interface LogsRequest {
  client: KubeClient;
  /** The installation's settings (its names), or the command line's when it has none. */
  settings: Settings;
  /** `-g`: only the lines of logs and events it matches. */
  grep?: { pattern: string; regex: Regex };
  /** The header of summary.txt: who made it, against which cluster. */
  heading: string[];
  at: Date;
  progress: Progress;
  /** Thrown when the release has no pod: it is not installed (no settings ConfigMap either). */
  notInstalled?: ShoalError;
}

export interface LogsBundle {
  zip: Buffer;
  files: number;
  pods: number;
  logs: number;
  events: number;
  hubStatus: boolean;
}

function grepText(text: string, grep: LogsRequest['grep']): string {
  if (grep === undefined) return text;
  const kept = text.split('\n').filter((line) => line !== '' && grep.regex.test(line));
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}

function logName(pod: V1Pod, log: ContainerLog): string {
  return `${pod.metadata!.namespace}.${pod.metadata!.name}.${log.container}${log.previous ? '.previous' : ''}.log`;
}

/** `Running, ready, on node-a, restarted 3 times`. */
function podState(pod: V1Pod): string {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);
  return [pod.status?.phase ?? 'Unknown', ready ? 'ready' : 'not ready', ...(pod.spec?.nodeName !== undefined ? [`on ${pod.spec.nodeName}`] : []), ...(restarts > 0 ? [`restarted ${restarts} times`] : [])].join(', ');
}

/** Reads the pods' logs, LOGS_AT_ONCE at a time, in the pods' order. */
async function readPods(client: KubeClient, pods: V1Pod[], progress: Progress): Promise<ContainerLog[][]> {
  const all: ContainerLog[][] = [];
  for (let i = 0; i < pods.length; i += LOGS_AT_ONCE) {
    const batch = pods.slice(i, i + LOGS_AT_ONCE);
    all.push(...(await Promise.all(batch.map(async (pod) => {
      const logs = await podLogs(client, pod);
      const parts = logs.map((l) => `${l.container}${l.previous ? ' (previous run)' : ''} ${l.text !== undefined ? formatBytes(Buffer.byteLength(l.text)) : 'no log'}`);
      progress(`  pod ${pod.metadata!.name}: ${parts.join(', ')}`);
      return logs;
    }))));
  }
  return all;
}

/** A cluster refusal becomes a sentence for summary.txt; anything else stops the command. */
function notCollected(err: unknown): string {
  if (isShoalError(err) && err.code !== 'CLI_ERR_CLUSTER_UNREACHABLE' && err.code !== 'CLI_ERR_CLUSTER_AUTH' && err.code !== 'CLI_ERR_USAGE') return `${err.message} (${err.code})`;
  throw err;
}

/** The hub's /status answer; something else (a proxy's page) is said as the hub's failure. */
function statusJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ShoalError('CLI_ERR_SERVER', `GET /status answered something other than JSON: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
  }
}

export async function collectLogs(r: LogsRequest): Promise<LogsBundle> {
  const { client, settings, grep, at, progress } = r;
  const release = releaseOf(settings);
  const zip = new ZipWriter();
  const summary = [...r.heading, `release ${release.name} in namespace ${release.namespace}`, `filter (-g): ${grep !== undefined ? `'${grep.pattern}': only the matching lines of the logs and events` : 'none'}`, ''];

  const pods = (await client.call({ verb: 'list', group: '', resource: 'pods', namespace: release.namespace }, () =>
    client.core.listNamespacedPod({ namespace: release.namespace, labelSelector: releaseSelector(release) }),
  )).items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  if (pods.length === 0 && r.notInstalled !== undefined) throw r.notInstalled;
  progress(`reading the logs of ${pods.length} pod${pods.length === 1 ? '' : 's'}:`);
  const logs = await readPods(client, pods, progress);
  summary.push(`pods (${pods.length}), by the labels ${releaseSelector(release)}:`);
  let written = 0;
  pods.forEach((pod, i) => {
    summary.push(`  ${pod.metadata!.name} (${podState(pod)})`);
    for (const log of logs[i]!) {
      const what = `    ${log.container}${log.previous ? ', the run before the last restart' : ''}: `;
      if (log.text === undefined) {
        summary.push(`${what}no log: ${log.missing}`);
        continue;
      }
      const name = logName(pod, log);
      const cut = Buffer.byteLength(log.text) >= LOG_BYTES_MAX ? ` (cut at its first ${formatBytes(LOG_BYTES_MAX)})` : '';
      zip.add(name, Buffer.from(grepText(log.text, grep), 'utf8'), at);
      written++;
      summary.push(`${what}${name}, ${formatBytes(Buffer.byteLength(log.text))}${log.text === '' ? ' (it wrote nothing yet)' : ''}${cut}`);
    }
  });
  if (pods.length === 0) summary.push('  none: the release has no pod (its events may say why)');

  let events = 0;
  const eventsFile = `${release.namespace}_events.log`;
  try {
    const found = await shoalEvents(client, release.namespace, releaseObjects(settings), pods);
    events = found.length;
    zip.add(eventsFile, Buffer.from(grepText(found.map((e) => `${eventLine(e)}\n`).join(''), grep), 'utf8'), at);
    summary.push('', `events: ${events} about Shoal's objects in namespace ${release.namespace} → ${eventsFile}`);
    progress(`  events: ${events}`);
  } catch (err) {
    const why = notCollected(err);
    summary.push('', `events: not collected: ${why}`);
    progress(`  events: not read (${why})`);
  }

  let hubStatus = false;
  try {
    const hub = await connectToHub(client, settings, progress);
    const res = await hub.get('/status');
    if (res.statusCode !== 200) throw await hub.refusal(res, 'GET /status');
    let text = '';
    for await (const chunk of res) text += (chunk as Buffer).toString('utf8');
    zip.add('hub_status.json', Buffer.from(`${JSON.stringify(statusJson(text), null, 2)}\n`, 'utf8'), at);
    hubStatus = true;
    summary.push(`hub status: GET /status through ${hub.via} → hub_status.json`);
    progress('  the hub\'s status: read');
  } catch (err) {
    const why = notCollected(err);
    summary.push(`hub status: not collected: ${why}`);
    progress(`  the hub's status: not read (${why})`);
  }

  // Last, as it tells what came of everything before it.
  zip.add('summary.txt', Buffer.from(`${summary.join('\n')}\n`, 'utf8'), at);
  return { zip: zip.finish(), files: zip.count, pods: pods.length, logs: written, events, hubStatus };
}
