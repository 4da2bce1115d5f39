import { useSyncExternalStore } from 'react';
import type { FeedModel } from '../../domain/feed-model.js';

/** Renders again whenever the model changes. */
export function useModel(model: FeedModel): number {
  return useSyncExternalStore(
    (l) => model.subscribe(l),
    () => model.stamp,
  );
}
