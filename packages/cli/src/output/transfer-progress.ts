import { formatBytes } from '@shoal/model';

/**
 * A download's progress on stderr: the bytes so far and the average rate. On a terminal one
 * line rewritten in place (at most every REDRAW_MS); into a file or a pipe (CI logs) a line of
 * its own every LINE_MS, so a log shows that it moves without a line per chunk. `finish()`
 * clears the terminal's line before the closing line is printed.
 */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export const REDRAW_MS = 200;
export const LINE_MS = 5000;

export class TransferProgress {
  private bytes = 0;
  private readonly startMs: number;
  private lastMs: number;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.startMs = now();
    this.lastMs = this.startMs;
  }

  add(bytes: number): void {
    this.bytes += bytes;
    const now = this.now();
    if (now - this.lastMs < (this.out.isTTY === true ? REDRAW_MS : LINE_MS)) return;
    this.lastMs = now;
    if (this.out.isTTY === true) {
      this.out.write(`\r\x1b[K${this.text(now)}`);
      this.drawn = true;
    } else {
      this.out.write(`${this.text(now)}\n`);
    }
  }

  /** `received 12.3 MiB (4.1 MiB/s)`. */
  text(now = this.now()): string {
    const seconds = (now - this.startMs) / 1000;
    const rate = seconds > 0 ? ` (${formatBytes(Math.round(this.bytes / seconds))}/s)` : '';
    return `${this.label}: ${formatBytes(this.bytes)}${rate}`;
  }

  finish(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
