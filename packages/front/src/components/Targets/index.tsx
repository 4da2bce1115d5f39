import { useState, type FormEvent } from 'react';
import { HubApiError, type HubApi } from '../../domain/hub-api.js';
import { formatTime } from '../../domain/format.js';
import { podsByNode, type HubSnapshot } from '../../domain/hub-status.js';
import type { PollState } from '../../domain/status-poller.js';
import { draftOf, fieldOfError, selectionOf, type TargetDraft, type TargetField } from '../../domain/target-form.js';
import './targets.css';

const FIELDS: { field: TargetField; label: string; placeholder: string; help: string }[] = [
  { field: 'podRegex', label: 'Pod regex', placeholder: '.*', help: "A pod is targeted when its name matches (RE2 regular expression, as the filter's matches(); Kubeshark's tap.regex)" },
  { field: 'namespaces', label: 'Namespaces', placeholder: 'all namespaces', help: 'Only these namespaces, separated by commas; empty for all' },
  { field: 'excludedNamespaces', label: 'Excluded namespaces', placeholder: 'none', help: 'Never these namespaces, e.g. kube-system' },
];

/**
 * Which pods the workers capture: the hub's selection (pod regex, namespaces, excluded
 * namespaces), edited and applied with PUT /targets, and the pods it selects now, per node,
 * from the polled GET /targets. A hub without a pod source cannot select: the panel says so.
 */
export function Targets({ api, hub, onChanged }: { api: HubApi; hub: PollState<HubSnapshot>; onChanged: () => void }) {
  const targets = hub.value?.targets;
  const [draft, setDraft] = useState<TargetDraft | undefined>(undefined);
  const [error, setError] = useState<{ field: TargetField | undefined; message: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  if (targets === undefined) return <section className="targets" data-testid="targets">{hub.error ?? 'Loading the targets…'}</section>;
  if (!targets.available) {
    return (
      <section className="targets" data-testid="targets">
        <h2>Targets</h2>
        <p className="targets-unavailable">{targets.reason}</p>
      </section>
    );
  }
  const shown = draft ?? draftOf(targets.selection);
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    try {
      await api.send('PUT', '/targets', selectionOf(shown));
      setError(undefined);
      setDraft(undefined);
      onChanged();
    } catch (err) {
      const message = err instanceof HubApiError || err instanceof Error ? err.message : String(err);
      setError({ field: fieldOfError(message), message });
    } finally {
      setSaving(false);
    }
  };
  const byNode = podsByNode(targets.pods);
  return (
    <section className="targets" data-testid="targets">
      <form className="targets-form" onSubmit={(e) => void apply(e)}>
        <h2>Targets</h2>
        {targets.selection === null && <p className="targets-note">No selection yet: the workers capture the targets they were started with.</p>}
        {FIELDS.map(({ field, label, placeholder, help }) => (
          <label key={field} className={error?.field === field ? 'field field-error' : 'field'}>
            <span className="field-label">{label}</span>
            <input
              name={field}
              value={shown[field]}
              placeholder={placeholder}
              title={help}
              spellCheck={false}
              onChange={(e) => setDraft({ ...shown, [field]: e.target.value })}
            />
            {error?.field === field && <span className="field-message" role="alert">{error.message}</span>}
          </label>
        ))}
        {error !== undefined && error.field === undefined && <p className="field-message" role="alert">{error.message}</p>}
        <div className="targets-actions">
          <button type="submit" disabled={saving}>{saving ? 'Applying…' : 'Apply'}</button>
          {draft !== undefined && (
            <button type="button" className="secondary" onClick={() => (setDraft(undefined), setError(undefined))}>
              Reset
            </button>
          )}
        </div>
      </form>
      <div className="targets-pods">
        {/* Without a selection the hub lists no pods, yet the workers capture theirs: "0 pods targeted" would be wrong. */}
        {targets.selection === null ? (
          <>
            <h3>The workers' own targets</h3>
            <p className="targets-note">The hub has chosen no pods yet, so each worker captures the pods it was started with. Apply a selection to list here the pods it targets on each node.</p>
          </>
        ) : (
          <h3>
            {targets.pods.length} {targets.pods.length === 1 ? 'pod' : 'pods'} targeted
          </h3>
        )}
        {byNode.map(([node, pods]) => {
          const w = targets.workers[node];
          return (
            <div key={node} className="node-group" data-node={node}>
              <div className="node-head">
                <strong>{node === '' ? 'no node' : node}</strong>
                {w !== undefined && (
                  <span className={w.error === null ? 'pushed' : 'pushed pushed-error'}>
                    {w.error === null ? (w.pushedAt !== null ? `given ${w.targets} at ${formatTime(w.pushedAt)}` : 'not given yet') : `not given: ${w.error}`}
                  </span>
                )}
              </div>
              <table>
                <tbody>
                  {pods.map((p) => (
                    <tr key={`${p.namespace}/${p.name}`}>
                      <td className="ns">{p.namespace}</td>
                      <td>{p.name}</td>
                      <td className="ip">{p.ip}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
      </div>
    </section>
  );
}
