import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { HubApi } from '../../domain/hub-api.js';
import { snapshotLoader, type HubSnapshot } from '../../domain/hub-status.js';
import { StatusPoller, type PollState } from '../../domain/status-poller.js';
import type { FeedModel } from '../../domain/feed-model.js';

export interface HubSnapshotState extends PollState<HubSnapshot> {
  /** Polls now: after the page changed something (targets), or the hub came back. */
  refresh: () => void;
}

/**
 * The hub's /status and /targets, polled for the page's lifetime (StatusPoller). Polled again at
 * once when the stream comes back live, so the status bar does not lag a returning hub by the
 * poller's backoff.
 */
export function useHubSnapshot(api: HubApi, model: FeedModel): HubSnapshotState {
  const [state, setState] = useState<PollState<HubSnapshot>>({ value: undefined, at: undefined, error: undefined, failures: 0 });
  const poller = useMemo(() => new StatusPoller<HubSnapshot>({ load: snapshotLoader(api), listener: setState }), [api]);
  useEffect(() => {
    poller.start();
    return () => poller.stop();
  }, [poller]);
  // Only whether the stream is live: the page does not render again for every entry.
  const live = useSyncExternalStore((l) => model.subscribe(l), () => model.state.kind === 'live');
  useEffect(() => {
    if (live) poller.refresh();
  }, [live, poller]);
  return { ...state, refresh: () => poller.refresh() };
}
