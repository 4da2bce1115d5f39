/**
 * Where formatters write: text, or bytes encoded straight into a buffer (utf8-cells.ts). Stdout's
 * BufferedWriter, and a shard's batch of entries (dissect/batch-writer.ts).
 */
export interface OutputSink {
  write(text: string): void;
  /**
   * Room for `n` bytes written directly: returns the buffer to write into from offset `at`;
   * `commit(end)` then takes the bytes up to `end`. Text written before is kept in order.
   */
  reserve(n: number): Buffer;
  readonly at: number;
  commit(end: number): void;
}
