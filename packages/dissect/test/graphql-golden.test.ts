import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { goldenCaptures } from './helpers/golden-captures.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/graphql/', import.meta.url));
const REVIEWED: Record<string, string[]> = { http1: [], http2: [] };

describe('GraphQL golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, () => undefined);
});
