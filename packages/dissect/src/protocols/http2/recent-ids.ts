/**
 * The ids of the streams that ended last on a connection: at least `keep` of them, at most twice
 * that. Two generations of sets, the older dropped whole once the newer is full. (A Set trimmed
 * one id at a time from its front walks past its deleted entries on every trim, since V8's
 * ordered hash tables keep them until the next rehash: on a connection of many thousand streams
 * that walk was most of the cost of ending one.)
 */
export class RecentIds {
  private current = new Set<number>();
  private previous = new Set<number>();

  constructor(private readonly keep: number) {}

  has(id: number): boolean {
    return this.current.has(id) || this.previous.has(id);
  }

  add(id: number): void {
    if (this.current.size >= this.keep) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
  }
}
