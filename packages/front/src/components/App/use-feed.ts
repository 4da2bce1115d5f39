import { useEffect, useMemo, useRef } from 'react';
import { sessionLost } from '../../domain/front-session.js';
import { FeedController } from '../../domain/feed-controller.js';
import { FeedModel, type TimeWindow } from '../../domain/feed-model.js';
import { HubApi } from '../../domain/hub-api.js';
import { HubStream, type SocketLike } from '../../domain/hub-stream.js';
import { pacedSchedule } from '../../domain/paced-schedule.js';

/** The feed renders at most this often (pacedSchedule says why). */
const FLUSH_INTERVAL_MS = 100;

/** The page's `/api/ws` address, on the server that served the page. */
function feedUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

export interface Feed {
  model: FeedModel;
  controller: FeedController;
  api: HubApi;
}

/**
 * One feed for the page's lifetime: history then live for `filter`, or only the stored past
 * `range` when there is one; opened again when either changes. An answer saying the session
 * ended calls `onSessionLost`.
 */
export function useFeed(filter: string, range: TimeWindow | undefined, onSessionLost: () => void): Feed {
  const lost = useRef(onSessionLost);
  lost.current = onSessionLost;
  const feed = useMemo(() => {
    const model = new FeedModel();
    const api = new HubApi(async (url, init) => {
      const res = await fetch(url, init);
      if (await sessionLost(res)) lost.current();
      return res;
    }, '/api');
    const stream = new HubStream({
      url: feedUrl(),
      // The page's WebSocket has the on* properties SocketLike names, with DOM event types.
      socket: (url) => new WebSocket(url) as unknown as SocketLike,
      schedule: pacedSchedule({
        intervalMs: FLUSH_INTERVAL_MS,
        frame: (fn) => requestAnimationFrame(fn),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        now: () => performance.now(),
      }),
      listener: {
        entries: (batch) => model.addEntries(batch),
        state: (s) => model.setState(s),
        gap: (g) => model.addGap(g),
        filterError: () => undefined,
      },
    });
    return { model, api, controller: new FeedController(model, stream, api) };
  }, []);
  const from = range?.from;
  const to = range?.to;
  useEffect(() => {
    if (from !== undefined && to !== undefined) void feed.controller.openWindow(filter, { from, to });
    else void feed.controller.open(filter);
  }, [filter, from, to, feed]);
  useEffect(() => () => feed.controller.close(), [feed]);
  return feed;
}
