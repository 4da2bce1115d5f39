import { emptyReason, type EmptyReason } from '../../domain/empty-reason.js';
import type { FeedModel } from '../../domain/feed-model.js';
import type { HubSnapshot } from '../../domain/hub-status.js';
import type { PollState } from '../../domain/status-poller.js';
import { useModel } from '../App/use-model.js';
import { formatCount, formatTime } from '../../domain/format.js';
import './empty-feed.css';

function Body({ reason }: { reason: EmptyReason }) {
  switch (reason.kind) {
    case 'loading':
      return <h2>Connecting to the hub…</h2>;
    case 'no-hub':
      return (
        <>
          <h2>No hub</h2>
          <p>The dashboard cannot reach the hub: {reason.reason}. It keeps trying, with backoff.</p>
          <p className="hint">
            Is the hub running? <code>shoal front --hub URL</code> names the hub this page asks.
          </p>
        </>
      );
    case 'bad-filter':
      return (
        <>
          <h2>The hub refused the query</h2>
          <p>{reason.message}</p>
        </>
      );
    case 'no-workers':
      return (
        <>
          <h2>No workers connected</h2>
          {reason.workers.length === 0 ? (
            <p>
              The hub knows no worker: give it <code>--workers NAME=HOST:PORT,…</code>.
            </p>
          ) : (
            <>
              <p>Every worker is down, so nothing is captured. Why, for each:</p>
              <ul className="why-list">
                {reason.workers.map((w) => (
                  <li key={w.name}>
                    <strong>{w.name}</strong>
                    {w.downSince !== null && <span className="since"> since {formatTime(w.downSince)}</span>}: {w.lastError ?? 'no answer yet'}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      );
    case 'no-targets':
      return (
        <>
          <h2>No pods targeted</h2>
          <p>
            The targets select no pod: pod regex <code>{reason.podRegex}</code>
            {reason.namespaces.length > 0 && <>, namespaces {reason.namespaces.join(', ')}</>}
            {reason.excludedNamespaces.length > 0 && <>, excluding {reason.excludedNamespaces.join(', ')}</>}.
          </p>
          <p className="hint">Change them in the Targets view.</p>
        </>
      );
    case 'no-match':
      return (
        <>
          <h2>Nothing matches the query</h2>
          <p>
            <code>{reason.filter}</code> turned down <strong data-testid="rejected-count">{formatCount(reason.rejected)}</strong> of{' '}
            {formatCount(reason.examined)} entries it was tested on.
          </p>
          <p className="hint">Loosen the filter, or widen the time range.</p>
        </>
      );
    case 'no-traffic':
      return (
        <>
          <h2>No traffic yet</h2>
          <p>
            {reason.workersUp} {reason.workersUp === 1 ? 'worker is' : 'workers are'} up
            {reason.pods !== undefined ? ` and ${reason.pods} ${reason.pods === 1 ? 'pod is' : 'pods are'} targeted` : ''}; no call was
            captured yet. Entries appear here as soon as the targets talk.
          </p>
        </>
      );
  }
}

/** What an empty feed shows: why it is empty (domain/empty-reason.ts), never a blank page. */
export function EmptyFeed({ model, hub, filter }: { model: FeedModel; hub: PollState<HubSnapshot>; filter: string }) {
  useModel(model);
  const reason = emptyReason({ stream: model.state, status: hub.value?.status, targets: hub.value?.targets, statusError: hub.error, filter, history: model.history });
  return (
    <div className={`empty-feed empty-${reason.kind}`} data-testid="empty-feed" data-reason={reason.kind}>
      <Body reason={reason} />
    </div>
  );
}
