/**
 * FindCoordinator (API key 10): asks which broker coordinates a group (key type 0) or a transaction (1).
 * Kafka protocol guide, "FindCoordinator API"; the message definitions FindCoordinatorRequest.json and
 * FindCoordinatorResponse.json: versions 0-6, flexible (KIP-482) from 3 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 6;

export const request = schema(`
  key string 0-3 group
  keyType int8 1+
  coordinatorKeys []string 4+ group
`);

export const response = schema(`
  throttleTimeMs int32 1+
  errorCode int16 0-3
  errorMessage string 1-3 null 1-3
  nodeId int32 0-3
  host string 0-3
  port int32 0-3
  coordinators []struct 4+
    key string 4+ group
    nodeId int32 4+
    host string 4+
    port int32 4+
    errorCode int16 4+
    errorMessage string 4+ null 4+
`);
