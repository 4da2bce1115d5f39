import { useCallback, useState } from 'react';
import { parseHistory, remember } from '../../domain/query-history.js';

const STORAGE_KEY = 'shoal.queryHistory';

/** The applied queries, newest first, kept in this browser across visits. */
export function useQueryHistory(): [readonly string[], (query: string) => void] {
  const [list, setList] = useState(() => parseHistory(localStorage.getItem(STORAGE_KEY)));
  const add = useCallback((query: string) => {
    setList((old) => {
      const next = remember(old, query);
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [list, add];
}
