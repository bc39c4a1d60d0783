// A small SVG chart writer for the Learner's plots (loss curves, schedules, the LR finder,
// activation stats): one or more panels side by side, each with lines and/or points, linear or
// log axes with round tick values, a legend, labelled markers and vertical rules. No dependencies;
// the file opens in any browser.
import { writeOutputFile } from '#learner-host';

export interface Series {
  x: readonly number[];
  y: readonly number[];
  label?: string;
  color?: string;
  /** 'line' (default), 'points', or 'both' */
  kind?: 'line' | 'points' | 'both';
  dashed?: boolean;
}
export interface Marker { x: number; y: number; label: string; color?: string }
export interface Panel {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xLog?: boolean;
  yLog?: boolean;
  series: Series[];
  markers?: Marker[];
  /** vertical rules, e.g. epoch boundaries */
  vlines?: { x: number; label?: string }[];
}
export interface ChartOptions { title?: string; panelWidth?: number; height?: number }

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function linearTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((a, b) => (Math.abs((hi - lo) / b - target) < Math.abs((hi - lo) / a - target) ? b : a));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Powers of ten covering [lo, hi] (values, not logs); every other one when there are many. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
  const every = b - a > 8 ? 2 : 1;
  const out: number[] = [];
  for (let k = a; k <= b; k += every) out.push(10 ** k);
  return out.length ? out : [lo];
}

export const fmtTick = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
};

function extent(vals: number[], log: boolean): [number, number] {
  const ok = vals.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (ok.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...ok), hi = Math.max(...ok);
  if (lo === hi) { if (log) { lo /= 2; hi *= 2; } else { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; } }
  else if (!log) { const pad = (hi - lo) * 0.04; lo -= pad; hi += pad; }
  return [lo, hi];
}

function panelSvg(p: Panel, x0: number, W: number, H: number, top: number): string[] {
  const L = 62, R = 14, T = top + 26, B = 44;
  const xs = p.series.flatMap((s) => [...s.x]).concat((p.markers ?? []).map((m) => m.x));
  const ys = p.series.flatMap((s) => [...s.y]).concat((p.markers ?? []).map((m) => m.y));
  const [xlo, xhi] = extent(xs, !!p.xLog), [ylo, yhi] = extent(ys, !!p.yLog);
  const fx = (v: number): number => (p.xLog ? Math.log10(v) : v), fy = (v: number): number => (p.yLog ? Math.log10(v) : v);
  const px = (v: number): number => x0 + L + ((fx(v) - fx(xlo)) / (fx(xhi) - fx(xlo) || 1)) * (W - L - R);
  const py = (v: number): number => T + (1 - (fy(v) - fy(ylo)) / (fy(yhi) - fy(ylo) || 1)) * (H - T - B);
  const out: string[] = [];
  if (p.title) out.push(`<text x="${x0 + L + (W - L - R) / 2}" y="${top + 16}" text-anchor="middle" font-size="14">${esc(p.title)}</text>`);
  for (const t of p.yLog ? logTicks(ylo, yhi) : linearTicks(ylo, yhi)) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${x0 + L}" y1="${y}" x2="${x0 + W - R}" y2="${y}" stroke="#e6e6e6"/>`,
      `<text x="${x0 + L - 5}" y="${Number(y) + 4}" text-anchor="end">${fmtTick(t)}</text>`);
  }
  for (const t of p.xLog ? logTicks(xlo, xhi) : linearTicks(xlo, xhi, 6)) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${H - B + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  out.push(`<rect x="${x0 + L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`);
  if (p.xLabel) out.push(`<text x="${x0 + L + (W - L - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  if (p.yLabel) out.push(`<text transform="translate(${x0 + 14} ${T + (H - T - B) / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
  for (const v of p.vlines ?? []) {
    const x = px(v.x).toFixed(1);
    out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#999" stroke-dasharray="3 3"/>`);
    if (v.label) out.push(`<text x="${Number(x) + 3}" y="${T + 12}" fill="#777" font-size="11">${esc(v.label)}</text>`);
  }
  const ok = (xv: number, yv: number): boolean => Number.isFinite(xv) && Number.isFinite(yv) && (!p.xLog || xv > 0) && (!p.yLog || yv > 0);
  p.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    if (s.kind === 'points' || s.kind === 'both')
      s.x.forEach((xv, i) => { if (ok(xv, s.y[i]!)) out.push(`<circle cx="${px(xv).toFixed(1)}" cy="${py(s.y[i]!).toFixed(1)}" r="3.5" fill="${color}"/>`); });
    if (s.kind !== 'points') {
      // A NaN or a non-positive value on a log axis breaks the line into pieces.
      let seg: string[] = [];
      const flush = (): void => {
        if (seg.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${seg.join(' ')}"/>`);
        seg = [];
      };
      s.x.forEach((xv, i) => { if (ok(xv, s.y[i]!)) seg.push(`${px(xv).toFixed(1)},${py(s.y[i]!).toFixed(1)}`); else flush(); });
      flush();
    }
  });
  const labelled = p.series.map((s, k) => ({ s, k })).filter(({ s }) => s.label);
  labelled.forEach(({ s, k }, j) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!, y = T + 16 + 16 * j, x = x0 + W - R - 130;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${x + 24}" y="${y}">${esc(s.label!)}</text>`);
  });
  for (const m of p.markers ?? []) {
    if (!ok(m.x, m.y)) continue;
    const color = m.color ?? '#d62728', x = px(m.x), y = py(m.y);
    // Labels of points in the right third go to their left, so they stay inside the panel.
    const left = x > x0 + L + (W - L - R) * 0.62;
    out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5.5" fill="${color}" stroke="white" stroke-width="1.5"/>`,
      `<text x="${(left ? x - 9 : x + 9).toFixed(1)}" y="${(y - 8).toFixed(1)}" fill="${color}" font-size="12"${left ? ' text-anchor="end"' : ''}>${esc(m.label)}</text>`);
  }
  return out;
}

/** The SVG text of panels laid out side by side. */
export function chartSvg(panels: Panel[], opts: ChartOptions = {}): string {
  const W = opts.panelWidth ?? (panels.length > 1 ? 420 : 640), H0 = opts.height ?? 380;
  const top = opts.title ? 26 : 0, H = H0 + top;
  const width = W * panels.length;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${H}" fill="white"/>`];
  if (opts.title) parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="16" font-weight="bold">${esc(opts.title)}</text>`);
  panels.forEach((p, i) => parts.push(...panelSvg(p, i * W, W, H, top)));
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes the chart to path (creating folders) and returns the path. */
export function saveChart(path: string, panels: Panel[], opts: ChartOptions = {}): string {
  writeOutputFile(path, chartSvg(panels, opts));
  return path;
}
