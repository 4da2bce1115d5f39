import { useEffect, useState } from 'react';
import type { HubApi, Validation } from '../../domain/hub-api.js';

/** Typing pauses this long before the hub is asked: one request per pause, not per key. */
const DEBOUNCE_MS = 250;

export interface Verdict {
  /** The text this verdict is for; a verdict for older text is stale. */
  filter: string;
  validation: Validation;
}

/**
 * The hub's verdict on `draft`, asked once typing pauses; a request still out when the text
 * changes again is aborted. The empty filter needs no asking: it matches everything.
 */
export function useValidation(api: HubApi, draft: string): { verdict: Verdict | undefined; check: (filter: string) => Promise<Verdict> } {
  const [verdict, setVerdict] = useState<Verdict | undefined>(undefined);
  const check = async (filter: string, signal?: AbortSignal): Promise<Verdict> => {
    const validation = filter.trim() === '' ? { ok: true } : await api.validate(filter, signal);
    const next = { filter, validation };
    setVerdict(next);
    return next;
  };
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      // A hub that cannot be reached says nothing about the filter: the status bar shows the outage.
      check(draft, abort.signal).catch(() => undefined);
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, draft]);
  return { verdict: verdict?.filter === draft ? verdict : undefined, check: (filter) => check(filter) };
}
