// The bounds every demo program that acts on its own keeps (`lab up --rate --total --duration`):
// RATE actions per second, at most TOTAL actions and DURATION_S seconds, whichever ends first,
// so a forgotten lab never floods anything; `lab down` stops it sooner. Clamped to sane ranges.
export function limitsFromEnv(env = process.env) {
  return {
    rate: Math.max(0.1, Math.min(Number(env.RATE) || 5, 100)),
    total: Math.max(1, Math.min(Number(env.TOTAL) || 10_000, 1_000_000)),
    durationMs: Math.max(1, Math.min(Number(env.DURATION_S) || 3600, 86_400)) * 1000,
  };
}
