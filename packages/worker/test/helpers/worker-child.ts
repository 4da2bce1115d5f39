/**
 * A worker in its own process, for the kill -9 test: argv = data dir, token file. Every capture
 * that opens gets the HTTP fixture replayed into it once (ReplaySource autoplay), so each
 * PUT /targets that opens a capture yields the fixture's entries. Prints {"port": N} when
 * listening. Exits by itself after 2 minutes at most.
 */
import { pino } from 'pino';
import { ReplaySource, startWorker } from '../../dist/index.js';
import { FIXTURE } from './harness.js';

const [dataDir, tokenFile] = process.argv.slice(2) as [string, string];
const worker = await startWorker({
  port: 0,
  host: '127.0.0.1',
  interface: 'any',
  source: new ReplaySource({ autoplay: FIXTURE }),
  dataDir,
  storageLimitBytes: 64 << 20,
  tokenFile,
  nodeName: 'child-node',
  nodeIp: '192.0.2.20',
  logger: pino({ level: 'silent' }),
});
process.stdout.write(`${JSON.stringify({ port: worker.port })}\n`);
setTimeout(() => process.exit(3), 120_000).unref();
