import { useState } from 'react';

/**
 * Copies `text` to the clipboard. The clipboard API exists only in a secure context (https, or
 * localhost): a dashboard opened over plain http from another machine has none, so the text is
 * then shown selected in a box for Ctrl+C instead of failing silently.
 */
export function CopyButton({ label, text, name }: { label: string; text: () => string; name: string }) {
  const [done, setDone] = useState(false);
  const [fallback, setFallback] = useState<string | null>(null);
  const copy = async () => {
    const value = text();
    try {
      await navigator.clipboard.writeText(value);
      setDone(true);
      window.setTimeout(() => setDone(false), 1500);
    } catch {
      setFallback(value);
    }
  };
  return (
    <>
      <button className="detail-action" data-copy={name} onClick={() => void copy()}>
        {done ? 'Copied' : label}
      </button>
      {fallback !== null && (
        <div className="copy-fallback" role="dialog" aria-label={`${label}: press Ctrl+C`}>
          <span>The browser gives no clipboard here: press Ctrl+C to copy.</span>
          <textarea readOnly value={fallback} ref={(el) => el?.select()} rows={Math.min(12, fallback.split('\n').length + 1)} />
          <button className="detail-action" onClick={() => setFallback(null)}>
            Close
          </button>
        </div>
      )}
    </>
  );
}
