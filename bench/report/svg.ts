// A small SVG writer for a grouped (horizontal) bar chart: no dependencies, no CDN, opens offline.
// Each group (a case) has its own scale, so bar lengths are proportional to values within a group.
import { implRank } from '../lib/rows.ts';
import type { BenchResults, Row, SuiteName } from '../lib/types.ts';
import { fmtGflops, fmtMs } from './markdown.ts';

export interface Bar { label: string; value: number; text: string; color: string }
export interface Group { title: string; bars: Bar[] }
export interface Panel { title: string; groups: Group[] }

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const layout = { width: 860, left: 150, barArea: 560, barH: 14, barGap: 3, groupHead: 20, groupGap: 10, panelHead: 30, margin: 16 };

/** Bar length in px for `value` on a scale whose maximum is `max` (exactly proportional). */
export const barLength = (value: number, max: number): number => (max > 0 ? (value / max) * layout.barArea : 0);

export function barChartSvg(title: string, subtitle: string, panels: readonly Panel[]): string {
  const L = layout;
  const parts: string[] = [];
  let y = L.margin + 36;
  for (const panel of panels) {
    parts.push(`<text x="${L.margin}" y="${y + 18}" class="panel">${escapeXml(panel.title)}</text>`);
    y += L.panelHead;
    for (const g of panel.groups) {
      parts.push(`<text x="${L.margin}" y="${y + 14}" class="group">${escapeXml(g.title)}</text>`);
      y += L.groupHead;
      const max = Math.max(0, ...g.bars.map((b) => b.value));
      for (const b of g.bars) {
        const w = barLength(b.value, max);
        const cy = y + L.barH - 3;
        parts.push(
          `<text x="${L.left - 6}" y="${cy}" class="label" text-anchor="end">${escapeXml(b.label)}</text>`,
          `<rect x="${L.left}" y="${y}" width="${w.toFixed(2)}" height="${L.barH}" fill="${b.color}" data-value="${b.value}"><title>${escapeXml(`${b.label}: ${b.text}`)}</title></rect>`,
          `<text x="${(L.left + w + 4).toFixed(2)}" y="${cy}" class="value">${escapeXml(b.text)}</text>`,
        );
        y += L.barH + L.barGap;
      }
      y += L.groupGap;
    }
  }
  const height = y + L.margin;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${height}" viewBox="0 0 ${L.width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<style>.title{font-size:18px;font-weight:bold}.sub{font-size:11px;fill:#555}.panel{font-size:15px;font-weight:bold}` +
      `.group{font-size:12px;font-weight:bold;fill:#333}.label{font-size:11px;fill:#333}.value{font-size:10px;fill:#333}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${L.margin}" y="${L.margin + 16}" class="title">${escapeXml(title)}</text>`,
    `<text x="${L.margin}" y="${L.margin + 32}" class="sub">${escapeXml(subtitle)}</text>`,
    ...parts,
    `</svg>`,
    '',
  ].join('\n');
}

const palette: Record<string, string> = {
  'groundup:js': '#d62728', 'groundup:wasm': '#ff7f0e', 'groundup:wasm-mt': '#e6a000', 'groundup:native': '#8c1c13', 'groundup:cuda': '#bcbd22',
  'tfjs:cpu': '#9ecae1', 'tfjs:wasm': '#4292c6', 'tfjs:node': '#08519c',
  'onnxruntime:1t': '#a1d99b', 'onnxruntime:2t': '#31a354',
  'torch:1t': '#c5b0d5', torch: '#7b4fa0',
  'openblas:1t': '#bdbdbd', 'openblas:2t': '#636363',
};
export const colorOf = (impl: string): string => palette[impl] ?? '#17becf';

/** One panel per suite, one group per case; GFLOP/s where the case has FLOPs, else calls per second. */
export function resultsSvg(res: BenchResults): string {
  const panels: Panel[] = [];
  for (const suite of res.suites as SuiteName[]) {
    const rows = res.rows.filter((r): r is Row & { ms: number } => r.suite === suite && r.ms !== null);
    const cases = [...new Set(rows.map((r) => r.case))];
    const groups = cases.map((c): Group => {
      const rs = rows.filter((r) => r.case === c).sort((a, b) => implRank(a.impl) - implRank(b.impl));
      const flops = rs.every((r) => r.gflops !== null);
      return {
        title: `${c} — ${flops ? 'GFLOP/s' : 'calls/s (1000 / ms)'}, longer is faster`,
        bars: rs.map((r) => ({
          label: r.threads === null || r.impl.endsWith(`${r.threads}t`) ? r.impl : `${r.impl} (${r.threads}t)`,
          value: flops ? r.gflops! : 1000 / r.ms,
          text: flops ? `${fmtGflops(r.gflops)} GFLOP/s · ${fmtMs(r.ms)}` : fmtMs(r.ms),
          color: colorOf(r.impl),
        })),
      };
    });
    if (groups.length) panels.push({ title: suite, groups });
  }
  const m = res.machine;
  return barChartSvg(
    `groundup benchmarks (${res.mode})`,
    `${res.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpu}, ${m.cores} cores · Node ${m.node} · each case on its own scale`,
    panels,
  );
}
