// 2-D pooling as ops of their own: one loop over the windows forward, and a backward that sends
// each output's gradient to its argmax (max) or spreads it over its window (average). The window
// arithmetic follows PyTorch: padding, ceil_mode (a last window may start in the right padding but
// not beyond it), count_include_pad, and adaptive windows [floor(i·n/out), ceil((i+1)·n/out)).
import { ShapeError } from '@groundup/kernels';
import { attachPure } from './autograd/node.ts';
import { requireFloating } from './dtype.ts';
import { Tensor } from './tensor.ts';
import { cudaPool, type PoolAxes } from './device/pool.ts';

export type Size2 = number | readonly [number, number];
export interface MaxPool2dOptions { stride?: Size2 | null; padding?: Size2; ceilMode?: boolean }
export interface AvgPool2dOptions extends MaxPool2dOptions { countIncludePad?: boolean; divisorOverride?: number | null }
/** An output size, or null in one place to keep that input size, as PyTorch's None. */
export type AdaptiveSize = number | readonly [number | null, number | null];

interface Axis { start: Int32Array; end: Int32Array; padded: Int32Array; out: number }

const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function outSize(op: string, n: number, k: number, s: number, p: number, ceil: boolean): number {
  const num = n + 2 * p - k;
  let out = (ceil ? Math.ceil(num / s) : Math.floor(num / s)) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  if (out < 1) throw new ShapeError(`${op}: the kernel ${k} is larger than the padded input ${n + 2 * p} (input size ${n}, padding ${p}); the output would be empty`);
  return out;
}

function windowAxis(op: string, n: number, k: number, s: number, p: number, ceil: boolean): Axis {
  if (!(Number.isInteger(k) && k >= 1 && Number.isInteger(s) && s >= 1 && Number.isInteger(p) && p >= 0))
    throw new ShapeError(`${op}: kernel size and stride must be positive integers and padding a non-negative integer, got kernel ${k}, stride ${s}, padding ${p}`);
  if (p > k / 2) throw new ShapeError(`${op}: padding ${p} should be at most half the kernel size ${k}`);
  const out = outSize(op, n, k, s, p, ceil);
  const ax: Axis = { start: new Int32Array(out), end: new Int32Array(out), padded: new Int32Array(out), out };
  for (let i = 0; i < out; i++) {
    const s0 = i * s - p, e0 = Math.min(s0 + k, n + p);
    ax.padded[i] = e0 - s0;
    ax.start[i] = Math.max(s0, 0);
    ax.end[i] = Math.min(e0, n);
  }
  return ax;
}

function adaptiveAxis(op: string, n: number, out: number): Axis {
  if (!(Number.isInteger(out) && out >= 1)) throw new ShapeError(`${op}: the output size must be a positive integer, got ${out}`);
  const ax: Axis = { start: new Int32Array(out), end: new Int32Array(out), padded: new Int32Array(out), out };
  for (let i = 0; i < out; i++) {
    ax.start[i] = Math.floor((i * n) / out);
    ax.end[i] = Math.ceil(((i + 1) * n) / out);
    ax.padded[i] = ax.end[i]! - ax.start[i]!;
  }
  return ax;
}

