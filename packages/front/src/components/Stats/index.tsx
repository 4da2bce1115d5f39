import { useMemo } from 'react';
import { byteTicks, formatStep } from '../../domain/chart-scale.js';
import { formatBytes, formatCount } from '../../domain/format.js';
import type { HubApi } from '../../domain/hub-api.js';
import { protocolColor } from '../../domain/protocol-colors.js';
import { buildTrafficStats, formatShare } from '../../domain/traffic-stats.js';
import type { UrlState } from '../../domain/url-state.js';
import { loadStats } from '../../domain/window-loads.js';
import { useWindowQuery } from '../App/use-window-query.js';
import { EmptyWindow } from '../EmptyWindow/index.js';
import { WindowCaption } from '../WindowCaption/index.js';
import { BarChart, type BarSeries } from './BarChart.js';
import { ProtocolShare } from './ProtocolShare.js';
import './stats.css';

export interface StatsProps {
  api: HubApi;
  url: UrlState;
  setUrl: (change: Partial<UrlState>, push?: boolean) => void;
}

/** Traffic statistics for the URL's query and time range (the hub's /stats): protocol share and a timeline. */
export function Stats({ api, url, setUrl }: StatsProps) {
  const answer = useWindowQuery((w) => loadStats(api, url.q, w), url);
  const json = answer.data?.data;
  const stats = useMemo(() => (json === undefined ? undefined : buildTrafficStats(json)), [json]);
  const per = stats === undefined ? '' : formatStep(stats.bucketMs);
  const requests: BarSeries[] = useMemo(() => (stats?.protocols ?? []).map((p) => ({ key: p.protocol, color: protocolColor(p.protocol), value: (b) => b.byProtocol[p.protocol] ?? 0 })), [stats]);

  return (
    <section className="stats" data-testid="stats">
      <div className="stats-toolbar">
        <h2>Traffic statistics</h2>
        <WindowCaption window={answer.window} entries={json?.entries} truncated={json?.truncated} unavailable={json?.unavailable} loading={answer.loading} />
      </div>
      {answer.error !== undefined && <div className="window-error">The hub did not answer the statistics: {answer.error.message}</div>}
      {answer.data?.empty !== undefined && <EmptyWindow reason={answer.data.empty} what="stats" onShow={(range) => setUrl({ ...range }, true)} />}
      {stats !== undefined && stats.total.count > 0 && (
        <div className="stats-body">
          <div className="stats-totals">
            <Total label="Requests" value={formatCount(stats.total.count)} testid="total-requests" />
            <Total label="Errors" value={`${formatCount(stats.total.errors)} (${formatShare(stats.total.errors / stats.total.count)})`} testid="total-errors" bad={stats.total.errors > 0} />
            <Total label="Bytes" value={formatBytes(stats.total.bytes)} testid="total-bytes" title={`${formatCount(stats.total.bytes)} bytes`} />
            <Total label="Protocols" value={String(stats.protocols.length)} testid="total-protocols" />
          </div>
          <ProtocolShare protocols={stats.protocols} />
          <div className="stats-timeline">
            <BarChart title={`Requests per ${per}`} stats={stats} series={requests} format={formatCount} testid="chart-requests" />
            <div className="stats-pair">
              <BarChart title={`Errors per ${per}`} stats={stats} series={[{ key: 'errors', color: 'var(--server-error)', value: (b) => b.errors }]} format={formatCount} testid="chart-errors" />
              <BarChart title={`Bytes per ${per}`} stats={stats} series={[{ key: 'bytes', color: 'var(--muted)', value: (b) => b.bytes }]} format={formatBytes} ticks={byteTicks} testid="chart-bytes" />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function Total({ label, value, testid, bad = false, title }: { label: string; value: string; testid: string; bad?: boolean; title?: string }) {
  return (
    <div className="stats-total" data-testid={testid} title={title}>
      <div className="total-label">{label}</div>
      <div className={bad ? 'total-value bad' : 'total-value'}>{value}</div>
    </div>
  );
}
