import { useState } from 'react';
import { pcapExport } from '../../domain/pcap-export.js';
import './pcap-export.css';

/**
 * Downloads the packets of the current query and time range as one pcap (the hub's merged
 * GET /pcap), by a plain link: the browser streams the file to disk, the page holds none of it.
 * The link is computed when pointed at, so "the last 15 minutes" ends at the click.
 */
export function PcapExport({ q, from, to }: { q: string; from?: number | undefined; to?: number | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  const range: { q: string; from?: number; to?: number } = { q };
  if (from !== undefined) range.from = from;
  if (to !== undefined) range.to = to;
  const e = pcapExport(range, now);
  return (
    <a
      className="icon-button pcap-export"
      data-testid="pcap-export"
      href={e.href}
      download={e.filename}
      title={e.description}
      onPointerEnter={() => setNow(Date.now())}
      onFocus={() => setNow(Date.now())}
    >
      ⤓ PCAP
    </a>
  );
}
