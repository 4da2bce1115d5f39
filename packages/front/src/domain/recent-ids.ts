/** The last `capacity` ids seen, to drop the copies a replay sends again after a reconnection. */
export class RecentIds {
  private readonly ring: (string | undefined)[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(private readonly capacity = 20_000) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Records `id`; false when it was already among the recent ones. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
    return true;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.set.clear();
    this.next = 0;
  }
}
