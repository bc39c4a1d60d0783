// A small SVG line chart (no CDN, opens in any browser): loss curves and the like.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Series { name: string; values: number[]; color?: string }

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChartSvg(title: string, xLabel: string, series: Series[], opts: { logY?: boolean } = {}): string {
  const W = 640, H = 360, L = 60, R = 150, T = 40, B = 45;
  const f = (v: number): number => (opts.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = series.flatMap((s) => s.values.map(f)).filter(Number.isFinite);
  const lo = Math.min(...all), hi = Math.max(...all), span = hi - lo || 1;
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number): number => L + ((W - L - R) * i) / Math.max(n - 1, 1);
  const y = (v: number): number => T + (H - T - B) * (1 - (f(v) - lo) / span);
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = lo + (span * k) / 4, yy = T + (H - T - B) * (1 - k / 4);
    const label = opts.logY ? (10 ** v).toPrecision(2) : v.toPrecision(3);
    parts.push(`<text x="${L - 6}" y="${yy + 4}" text-anchor="end">${label}</text>`, `<line x1="${L}" y1="${yy}" x2="${W - R}" y2="${yy}" stroke="#eee"/>`);
  }
  series.forEach((s, k) => {
    const color = s.color ?? palette[k % palette.length]!;
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`,
      `<text x="${W - R + 10}" y="${T + 16 * (k + 1)}" fill="${color}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function saveLineChart(path: string, title: string, xLabel: string, series: Series[], opts: { logY?: boolean } = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lineChartSvg(title, xLabel, series, opts));
  return path;
}
