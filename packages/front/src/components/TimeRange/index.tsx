import { useCallback, useRef, useState } from 'react';
import { useDismiss } from '../App/use-dismiss.js';
import type { TimeWindow } from '../../domain/feed-model.js';
import { formatTime } from '../../domain/format.js';
import { fromLocalInput, PRESETS, presetWindow, toLocalInput } from '../../domain/time-range.js';
import './time-range.css';

interface Props {
  /** The window shown; undefined for the live tail. */
  window: TimeWindow | undefined;
  /** undefined goes back to live. */
  onChange: (window: TimeWindow | undefined) => void;
}

/** Live, a "last N" preset, or a custom from–to: which part of the traffic the feed shows. */
export function TimeRange({ window, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useDismiss(root, open, useCallback(() => setOpen(false), []));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const custom = { from: fromLocalInput(from), to: fromLocalInput(to) };
  const customOk = custom.from !== undefined && custom.to !== undefined && custom.from < custom.to;

  const choose = (w: TimeWindow | undefined) => {
    setOpen(false);
    onChange(w);
  };
  const toggle = () => {
    if (!open) {
      const now = Date.now();
      setFrom(toLocalInput(window?.from ?? now - 15 * 60_000));
      setTo(toLocalInput(window?.to ?? now));
    }
    setOpen(!open);
  };

  return (
    <div className="time-range" ref={root}>
      <button className={window ? 'time-range-button windowed' : 'time-range-button'} data-testid="time-range" onClick={toggle}>
        {window ? (
          <>viewing {formatTime(window.from).slice(0, 8)}–{formatTime(window.to).slice(0, 8)}</>
        ) : (
          <>
            <span className="live-dot" /> Live
          </>
        )}
      </button>
      {open && (
        <div className="time-range-popover" data-testid="time-range-popover">
          <button className={window ? '' : 'chosen'} onClick={() => choose(undefined)}>
            Live tail
          </button>
          {PRESETS.map((p) => (
            <button key={p.label} onClick={() => choose(presetWindow(p.ms, Date.now()))}>
              {p.label}
            </button>
          ))}
          <div className="time-range-custom">
            <label>
              From <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="time-range-from" />
            </label>
            <label>
              To <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} data-testid="time-range-to" />
            </label>
            <button disabled={!customOk} onClick={() => customOk && choose({ from: custom.from!, to: custom.to! })}>
              Show this window
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
