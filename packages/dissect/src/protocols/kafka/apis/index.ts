/**
 * The APIs whose bodies are decoded, by API key: each file holds the grammar of its request and
 * response (schema.ts) for every version up to MAX_VERSION. Other API keys are named and paired
 * (api-keys.ts), their bodies only counted.
 */

import type { Schema } from '../schema.js';
import * as apiVersions from './api-versions.js';
import * as fetch from './fetch.js';
import * as findCoordinator from './find-coordinator.js';
import * as heartbeat from './heartbeat.js';
import * as joinGroup from './join-group.js';
import * as leaveGroup from './leave-group.js';
import * as listOffsets from './list-offsets.js';
import * as metadata from './metadata.js';
import * as offsetCommit from './offset-commit.js';
import * as offsetFetch from './offset-fetch.js';
import * as produce from './produce.js';
import * as syncGroup from './sync-group.js';

export interface ApiGrammar {
  readonly request: Schema;
  readonly response: Schema;
  readonly MAX_VERSION: number;
}

const BY_KEY: ReadonlyMap<number, ApiGrammar> = new Map<number, ApiGrammar>([
  [0, produce],
  [1, fetch],
  [2, listOffsets],
  [3, metadata],
  [8, offsetCommit],
  [9, offsetFetch],
  [10, findCoordinator],
  [11, joinGroup],
  [12, heartbeat],
  [13, leaveGroup],
  [14, syncGroup],
  [18, apiVersions],
]);

/** The grammar of an API key, or undefined when its bodies are not decoded. */
export function grammarOf(apiKey: number): ApiGrammar | undefined {
  return BY_KEY.get(apiKey);
}
