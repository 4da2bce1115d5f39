import type { Range } from '../../domain/filter-underline.js';
import { tokenize } from '../../domain/filter-tokens.js';

interface Piece {
  text: string;
  kind: string;
  start: number;
  error: boolean;
}

/** The tokens of `text`, each cut where the error range begins and ends, so the range is marked exactly. */
function pieces(text: string, error: Range | undefined): Piece[] {
  const out: Piece[] = [];
  for (const t of tokenize(text)) {
    const cuts = [t.start, t.end];
    if (error !== undefined) for (const c of [error.start, error.end]) if (c > t.start && c < t.end) cuts.push(c);
    cuts.sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const start = cuts[i]!;
      const inError = error !== undefined && start >= error.start && start < error.end;
      out.push({ text: text.slice(start, cuts[i + 1]), kind: t.kind, start, error: inError });
    }
  }
  return out;
}

/** `text` as coloured token spans; the error's characters carry their offset (`data-offset`) for tests. */
export function Painted({ text, error }: { text: string; error?: Range | undefined }) {
  return (
    <>
      {pieces(text, error).map((p) => (
        <span key={p.start} className={p.error ? `tok-${p.kind} filter-error-mark` : `tok-${p.kind}`} data-offset={p.error ? p.start : undefined}>
          {p.text}
        </span>
      ))}
    </>
  );
}

/**
 * The painted copy of the filter under the transparent input: same font, same padding, same
 * scroll, so each coloured character sits exactly under the one typed.
 */
export function Highlight({ text, error, scrollLeft }: { text: string; error: Range | undefined; scrollLeft: number }) {
  return (
    <div className="filter-highlight" aria-hidden="true">
      <div style={{ transform: `translateX(${-scrollLeft}px)` }}>
        <Painted text={text} error={error} />
      </div>
    </div>
  );
}
