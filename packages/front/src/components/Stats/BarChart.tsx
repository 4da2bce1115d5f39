import { useLayoutEffect, useRef, useState } from 'react';
import { linearScale, niceTicks, timeTicks, timeTickLabel } from '../../domain/chart-scale.js';
import { formatTime } from '../../domain/format.js';
import type { BucketTotals, TrafficStats } from '../../domain/traffic-stats.js';

export interface BarSeries {
  key: string;
  color: string;
  value: (b: BucketTotals) => number;
}

const HEIGHT = 130;
const PAD = { left: 64, right: 12, top: 10, bottom: 24 };
/** A clock label is about this wide: ticks closer to the edges than half of it are left out. */
const LABEL_WIDTH = 84;

interface BarChartProps {
  title: string;
  stats: TrafficStats;
  series: BarSeries[];
  format: (v: number) => string;
  /** The value axis's ticks for a max (niceTicks by default; byteTicks for bytes). */
  ticks?: (max: number) => number[];
  testid: string;
}

/** A bar per time bucket, the series stacked, with a value axis and a clock axis. */
export function BarChart({ title, stats, series, format, ticks: valueTicks = niceTicks, testid }: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const totals = stats.buckets.map((b) => series.reduce((sum, s) => sum + s.value(b), 0));
  const sum = totals.reduce((a, b) => a + b, 0);
  const yTicks = valueTicks(totals.reduce((a, b) => Math.max(a, b), 0));
  const y = linearScale(0, yTicks[yTicks.length - 1]!, HEIGHT - PAD.bottom, PAD.top);
  const x = linearScale(stats.from, stats.to, PAD.left, width - PAD.right);
  const clock = timeTicks(stats.from, stats.to, Math.max(2, Math.floor(width / (LABEL_WIDTH + 30))));
  const ticks = clock.ticks.filter((t) => x(t) >= PAD.left + LABEL_WIDTH / 2 - 10 && x(t) <= width - LABEL_WIDTH / 2);
  const barWidth = Math.max(1, x(stats.from + stats.bucketMs) - x(stats.from) - 1);

  return (
    <div className="bar-chart" data-testid={testid} data-total={sum}>
      <h3>
        {title} <span className="chart-total">{format(sum)} in all</span>
      </h3>
      <div ref={box}>
        <svg width={width} height={HEIGHT}>
          {yTicks.map((t) => (
            <g key={t} className="y-tick">
              <line x1={PAD.left} x2={width - PAD.right} y1={y(t)} y2={y(t)} />
              <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
                {format(t)}
              </text>
            </g>
          ))}
          {ticks.map((t) => (
            <text key={t} className="x-tick" x={x(t)} y={HEIGHT - 6} textAnchor="middle">
              {timeTickLabel(t, clock.step)}
            </text>
          ))}
          {stats.buckets.map((b, i) => {
            let base = 0;
            return (
              <g key={b.start} className="bar">
                <title>{`${formatTime(b.start)}: ${series.map((s) => `${series.length > 1 ? `${s.key} ` : ''}${format(s.value(b))}`).join(', ')}`}</title>
                {/* The whole bucket height, so the tooltip shows over empty ones too. */}
                <rect className="bar-hit" x={x(b.start)} y={PAD.top} width={barWidth} height={HEIGHT - PAD.bottom - PAD.top} />
                {series.map((s) => {
                  const v = s.value(b);
                  if (v === 0) return null;
                  const top = y(base + v);
                  const rect = <rect key={s.key} x={x(b.start)} y={top} width={barWidth} height={y(base) - top} style={{ fill: s.color }} data-bucket={i} />;
                  base += v;
                  return rect;
                })}
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
