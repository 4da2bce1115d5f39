import type { Writable } from 'node:stream';

/**
 * Collects output text and writes it in large pieces, waiting for the stream to drain so a slow
 * reader (a pipe to `less`) holds back the producer instead of filling memory. A closed pipe
 * (`| head`) ends output quietly.
 */
export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly out: Writable, private readonly highWater = 1 << 20) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  write(text: string): void {
    if (text.length === 0 || this.closed) return;
    this.parts.push(text);
    this.size += text.length;
  }

  get pending(): number {
    return this.size;
  }

  get wantsFlush(): boolean {
    return this.size >= this.highWater;
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done);
          this.out.off('close', done);
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('close', done);
      });
    }
  }
}
