/**
 * A real hub over a capture file, in this process, for the domain tests that talk to the hub:
 * one worker replays the file with its own times (as `shoal view` does) and a hub lists it.
 * The domain code reaches it over HTTP with Node's fetch, exactly as the page does through `/api`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHubLogger, startHub } from '@shoal/hub';
import { waitFor } from '@shoal/testkit';
import { createWorkerLogger, MATCH_ALL_IP, ReplaySource, startWorker } from '@shoal/worker';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../../dissect/test/fixtures/http1/${name}.pcap`, import.meta.url));
}

export interface FileHub {
  /** `http://127.0.0.1:PORT`: the base HubApi is given in place of `/api`. */
  base: string;
  close(): Promise<void>;
}

/** The hub counts its worker down until its first poll answers; history asked before that is empty. */
async function untilWorkerUp(base: string): Promise<void> {
  await waitFor(`the hub at ${base} to see its worker up`, async () => ((await (await fetch(`${base}/status`)).json()) as { up: number }).up === 1);
}

/**
 * `pcaps` are replayed one after the other. `historyMaxExamined` lowers the worker's examine
 * cap (entries one GET /entries reads), so a selective filter's pages come back empty with more
 * to come, as over a large store.
 */
export async function startFileHub(pcaps: string | string[], options: { historyMaxExamined?: number } = {}): Promise<FileHub> {
  const files = typeof pcaps === 'string' ? [pcaps] : pcaps;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-front-test-'));
  const source = new ReplaySource({ keepTimestamps: true });
  const worker = await startWorker({
    port: 0,
    host: '127.0.0.1',
    interface: 'any',
    source,
    dataDir,
    storageLimitBytes: 64 << 20,
    nodeName: 'view',
    nodeIp: '0.0.0.0',
    wallClock: false,
    logger: createWorkerLogger('silent'),
    ...(options.historyMaxExamined !== undefined ? { historyMaxExamined: options.historyMaxExamined } : {}),
  });
  const closeWorker = async () => {
    await worker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    worker.core.setTargets([{ ip: MATCH_ALL_IP, name: path.basename(files[0]!), namespace: 'file' }]);
    for (const pcap of files) await source.play(pcap);
    // The file is all there is: requests still waiting for a response are emitted now.
    worker.core.pipeline.finish();
    const hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: [{ name: 'view', host: '127.0.0.1', port: worker.port }],
      workerToken: worker.token,
      logger: createHubLogger('silent'),
    });
    const base = `http://127.0.0.1:${hub.port}`;
    await untilWorkerUp(base).catch(async (err: unknown) => {
      await hub.close();
      throw err;
    });
    return {
      base,
      close: async () => {
        await hub.close();
        await closeWorker();
      },
    };
  } catch (err) {
    await closeWorker();
    throw err;
  }
}
