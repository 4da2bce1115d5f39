/**
 * ApiVersions (API key 18): the versions of every API the broker supports (the first request of a connection).
 * Kafka protocol guide, "ApiVersions API"; the message definitions ApiVersionsRequest.json and
 * ApiVersionsResponse.json: versions 0-4, flexible (KIP-482) from 3 on.
 */

import { schema } from '../schema.js';

export const MAX_VERSION = 4;

export const request = schema(`
  clientSoftwareName string 3+
  clientSoftwareVersion string 3+
`);

export const response = schema(`
  errorCode int16 0+
  apiKeys []struct 0+
    apiKey int16 0+
    minVersion int16 0+
    maxVersion int16 0+
  throttleTimeMs int32 1+
  supportedFeatures []struct 3+ tag 0
    name string 3+
    minVersion int16 3+
    maxVersion int16 3+
  finalizedFeaturesEpoch int64 3+ tag 1
  finalizedFeatures []struct 3+ tag 2
    name string 3+
    maxVersionLevel int16 3+
    minVersionLevel int16 3+
  zkMigrationReady bool 3+ tag 3
`);
