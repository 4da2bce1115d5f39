/**
 * The colour of each protocol, in one place: the feed's and the detail's badges, the service
 * map's edges and legend and the stats' bars all read it through `protocolColor`. The colours
 * users of Kubeshark recognise come first (HTTP, HTTP/2 and gRPC, GraphQL, AMQP, Kafka, Redis);
 * the rest are ours (docs/front.md, "Protocol colours"). Each has a dark-theme variant where the
 * light one would vanish on the dark page, and a badge text colour, black or white, whichever
 * contrasts more (WCAG 2.2 §1.4.3 contrast ratio, computed below).
 *
 * The page receives them as CSS variables on its root (`--proto-<name>`, `--proto-<name>-text`),
 * set through the CSSOM when the theme changes: no inline style sheet, so the page's CSP holds.
 */
import type { Theme } from './theme.js';

export interface ProtocolColor {
  light: string;
  dark: string;
}

/** By `protocol.name` (docs/entries.md); `other` is every name without a colour of its own. */
export const PROTOCOL_COLORS: Readonly<Record<string, ProtocolColor>> = {
  http: { light: '#205cf5', dark: '#205cf5' },
  http2: { light: '#244c5a', dark: '#3f8fa6' },
  grpc: { light: '#244c5a', dark: '#3f8fa6' },
  graphql: { light: '#e10098', dark: '#e10098' },
  amqp: { light: '#ff6600', dark: '#ff6600' },
  kafka: { light: '#000000', dark: '#b1bac4' },
  redis: { light: '#a41e11', dark: '#e0574a' },
  dns: { light: '#00796b', dark: '#26a69a' },
  tls: { light: '#6f42c1', dark: '#9a7ae0' },
  tcp: { light: '#4a6378', dark: '#7f9bb3' },
  udp: { light: '#8c6d1f', dark: '#c49a3c' },
  ws: { light: '#2e7d32', dark: '#66bb6a' },
  icmp: { light: '#6d4c41', dark: '#a1887f' },
  // PostgreSQL's own slate blue (its elephant); lighter on the dark page.
  postgresql: { light: '#336791', dark: '#5b8fc7' },
  // MongoDB's own greens (its brand's forest and spring green): Kubeshark gives it none.
  mongodb: { light: '#00684a', dark: '#00ed64' },
  // MySQL's dolphin blue; lighter on the dark page.
  mysql: { light: '#00758f', dark: '#3fa7c2' },
  mqtt: { light: '#660066', dark: '#c27bc2' },
  other: { light: '#8b949e', dark: '#6e7681' },
};

/** The CSS variable name of a protocol: lower case, only characters a custom property takes. */
const variableName = (protocol: string): string => `--proto-${protocol.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;

/** The colour of a protocol as CSS: its variable, else the neutral one. */
export function protocolColor(protocol: string): string {
  return `var(${variableName(protocol)}, var(--proto-other))`;
}

/** The text colour of a badge of that protocol as CSS. */
export function protocolTextColor(protocol: string): string {
  return `var(${variableName(protocol)}-text, var(--proto-other-text))`;
}

/** The relative luminance of `#rrggbb` (WCAG 2.2, "relative luminance"). */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on `background`. */
export const textOn = (background: string): string => (contrastRatio(background, '#ffffff') >= contrastRatio(background, '#000000') ? '#ffffff' : '#000000');

/** The variables the page's root gets in `theme`: each protocol's colour and its badge text colour. */
export function protocolColorVariables(theme: Theme): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, colors] of Object.entries(PROTOCOL_COLORS)) {
    vars[variableName(name)] = colors[theme];
    vars[`${variableName(name)}-text`] = textOn(colors[theme]);
  }
  return vars;
}

/** A protocol badge's colours, for its `style` (set through the CSSOM by React, CSP-safe). */
export const protocolBadgeStyle = (protocol: string): { background: string; color: string } => ({ background: protocolColor(protocol), color: protocolTextColor(protocol) });
