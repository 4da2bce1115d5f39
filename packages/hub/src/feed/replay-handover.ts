import { entryPosition, ResumeState, type Entry, type EntryPosition } from '@shoal/model';
import type { ClientFeed } from './client-feed.js';

/**
 * Where a client's replay of one worker ended: the id of the newest entry that worker had made
 * when the replay's socket went live (its `ready.last`). The replay gave every entry up to it;
 * the shared live subscription gives the ones after. `null` when the worker cannot say (it had
 * made none this run, is of an older version, or went away): the live entries are then told
 * apart from the replayed ones by id.
 */
type Cut = EntryPosition | null;

interface Held {
  entry: Entry;
  json: Buffer;
}

/**
 * The history→live handover of one client (docs/hub.md, Replay): the client joins its query's
 * shared live group at once, and replays the history of each worker on a subscription of its
 * own that the worker ends where it went live; that subscription is opened only once the
 * shared one is live on that worker, so every entry is in one of the two. So that nothing is
 * lost and nothing comes twice:
 * - the replay's entries go to the client as they are merged (before its `ready`);
 * - the live group's entries wait here while the replay runs (up to `maxHeldBytes`; past it
 *   they are skipped and counted as `lost`), and always while their worker's cut is unknown;
 * - then each goes to the client only if it comes after its worker's cut: in the same run, a
 *   higher sequence number; otherwise, an id the replay did not give. An entry older than
 *   `since` goes too: the replay gives none of those.
 * The check stays for the life of the client in the group: a live subscription that resumes
 * after a break sends again entries from before the cut, which this client had from its replay.
 */
export class ReplayHandover {
  private replaying = true;
  /** Workers whose part of the replay has not ended: their live entries wait for the cut. */
  private readonly pending = new Set<string>();
  private readonly cuts = new Map<string, Cut>();
  private held: Held[] = [];
  private heldBytes = 0;
  private skipped = 0;
  /** Ids the replay gave, for the live entries that cannot be placed against a cut. */
  private replayedIds = new ResumeState();

  constructor(
    readonly client: ClientFeed,
    /** The replay's `since`: it gives nothing older. */
    private readonly since: number,
    private readonly maxHeldBytes: number,
  ) {}

  /** The replay has a part for `worker`: its live entries wait for where that part ends. */
  expect(worker: string): void {
    this.pending.add(worker);
  }

  /** An entry of the replay, in the replay's merged order. */
  replayed(entry: Entry, json: Buffer): void {
    this.replayedIds.deliver(entry.id, entry.timestamp);
    this.client.offer(json);
  }

  /** An entry of the shared live group. */
  live(entry: Entry, json: Buffer): void {
    if (this.replaying || this.pending.has(entry.worker)) this.hold(entry, json);
    else if (this.isAfterCut(entry)) this.client.offer(json);
  }

  /** `worker`'s part of the replay ended at `last` (its ready's), or without one (null). */
  cut(worker: string, last: string | null): void {
    if (!this.pending.delete(worker)) return;
    this.cuts.set(worker, last === null ? null : (entryPosition(last) ?? null));
    if (!this.replaying) this.release();
  }

  /** The replay is merged and sent: the client hears `ready`, then the live entries that waited. */
  replayDone(ready: unknown): void {
    if (!this.replaying) return;
    this.replaying = false;
    this.client.send(ready);
    this.release();
  }

  /**
   * The handover is long over (a resume margin after it): a live subscription that broke
   * around it has resumed by now, so the replay's ids are no longer needed to tell its repeats.
   */
  forgetReplayed(): void {
    this.replayedIds = new ResumeState();
  }

  private hold(entry: Entry, json: Buffer): void {
    if (this.heldBytes + json.length > this.maxHeldBytes) {
      this.skipped++;
      return;
    }
    this.held.push({ entry, json });
    this.heldBytes += json.length;
  }

  /** Sends what waited and may go now, in the order it came; the rest waits for its cut. */
  private release(): void {
    const waiting: Held[] = [];
    for (const h of this.held) {
      if (this.pending.has(h.entry.worker)) waiting.push(h);
      else if (this.isAfterCut(h.entry)) this.client.offer(h.json);
    }
    this.held = waiting;
    this.heldBytes = waiting.reduce((sum, h) => sum + h.json.length, 0);
    this.client.flush();
    if (this.skipped > 0) {
      this.client.addLost(this.skipped);
      this.skipped = 0;
    }
  }

  private isAfterCut(entry: Entry): boolean {
    // A worker the replay did not ask (found since) gave it nothing; nor did any worker give it
    // an entry older than `since` (one whose response came late, after the client joined).
    if (!this.cuts.has(entry.worker) || entry.timestamp < this.since) return true;
    const cut = this.cuts.get(entry.worker) ?? null;
    const at = entryPosition(entry.id);
    if (cut !== null && at !== undefined && at.run === cut.run) return at.seq > cut.seq;
    return !this.replayedIds.has(entry.id);
  }
}
