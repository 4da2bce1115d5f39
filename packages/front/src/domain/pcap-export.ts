/**
 * The PCAP export of what the page shows: the hub's `GET /pcap?q=&from=&to=` (docs/hub.md) for
 * the current query and time range. Live, with no range, it takes the last LIVE_EXPORT_MINUTES
 * minutes: the tail the page is following, bounded so the file stays a sensible size.
 */
export const LIVE_EXPORT_MINUTES = 15;

export interface PcapExport {
  /** Under the page's `/api`. */
  href: string;
  filename: string;
  /** What the button's tooltip says the file holds. */
  description: string;
}

/** `20261201-194005`, UTC: sorts by time and holds no character a file system refuses. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** A few words of the query for the file name: `status_code-500`. */
function slug(q: string): string {
  return q
    .replace(/[^A-Za-z0-9_.]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export function pcapExport(state: { q: string; from?: number; to?: number }, now: number, liveMinutes = LIVE_EXPORT_MINUTES): PcapExport {
  const live = state.from === undefined && state.to === undefined;
  const from = state.from ?? (live ? now - liveMinutes * 60_000 : 0);
  const to = state.to ?? now;
  const params = new URLSearchParams({ q: state.q, from: String(Math.floor(from)), to: String(Math.ceil(to)) });
  const what = state.q.trim() === '' ? 'every entry' : `the entries matching ${state.q}`;
  const when = live ? `in the last ${liveMinutes} minutes` : `from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  const filename = `${['shoal', slug(state.q), `${stamp(from)}Z`, `${stamp(to)}Z`].filter((p) => p !== '').join('_')}.pcap`;
  // The hub's Content-Disposition wins over the link's `download` name: it is given the same.
  params.set('filename', filename);
  return { href: `/api/pcap?${params.toString()}`, filename, description: `Download the packets of ${what} ${when} (pcap, for Wireshark)` };
}
