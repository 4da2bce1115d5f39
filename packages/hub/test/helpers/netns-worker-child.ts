/**
 * A real worker in its own process, for the half-open socket test: run inside a network
 * namespace by `ip netns exec`. argv: listen address, port, data dir, token file, node name.
 * Prints {"port": N} once listening. Each stdin line `play <file>` replays that capture into it
 * (as if live) and prints `played <packets>`. Exits by itself after 2 minutes at most.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { ReplaySource, startWorker } from '@shoal/worker';

const [host, port, dataDir, tokenFile, nodeName] = process.argv.slice(2) as [string, string, string, string, string];
const source = new ReplaySource();
const worker = await startWorker({
  port: Number(port),
  host,
  interface: 'any',
  source,
  dataDir,
  storageLimitBytes: 64 << 20,
  tokenFile,
  nodeName,
  nodeIp: host,
  targets: [{ ip: '127.0.0.1', name: 'fixture', namespace: 'test' }],
  logger: pino({ level: 'silent' }),
});
process.stdout.write(`${JSON.stringify({ port: worker.port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const [verb, file] = line.split(' ');
  if (verb === 'play' && file !== undefined) void source.play(file).then((n) => process.stdout.write(`played ${n}\n`));
});
setTimeout(() => process.exit(3), 120_000).unref();
