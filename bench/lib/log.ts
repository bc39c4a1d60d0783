// Plain, line-by-line progress: one line per result, never a redraw, so CI logs stay readable.
import type { Row } from './types.ts';

const fmt = (x: number, digits: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(digits));

export function formatMs(ms: number): string {
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  return `${fmt(ms, 2)} ms`;
}

export function rowLine(r: Row): string {
  const head = `  ${r.impl.padEnd(18)} ${(r.threads === null ? '' : `${r.threads}t`).padStart(3)}`;
  if (r.ms === null) return `${head}  skipped: ${r.skipped ?? 'no time'}`;
  const gf = r.gflops === null ? '' : `  ${fmt(r.gflops, 2)} GFLOP/s`;
  const sp = r.spread === null ? '' : `  IQR ${(r.spread * 100).toFixed(1)}%`;
  return `${head}  ${formatMs(r.ms).padStart(10)}${gf}${sp}  (${r.samples} samples)${r.note ? `  [${r.note}]` : ''}`;
}

export function heading(text: string): void {
  console.log(`\n== ${text}`);
}

export function info(text: string): void {
  console.log(text);
}
