// Transforms on batches: toFloat (bytes 0..255 → floats 0..1), flatten (images → rows),
// normalize ((x − mean)/std per channel).
import { DataError, DTypeError, ShapeError } from '@groundup/kernels';
import { Tensor, tensor, type DType } from '@groundup/tensor';

export interface ToFloatOptions {
  /** divide by this (default 255) */
  scale?: number;
  /** float32 (default) or float64 */
  dtype?: 'float32' | 'float64';
}

/**
 * Bytes (or any 0..255 values) to floats in 0..1: x/255 as float32. Takes a tensor, or raw bytes
 * with their dims, such as an IdxArray from readIdx.
 */
export function toFloat(x: Tensor | { data: Uint8Array; dims: readonly number[] }, { scale = 255, dtype = 'float32' }: ToFloatOptions = {}): Tensor {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new DataError(`toFloat: scale must be a positive finite number, got ${scale}`);
  if (x instanceof Tensor) {
    if (x.dtype === 'bool') throw new DTypeError('toFloat: expects numbers, got a bool tensor; use .float()');
    return x.to(dtype).div(scale);
  }
  const n = x.dims.reduce((a, b) => a * b, 1);
  if (n !== x.data.length) throw new ShapeError(`toFloat: dims [${x.dims}] need ${n} values, got ${x.data.length}`);
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const src = x.data;
  for (let i = 0; i < n; i++) out[i] = src[i]! / scale;
  return Tensor.fromData(out, x.dims);
}

/** Flattens every dim from startDim (default 1, keeping the batch dim): [N,1,28,28] → [N,784], like nn.Flatten. */
export function flatten(x: Tensor, startDim = 1): Tensor {
  if (x.ndim <= startDim) return x;
  return x.flatten(startDim);
}

export interface NormalizeOptions {
  /**
   * The channel dim: default 1 for [N, C, H, W] and [N, F], 0 for [C, H, W] and [F]
   * (torchvision's Normalize works on [..., C, H, W]).
   */
  dim?: number;
}

function channelDim(x: Tensor, dim: number | undefined): number {
  if (dim !== undefined) {
    const d = dim < 0 ? dim + x.ndim : dim;
    if (!(d >= 0 && d < x.ndim)) throw new ShapeError(`normalize: dim ${dim} is out of range for shape [${x.shape}]`);
    return d;
  }
  return x.ndim === 4 || x.ndim === 2 ? 1 : 0;
}

function stat(x: Tensor, v: number | readonly number[] | Tensor, d: number, what: string): Tensor {
  const dtype: DType = x.dtype === 'float64' ? 'float64' : 'float32';
  const t = v instanceof Tensor ? v.to(dtype).flatten() : tensor(typeof v === 'number' ? [v] : [...v], { dtype });
  const c = x.ndim === 0 ? 1 : x.shape[d]!;
  if (t.numel() !== 1 && t.numel() !== c)
    throw new ShapeError(`normalize: ${what} has ${t.numel()} values but dim ${d} of [${x.shape}] has ${c} channels; give one value or one per channel`);
  // [C] → [C, 1, ..., 1] so it broadcasts along dim d.
  return t.numel() === 1 ? t.reshape([]) : t.reshape([c, ...Array<number>(x.ndim - d - 1).fill(1)]);
}

/**
 * (x − mean)/std per channel. mean and std are one number, or one per channel (an array or a
 * tensor), e.g. ImageNet's [0.485, 0.456, 0.406] / [0.229, 0.224, 0.225], or batch statistics
 * x.mean([0, 2, 3]) (ch13). A std of 0 is refused (it would give inf/NaN).
 */
export function normalize(x: Tensor, mean: number | readonly number[] | Tensor, std: number | readonly number[] | Tensor, opts: NormalizeOptions = {}): Tensor {
  const d = channelDim(x, opts.dim);
  const m = stat(x, mean, d, 'mean'), s = stat(x, std, d, 'std');
  const bad = (s.toFlatArray() as number[]).findIndex((v) => !(v > 0) || !Number.isFinite(v));
  if (bad >= 0) throw new DataError(`normalize: std must be positive and finite, but value ${bad} is ${s.toFlatArray()[bad]}; a constant channel has std 0 — give it std 1`);
  const xf = x.dtype === 'float32' || x.dtype === 'float64' ? x : x.float();
  return xf.sub(m).div(s);
}
