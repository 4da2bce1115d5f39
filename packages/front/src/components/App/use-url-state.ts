import { useCallback, useEffect, useState } from 'react';
import { parseUrlState, toSearch, type UrlState } from '../../domain/url-state.js';

/**
 * The page's UrlState, kept in the address bar: a change of query or time range is a new history
 * step (Back returns to the previous view); opening an entry or switching views replaces it.
 */
export function useUrlState(): [UrlState, (change: Partial<UrlState>, push?: boolean) => void] {
  const [state, setState] = useState(() => parseUrlState(location.search));
  useEffect(() => {
    const onPop = () => setState(parseUrlState(location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const change = useCallback((patch: Partial<UrlState>, push = false) => {
    setState((old) => {
      const next = { ...old, ...patch };
      for (const key of Object.keys(patch) as (keyof UrlState)[]) if (patch[key] === undefined) delete next[key];
      const url = `${location.pathname}${toSearch(next)}`;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      return next;
    });
  }, []);
  return [state, change];
}
