/** A single self-overwriting progress line on stderr for long files; silent when disabled. */
export class ProgressLine {
  private lastMs = 0;
  private shown = false;

  constructor(private readonly enabled: boolean, private readonly total: number) {}

  update(done: number): void {
    if (!this.enabled || this.total <= 0) return;
    const now = Date.now();
    if (now - this.lastMs < 250) return;
    this.lastMs = now;
    this.shown = true;
    const pct = Math.min(100, (done / this.total) * 100).toFixed(0);
    process.stderr.write(`\r${pct}% of ${(this.total / 1e6).toFixed(1)} MB`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}
