import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { goldenCaptures } from './helpers/golden-captures.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/grpc/', import.meta.url));
const REVIEWED: Record<string, string[]> = { calls: [], gzip: [] };

describe('gRPC golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, () => undefined);
});
