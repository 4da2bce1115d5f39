/**
 * What the map and the statistics ask the hub for one time window, and, when the answer is
 * empty, the two cheap questions that say why: does the window hold traffic without the query,
 * and when is the newest stored entry.
 */
import { bucketWidth } from './chart-scale.js';
import { emptyReason, type EmptyReason } from './empty-window.js';
import type { HubApi } from './hub-api.js';
import type { ServiceMapJson } from './service-map.js';
import { rangeSearch, type TimeWindow } from './time-window.js';
import type { StatsJson } from './traffic-stats.js';

export interface WindowAnswer<T> {
  data: T;
  /** Set when the answer holds no entries. */
  empty?: EmptyReason;
}

async function whyEmpty(api: HubApi, q: string, w: TimeWindow): Promise<EmptyReason> {
  const [unfiltered, newest] = await Promise.all([
    q === '' ? undefined : ((await api.get(`/stats?${rangeSearch('', w, { bucket: String(Math.ceil(w.to - w.from)) })}`)) as StatsJson).entries,
    api.history('', undefined, 1).then((page) => page.entries[0]?.timestamp ?? null),
  ]);
  return emptyReason({ q, live: w.live, windowMs: w.to - w.from, newest, ...(unfiltered === undefined ? {} : { unfiltered }) }, w);
}

export async function loadServiceMap(api: HubApi, q: string, w: TimeWindow): Promise<WindowAnswer<ServiceMapJson>> {
  const data = (await api.get(`/servicemap?${rangeSearch(q, w)}`)) as ServiceMapJson;
  return data.edges.length > 0 ? { data } : { data, empty: await whyEmpty(api, q, w) };
}

export async function loadStats(api: HubApi, q: string, w: TimeWindow): Promise<WindowAnswer<StatsJson>> {
  const data = (await api.get(`/stats?${rangeSearch(q, w, { bucket: String(bucketWidth(w.from, w.to)) })}`)) as StatsJson;
  return data.entries > 0 ? { data } : { data, empty: await whyEmpty(api, q, w) };
}
