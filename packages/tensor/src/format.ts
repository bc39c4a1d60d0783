// toString() in PyTorch's layout: precision 4, line width 80, summarised past 1000 elements
// with 3 edge items, int mode ("1.") and scientific mode chosen as torch._tensor_str does.
import { isFloating } from './dtype.ts';
import { Tensor } from './tensor.ts';
import { select, sliceDim } from './views.ts';

const EDGE = 3, THRESHOLD = 1000, LINEWIDTH = 80;

/**
 * Python's '{:.4f}' / '{:.4e}': like toFixed/toExponential, except that an exact tie rounds to
 * even (toFixed rounds it away from zero). Only exact binary ties such as 2⁻⁵ differ.
 */
function roundHalfEven(v: number, digits: number, exp: boolean): string {
  const s = exp ? v.toExponential(digits) : v.toFixed(digits);
  const long = exp ? Math.abs(v).toExponential(digits + 20) : Math.abs(v).toFixed(digits + 20);
  const mant = exp ? long.slice(0, long.indexOf('e')) : long;
  const rest = mant.slice(mant.length - 20);
  if (!/^50*$/.test(rest)) return s;
  const lastKept = Number(mant[mant.length - 21]);
  if (lastKept % 2 !== 0) return s; // rounding up gives the even digit, as toFixed did
  // Even digit kept: truncate instead of rounding away.
  const truncated = mant.slice(0, mant.length - 20);
  const out = (v < 0 ? '-' : '') + truncated + (exp ? long.slice(long.indexOf('e')) : '');
  return out;
}
const sci = (v: number): string => roundHalfEven(v, 4, true).replace(/e([+-])(\d)$/, 'e$10$2');
const fixedNonFinite = (v: number): string => (v !== v ? 'nan' : v > 0 ? 'inf' : '-inf');

class Formatter {
  private intMode = true;
  private sciMode = false;
  width = 1;
  constructor(private readonly floating: boolean, private readonly bool: boolean, values: number[]) {
    if (bool) { this.width = values.some((v) => v === 0) ? 5 : 4; return; }
    if (!floating) { for (const v of values) this.width = Math.max(this.width, String(v).length); return; }
    const fin = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (fin.length === 0) return;
    const abs = fin.map(Math.abs);
    const mn = Math.min(...abs), mx = Math.max(...abs);
    this.intMode = fin.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (mx / mn > 1000 || mx > 1e8) this.sciMode = true;
    } else if (mx / mn > 1000 || mx > 1e8 || mn < 1e-4) this.sciMode = true;
    for (const v of fin) this.width = Math.max(this.width, this.raw(v).length);
  }
  private raw(v: number): string {
    if (this.bool) return v ? 'True' : 'False';
    if (!this.floating) return String(v);
    if (!Number.isFinite(v)) return fixedNonFinite(v);
    const sign = Object.is(v, -0) ? '-' : ''; // toFixed drops the sign of -0; PyTorch keeps it
    if (this.sciMode) return sign + sci(v);
    if (this.intMode) return `${sign}${v.toFixed(0)}.`;
    return sign + roundHalfEven(v, 4, false);
  }
  format(v: number): string { return this.raw(v).padStart(this.width); }
}

function summarisedValues(t: Tensor, summarize: boolean): number[] {
  if (t.ndim === 0) return [t.item()];
  if (summarize && t.shape[0]! > 2 * EDGE) {
    const n = t.shape[0]!;
    return [...summarisedValues(sliceDim(t, 0, 0, EDGE), summarize), ...summarisedValues(sliceDim(t, 0, n - EDGE, n), summarize)];
  }
  const out: number[] = [];
  for (let i = 0; i < t.shape[0]!; i++) out.push(...summarisedValues(select(t, 0, i), summarize));
  return out;
}

function vectorStr(t: Tensor, indent: number, summarize: boolean, f: Formatter): string {
  const n = t.shape[0]!;
  const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (f.width + 2)));
  const item = (i: number): string => f.format(select(t, 0, i).item());
  const data = summarize && n > 2 * EDGE
    ? [...Array.from({ length: EDGE }, (_, i) => item(i)), ' ...', ...Array.from({ length: EDGE }, (_, i) => item(n - EDGE + i))]
    : Array.from({ length: n }, (_, i) => item(i));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(t: Tensor, indent: number, summarize: boolean, f: Formatter): string {
  if (t.ndim === 0) return f.format(t.item());
  if (t.ndim === 1) return vectorStr(t, indent, summarize, f);
  const n = t.shape[0]!;
  const sub = (i: number): string => tensorStr(select(t, 0, i), indent + 1, summarize, f);
  const slices = summarize && n > 2 * EDGE
    ? [...Array.from({ length: EDGE }, (_, i) => sub(i)), '...', ...Array.from({ length: EDGE }, (_, i) => sub(n - EDGE + i))]
    : Array.from({ length: n }, (_, i) => sub(i));
  return `[${slices.join(`,${'\n'.repeat(t.ndim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** The body of a repr: `[[1., 2.],\n        [3., 4.]]`, indented for a prefix of `indent` characters. */
export function formatValues(t: Tensor, indent: number): string {
  if (t.numel() === 0) return '[]';
  const summarize = t.numel() > THRESHOLD;
  const f = new Formatter(isFloating(t.dtype), t.dtype === 'bool', summarisedValues(t, summarize));
  return tensorStr(t, indent, summarize, f);
}

/** PyTorch's repr, with extra suffixes such as grad_fn=<MulBackward0>. */
export function formatTensor(t: Tensor, suffixes: string[] = []): string {
  const prefix = 'tensor(';
  const parts = [formatValues(t, prefix.length)];
  if (t.numel() === 0 && !(t.ndim === 1)) parts.push(`size=(${t.shape.join(', ')}${t.ndim === 1 ? ',' : ''})`);
  if (t.storage.block !== null) parts.push("device='cuda:0'");
  if (t.dtype === 'float64') parts.push('dtype=torch.float64');
  parts.push(...suffixes);
  return `${prefix}${parts.join(`, `)})`;
}