function check(op: string, x: Tensor): void {
  requireFloating(op, x.dtype);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expects input [N,C,H,W] or [C,H,W], got [${x.shape}]`);
}

const alloc = (x: Tensor, n: number): Float32Array | Float64Array => (x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));

const onDevice = (a: Axis, b: Axis): PoolAxes => ({ hs: a.start, he: a.end, ws: b.start, we: b.end, oh: a.out, ow: b.out });

function maxPool(op: string, x: Tensor, ah: Axis, aw: Axis): Tensor {
  if (x.storage.block !== null) return cudaPool(op, 'MaxPool2DWithIndicesBackward0', x, onDevice(ah, aw), null);
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!;
  const planes = x.numel() / (H * W), per = ah.out * aw.out;
  const c = x.contiguous(), src = c.data, off = c.offset;
  const out = alloc(x, planes * per), arg = new Int32Array(planes * per);
  for (let pl = 0, o = 0; pl < planes; pl++) {
    const base = off + pl * H * W;
    for (let i = 0; i < ah.out; i++)
      for (let j = 0; j < aw.out; j++, o++) {
        let best = -Infinity, bi = ah.start[i]! * W + aw.start[j]!;
        for (let h = ah.start[i]!; h < ah.end[i]!; h++)
          for (let w = aw.start[j]!; w < aw.end[j]!; w++) {
            const v = src[base + h * W + w]!;
            if (v > best || v !== v) { best = v; bi = h * W + w; }
          }
        out[o] = best;
        arg[o] = bi;
      }
  }
  const shape = [...x.shape.slice(0, -2), ah.out, aw.out];
  return attachPure(Tensor.fromData(out, shape), 'MaxPool2DWithIndicesBackward0', [x], (g) => {
    const gc = g.contiguous(), gd = gc.data, go = gc.offset;
    const gx = alloc(x, x.numel());
    for (let pl = 0, o = 0; pl < planes; pl++) for (let k = 0; k < per; k++, o++) gx[pl * H * W + arg[o]!]! += gd[go + o]!;
    return [Tensor.fromData(gx, [...x.shape])];
  });
}

function avgPool(op: string, x: Tensor, ah: Axis, aw: Axis, divisor: (i: number, j: number) => number): Tensor {
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!;
  const planes = x.numel() / (H * W), per = ah.out * aw.out;
  const div = new Float64Array(per);
  for (let i = 0; i < ah.out; i++) for (let j = 0; j < aw.out; j++) div[i * aw.out + j] = divisor(i, j);
  if (x.storage.block !== null) return cudaPool(op, op === 'adaptiveAvgPool2d' ? 'AdaptiveAvgPool2DBackward0' : 'AvgPool2DBackward0', x, onDevice(ah, aw), div);
  const c = x.contiguous(), src = c.data, off = c.offset;
  const out = alloc(x, planes * per);
  for (let pl = 0, o = 0; pl < planes; pl++) {
    const base = off + pl * H * W;
    for (let i = 0; i < ah.out; i++)
      for (let j = 0; j < aw.out; j++, o++) {
        let acc = 0;
        for (let h = ah.start[i]!; h < ah.end[i]!; h++) for (let w = aw.start[j]!; w < aw.end[j]!; w++) acc += src[base + h * W + w]!;
        out[o] = acc / div[i * aw.out + j]!;
      }
  }
  const shape = [...x.shape.slice(0, -2), ah.out, aw.out];
  return attachPure(Tensor.fromData(out, shape), op === 'adaptiveAvgPool2d' ? 'AdaptiveAvgPool2DBackward0' : 'AvgPool2DBackward0', [x], (g) => {
    const gc = g.contiguous(), gd = gc.data, go = gc.offset;
    const gx = alloc(x, x.numel());
    for (let pl = 0, o = 0; pl < planes; pl++) {
      const base = pl * H * W;
      for (let i = 0; i < ah.out; i++)
        for (let j = 0; j < aw.out; j++, o++) {
          const v = gd[go + o]! / div[i * aw.out + j]!;
          for (let h = ah.start[i]!; h < ah.end[i]!; h++) for (let w = aw.start[j]!; w < aw.end[j]!; w++) gx[base + h * W + w]! += v;
        }
    }
    return [Tensor.fromData(gx, [...x.shape])];
  });
}

function axes(op: string, x: Tensor, kernelSize: Size2, opts: MaxPool2dOptions): [Axis, Axis] {
  check(op, x);
  const [kh, kw] = pair(kernelSize);
  const [sh, sw] = pair(opts.stride ?? kernelSize);
  const [ph, pw] = pair(opts.padding ?? 0);
  const ceil = opts.ceilMode ?? false;
  return [windowAxis(op, x.shape[x.ndim - 2]!, kh, sh, ph, ceil), windowAxis(op, x.shape[x.ndim - 1]!, kw, sw, pw, ceil)];
}

/** F.max_pool2d: the max of each window; stride defaults to the kernel size; padding counts as −∞. */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: MaxPool2dOptions = {}): Tensor {
  const [ah, aw] = axes('maxPool2d', x, kernelSize, opts);
  return maxPool('maxPool2d', x, ah, aw);
}

/** F.avg_pool2d: the mean of each window; with countIncludePad (the default) the padding counts as zeros in the divisor. */
export function avgPool2d(x: Tensor, kernelSize: Size2, opts: AvgPool2dOptions = {}): Tensor {
  const [ah, aw] = axes('avgPool2d', x, kernelSize, opts);
  const include = opts.countIncludePad ?? true, over = opts.divisorOverride ?? null;
  if (over !== null && !(over > 0)) throw new ShapeError(`avgPool2d: divisorOverride must be positive, got ${over}`);
  return avgPool('avgPool2d', x, ah, aw, (i, j) => over
    ?? (include ? ah.padded[i]! * aw.padded[j]! : (ah.end[i]! - ah.start[i]!) * (aw.end[j]! - aw.start[j]!)));
}

function adaptiveAxes(op: string, x: Tensor, size: AdaptiveSize): [Axis, Axis] {
  check(op, x);
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!;
  const [oh, ow] = typeof size === 'number' ? [size, size] : [size[0] ?? H, size[1] ?? W];
  return [adaptiveAxis(op, H, oh), adaptiveAxis(op, W, ow)];
}

/** F.adaptive_avg_pool2d: the output size is given, the windows follow; size 1 is the mean over (H, W). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [ah, aw] = adaptiveAxes('adaptiveAvgPool2d', x, outputSize);
  return avgPool('adaptiveAvgPool2d', x, ah, aw, (i, j) => ah.padded[i]! * aw.padded[j]!);
}

/** F.adaptive_max_pool2d. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [ah, aw] = adaptiveAxes('adaptiveMaxPool2d', x, outputSize);
  return maxPool('adaptiveMaxPool2d', x, ah, aw);
}
