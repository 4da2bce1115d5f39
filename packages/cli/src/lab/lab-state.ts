/**
 * What the lab made, on disk, so `down` can undo it whoever made it and however `up` ended.
 *
 * `state.jsonl` is append-only and written *before* each namespace or link is made (a record of
 * something that never came to be costs `down` one failed delete; a missing record would leak
 * it) and right after each process starts (its PID and kernel start time, so `down` never
 * signals a PID the kernel handed to someone else). appendFileSync reaches the page cache before
 * the next step, so a `kill -9` of `up` loses no record. `lab.json` is written once `up` is done:
 * what `status` shows and `up` prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabPlan } from './lab-plan.js';

export type StateRecord =
  | { kind: 'netns'; name: string }
  | { kind: 'link'; name: string }
  | { kind: 'process'; name: string; pid: number; start: string; netns: string | null };

/** What `up` finished building: the plan plus where to look. */
export interface LabSummary {
  plan: LabPlan;
  stateDir: string;
  tokenFile: string;
  inventoryFile: string;
  workers: { node: string; url: string }[];
  /** The workers run the TLS tracer (absent in a lab recorded before the lab had the choice: false). */
  tls?: boolean;
  hub: { url: string; pid: number } | { unavailable: string };
  /**
   * The dashboard in front of the hub, and the file holding its sign-in token (new with every
   * `up`); unavailable when the hub is.
   */
  dashboard: { url: string; pid: number; tokenFile: string } | { unavailable: string };
  workload: string;
}

export class LabState {
  readonly dir: string;
  private readonly journal: string;
  private readonly summaryFile: string;

  constructor(dir: string) {
    this.dir = dir;
    this.journal = path.join(dir, 'state.jsonl');
    this.summaryFile = path.join(dir, 'lab.json');
  }

  /** True when a lab (finished or not) is recorded here. */
  exists(): boolean {
    return fs.existsSync(this.journal);
  }

  /** Starts a new journal; refuses to overwrite one, whose objects `down` must remove first. */
  create(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(this.journal, '', { flag: 'wx' });
  }

  record(rec: StateRecord): void {
    fs.appendFileSync(this.journal, JSON.stringify(rec) + '\n');
  }

  /** Every record; a line torn by a kill in the middle of a write is skipped. */
  records(): StateRecord[] {
    let text: string;
    try {
      text = fs.readFileSync(this.journal, 'utf8');
    } catch {
      return [];
    }
    const out: StateRecord[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        out.push(JSON.parse(line) as StateRecord);
      } catch {
        // torn last line: its object was not made yet (records precede the making)
      }
    }
    return out;
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  writeSummary(summary: LabSummary): void {
    fs.writeFileSync(this.summaryFile, JSON.stringify(summary, null, 2) + '\n');
  }

  summary(): LabSummary | null {
    try {
      return JSON.parse(fs.readFileSync(this.summaryFile, 'utf8')) as LabSummary;
    } catch {
      return null;
    }
  }

  /** Removes the state directory (logs, worker stores, token) once `down` removed the rest. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
