import { useState } from 'react';
import type { FeedModel } from '../../domain/feed-model.js';
import { formatCount, formatTime } from '../../domain/format.js';
import { packetTotals, type HubSnapshot, type WorkerStatus } from '../../domain/hub-status.js';
import type { PollState } from '../../domain/status-poller.js';
import { tlsLine, tlsOverview } from '../../domain/tls-status.js';
import { useModel } from '../App/use-model.js';
import './statusbar.css';

function connectionText(model: FeedModel): string {
  // A past window has no live stream: its rows are all the hub had stored for it.
  if (model.window !== undefined) return `viewing ${formatTime(model.window.from)} – ${formatTime(model.window.to)}`;
  const s = model.state;
  switch (s.kind) {
    case 'connecting':
      return s.attempt > 1 ? `connecting to the hub (attempt ${s.attempt})` : 'connecting to the hub';
    case 'live':
      return 'hub connected';
    case 'disconnected':
      return `hub unreachable (${s.reason}); retrying in ${Math.ceil(s.retryInMs / 1000)} s`;
    case 'rejected':
      return `filter refused: ${s.error.message}`;
  }
}

/** `af_packet` or `ebpf, af_packet` over every up worker: the backends actually capturing. */
function backendsOf(workers: readonly WorkerStatus[]): string {
  const all = new Set(workers.filter((w) => w.up).flatMap((w) => w.capture?.backends ?? []));
  return all.size === 0 ? 'none' : [...all].join(', ');
}

function WorkerLine({ w }: { w: WorkerStatus }) {
  return (
    <li className={w.up ? 'worker worker-up' : 'worker worker-down'} data-worker={w.name}>
      <span className="worker-name">
        <span className="dot" /> {w.name}
      </span>
      {w.up ? (
        <span className="worker-detail">
          {w.capture?.backends.join(', ') || 'no capture running'}
          {w.packets !== null && ` · ${formatCount(w.packets.received)} packets, ${formatCount(w.packets.dropped)} dropped`}
          {w.store !== null && ` · ${formatCount(w.store.entries)} stored`}
        </span>
      ) : (
        <span className="worker-detail worker-why">
          down{w.downSince !== null && ` since ${formatTime(w.downSince)}`}: {w.lastError ?? 'no answer yet'}
        </span>
      )}
      {w.up && w.tls !== null && w.tls !== undefined && w.tls.state !== 'off' && (
        <span className={w.tls.state === 'on' ? 'worker-detail' : 'worker-detail worker-why'} data-testid="worker-tls">
          {tlsLine(w.tls)}
        </span>
      )}
      {w.up && w.lastError !== null && <span className="worker-detail worker-why">{w.lastError}</span>}
    </li>
  );
}

/**
 * The bottom line: the hub connection (from the stream), the workers (up/total; click or hover
 * for each one's backend, packets, TLS tracer and why it is down), capture backends, kernel
 * drops, the TLS tracers when the workers run them, targeted pods (from the polled /status and
 * /targets), and the entries the page holds.
 */
export function StatusBar({ model, hub }: { model: FeedModel; hub: PollState<HubSnapshot> }) {
  useModel(model);
  const [open, setOpen] = useState(false);
  const status = hub.value?.status;
  const targets = hub.value?.targets;
  const workers = status?.workers ?? [];
  const up = workers.filter((w) => w.up).length;
  const packets = packetTotals(workers.filter((w) => w.up));
  const down = workers.filter((w) => !w.up);
  const summary = down.map((w) => `${w.name}: ${w.lastError ?? 'down'}`).join('\n');
  const tls = tlsOverview(workers);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`connection connection-${model.state.kind}`}>
        <span className="dot" />
        {connectionText(model)}
      </span>
      {status !== undefined && (
        <span className="workers-anchor">
          <button
            className={`workers-button ${up < workers.length || workers.length === 0 ? 'has-down' : ''}`}
            data-testid="workers"
            title={summary === '' ? 'every worker answers; click for details' : summary}
            onClick={() => setOpen(!open)}
            onBlur={() => setOpen(false)}
          >
            {up}/{workers.length} workers up
          </button>
          {open && (
            <div className="workers-popover" role="dialog" aria-label="Workers">
              <ul>
                {workers.map((w) => (
                  <WorkerLine key={w.name} w={w} />
                ))}
              </ul>
            </div>
          )}
        </span>
      )}
      {status !== undefined && (
        <span className="backend" title="capture backends of the running captures" data-testid="backend">
          capture: {backendsOf(workers)}
        </span>
      )}
      {status !== undefined && (
        <span className={packets.dropped > 0 ? 'drops drops-some' : 'drops'} title="packets the workers' kernels received and dropped for lack of buffer space">
          {formatCount(packets.received)} packets · {formatCount(packets.dropped)} dropped
        </span>
      )}
      {tls !== null && (
        <span className={tls.trouble ? 'tls tls-trouble' : 'tls'} title={tls.title} data-testid="tls">
          {tls.text}
        </span>
      )}
      {targets !== undefined && (
        <span className="targeted" title={targets.available ? 'pods selected by the hub\'s targets' : targets.reason}>
          {targets.available && targets.selection !== null ? `${formatCount(targets.pods.length)} pods targeted` : "workers' own targets"}
        </span>
      )}
      {hub.error !== undefined && status !== undefined && <span className="stale">status {hub.at !== undefined ? `of ${formatTime(hub.at)}` : ''}: {hub.error}</span>}
      <span className="held">
        {formatCount(model.rows.length)} entries in the page
        {model.rows.dropped > 0 && ` (${formatCount(model.rows.dropped)} oldest dropped)`}
      </span>
    </footer>
  );
}
