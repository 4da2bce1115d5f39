import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { ShoalError } from '@shoal/model';

/**
 * A file that appears whole or not at all (`shoal pcapdump`, `shoal logs`): written under a
 * hidden temporary name in the same directory, then renamed to its name (rename(2) within one
 * file system is atomic), so another program never reads half a file and a failed or stopped
 * run leaves nothing behind. Readable by its owner only (0600): what it holds is captured
 * traffic or logs that may name it.
 */
const MODE = 0o600;

function outputError(message: string, err: unknown): ShoalError {
  return new ShoalError('CLI_ERR_OUTPUT', `${message}: ${(err as Error).message}`, { cause: err });
}

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
}

/** Creates `dir` (and its parents) unless it exists; CLI_ERR_OUTPUT when it cannot. */
export function ensureDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw outputError(`cannot create the directory ${dir}`, err);
  }
}

export class AtomicFile {
  private failure: Error | undefined;
  private written = 0;

  private constructor(
    readonly file: string,
    private readonly temporary: string,
    private readonly stream: fs.WriteStream,
  ) {
    stream.on('error', (err) => (this.failure ??= err));
  }

  static create(file: string): AtomicFile {
    const temporary = temporaryName(file);
    let fd: number;
    try {
      fd = fs.openSync(temporary, 'wx', MODE);
    } catch (err) {
      throw outputError(`cannot write ${file}`, err);
    }
    return new AtomicFile(file, temporary, fs.createWriteStream(temporary, { fd }));
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  /** Writes `chunk`, waiting while the disk is behind (backpressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure !== undefined) throw outputError(`cannot write ${this.file}`, this.failure);
    this.written += chunk.length;
    if (!this.stream.write(chunk)) {
      try {
        await once(this.stream, 'drain');
      } catch (err) {
        throw outputError(`cannot write ${this.file}`, err);
      }
    }
  }

  /** Everything written is flushed, then the file takes its name. */
  async commit(): Promise<void> {
    try {
      if (this.failure !== undefined) throw this.failure;
      this.stream.end();
      await finished(this.stream);
      fs.renameSync(this.temporary, this.file);
    } catch (err) {
      this.discard();
      throw outputError(`cannot write ${this.file}`, err);
    }
  }

  /** Nothing is left: the temporary file goes. */
  discard(): void {
    this.stream.destroy();
    fs.rmSync(this.temporary, { force: true });
  }
}

/** Writes `data` as `file` whole, by the same rule. */
export async function writeFileAtomically(file: string, data: Buffer): Promise<void> {
  const out = AtomicFile.create(file);
  try {
    await out.write(data);
  } catch (err) {
    out.discard();
    throw err;
  }
  await out.commit();
}
