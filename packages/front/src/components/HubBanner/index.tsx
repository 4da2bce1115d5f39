import { useEffect, useState } from 'react';
import type { FeedModel } from '../../domain/feed-model.js';
import { formatTime } from '../../domain/format.js';
import { useModel } from '../App/use-model.js';
import './hub-banner.css';

/** Seconds left until `deadline`, counted down on screen. */
function useCountdown(deadline: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline === undefined ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}

/**
 * Across the page while the hub cannot be reached: since when, why, and when the next attempt
 * is. The stream reconnects by itself (HubStream's backoff); the banner goes once it is live
 * again, and the feed shows the outage as a row.
 */
export function HubBanner({ model }: { model: FeedModel }) {
  useModel(model);
  const s = model.state;
  // The deadline of the attempt announced with this state; a new state object is a new attempt.
  const [deadline, setDeadline] = useState<number | undefined>(undefined);
  useEffect(() => {
    setDeadline(s.kind === 'disconnected' ? Date.now() + s.retryInMs : undefined);
  }, [s]);
  const left = useCountdown(deadline);
  const [since, setSince] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (s.kind === 'disconnected') setSince(s.since);
    else if (s.kind === 'live') setSince(undefined);
  }, [s]);
  if (since === undefined) return null;
  return (
    <div className="hub-banner" role="alert" data-testid="hub-banner">
      <strong>The hub is unreachable</strong> since {formatTime(since)}
      {s.kind === 'disconnected' && <span className="hub-banner-reason"> — {s.reason}</span>}
      <span className="hub-banner-retry">{s.kind === 'disconnected' ? (left > 0 ? `retrying in ${left} s` : 'retrying…') : 'reconnecting…'}</span>
      <span className="hub-banner-note">The feed resumes where it was; entries stored meanwhile are replayed.</span>
    </div>
  );
}
