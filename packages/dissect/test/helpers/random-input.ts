/**
 * Random input for the robustness tests: random bytes, and a reader fed random messages and
 * noise with random losses, cut into pieces, drawn from a seeded PRNG (split-replay.ts `prng`)
 * so a failure reproduces.
 */

/** `n` random bytes. */
export function noise(rnd: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** What is fed: one direction's reader. */
export interface Fed {
  push(chunk: Buffer, ts: number): void;
  gap(length: number, ts: number): void;
}

/** How `feedRandomly` feeds. */
export interface Feed {
  steps: number;
  /** A step is a loss one time in ten: 1 to this many bytes. */
  lossMax: number;
  /** The length of the next piece the step's bytes are cut into. */
  piece: () => number;
}

/** Feeds `reader` `f.steps` steps (step i at time i): a loss, or the bytes `next` gives cut into pieces. */
export function feedRandomly(rnd: () => number, reader: Fed, next: () => Buffer, f: Feed): void {
  for (let step = 0; step < f.steps; step++) {
    if (rnd() < 0.1) reader.gap(1 + Math.floor(rnd() * f.lossMax), step);
    else {
      const bytes = next();
      for (let at = 0; at < bytes.length; ) {
        const n = f.piece();
        reader.push(bytes.subarray(at, at + n), step);
        at += n;
      }
    }
  }
}
