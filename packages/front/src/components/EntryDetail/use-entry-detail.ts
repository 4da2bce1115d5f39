import { useEffect, useState } from 'react';
import type { EntryJson } from '../../domain/entry-row.js';
import { entryPath, streamQuery, type EntryDetailJson } from '../../domain/entry-detail.js';
import type { HubApi } from '../../domain/hub-api.js';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; value: T };

/** Runs `load` whenever `key` changes; an answer for an older key is dropped. */
function useLoad<T>(key: string | undefined, load: (key: string) => Promise<T>): Loaded<T> {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (key === undefined) return;
    let current = true;
    setResult({ state: 'loading' });
    load(key).then(
      (value) => current && setResult({ state: 'done', value }),
      (err: unknown) => current && setResult({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure every render; the key alone says what to load.
  }, [key]);
  return result;
}

/** The full entry, fetched when the detail opens (the feed keeps summaries only). */
export function useEntryDetail(api: HubApi, id: string): Loaded<EntryDetailJson> {
  return useLoad(id, (key) => api.get(entryPath(key)) as Promise<EntryDetailJson>);
}

/** How many of a stream's entries the detail lists; a longer keep-alive connection says "first N". */
export const STREAM_LIMIT = 200;

/** The entries of the same connection, oldest first, from the hub's history. */
export function useStreamEntries(api: HubApi, stream: string | undefined): Loaded<{ entries: EntryJson[]; more: boolean }> {
  return useLoad(stream, (key) => api.historyUpTo(streamQuery(key), STREAM_LIMIT));
}
