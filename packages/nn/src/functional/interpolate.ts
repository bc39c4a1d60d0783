// F.interpolate: resizing [N,C,L] or [N,C,H,W] by 'nearest', 'linear' (3-D) or 'bilinear' (4-D),
// with PyTorch's coordinate rules. Each of these is linear in the input and separable, so one
// axis is a matrix M [out, in] of weights and the resize is M_h · x · M_wᵀ: two matmuls, whose
// gradient autograd already knows (no gradient of its own here).
//   alignCorners false (the default): src = (dst + 0.5)·scale − 0.5, clamped at 0, scale = in/out
//     (or 1/scaleFactor when a scale factor is given, as PyTorch does unless recomputeScaleFactor);
//   alignCorners true: src = dst·(in − 1)/(out − 1), the corner pixels' centres line up;
//   nearest: src = min(floor(dst·scale), in − 1).
import { ShapeError } from '@groundup/kernels';
import { requireFloating, Tensor } from '@groundup/tensor';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';
export interface InterpolateOptions {
  /** the output size: one number for every spatial axis, or one per axis */
  size?: number | readonly number[];
  /** the factor(s) the spatial sizes are multiplied by (the output size is floored) */
  scaleFactor?: number | readonly number[];
  /** default 'nearest', as PyTorch */
  mode?: InterpolateMode;
  /** only for 'linear' and 'bilinear'; default false */
  alignCorners?: boolean;
  /** with scaleFactor: compute the coordinate scale from the sizes instead of 1/scaleFactor */
  recomputeScaleFactor?: boolean;
}

const MODES: Record<InterpolateMode, number | null> = { nearest: null, linear: 3, bilinear: 4 };

/** The [out, inn] weights of one axis. */
function axisMatrix(inn: number, out: number, mode: InterpolateMode, alignCorners: boolean, scaleFactor: number | null): Float64Array {
  const m = new Float64Array(out * inn);
  if (mode === 'nearest') {
    const scale = scaleFactor ? 1 / scaleFactor : inn / out;
    for (let d = 0; d < out; d++) m[d * inn + Math.min(Math.floor(d * scale), inn - 1)] = 1;
    return m;
  }
  const scale = alignCorners ? (out > 1 ? (inn - 1) / (out - 1) : 0) : scaleFactor ? 1 / scaleFactor : inn / out;
  for (let d = 0; d < out; d++) {
    const src = alignCorners ? d * scale : Math.max((d + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inn - 1), i1 = Math.min(i0 + 1, inn - 1);
    const l1 = Math.min(src - i0, 1);
    m[d * inn + i0]! += 1 - l1;
    m[d * inn + i1]! += l1;
  }
  return m;
}

function perAxis(what: string, v: number | readonly number[], n: number): number[] {
  const a = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (a.length !== n) throw new ShapeError(`interpolate: ${what} has ${a.length} value(s) but the input has ${n} spatial dim(s); give one value, or ${n}`);
  return a;
}

/** F.interpolate(input, {size | scaleFactor, mode, alignCorners}). */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  const mode = opts.mode ?? 'nearest';
  if (!(mode in MODES)) throw new ShapeError(`interpolate: mode '${mode}' is not supported; use 'nearest', 'linear' (3-D input) or 'bilinear' (4-D input)`);
  requireFloating('interpolate', input.dtype);
  const need = MODES[mode];
  if (input.ndim !== 3 && input.ndim !== 4) throw new ShapeError(`interpolate: expects [N,C,L] or [N,C,H,W], got [${input.shape}]`);
  if (need !== null && input.ndim !== need)
    throw new ShapeError(`interpolate: mode '${mode}' needs a ${need}-D input (${need === 3 ? '[N,C,L]' : '[N,C,H,W]'}), got [${input.shape}]${need === 4 ? "; for [N,C,L] use mode 'linear'" : "; for [N,C,H,W] use mode 'bilinear'"}`);
  if (opts.alignCorners !== undefined && mode === 'nearest')
    throw new ShapeError("interpolate: alignCorners can only be set with the interpolating modes 'linear' and 'bilinear'");
  const nsp = input.ndim - 2, spatial = input.shape.slice(2);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined))
    throw new ShapeError(`interpolate: give exactly one of size and scaleFactor, got ${opts.size === undefined ? 'neither' : 'both'}`);
  let sizes: number[], factors: (number | null)[];
  if (opts.size !== undefined) {
    sizes = perAxis('size', opts.size, nsp);
    factors = sizes.map(() => null);
  } else {
    const sf = perAxis('scaleFactor', opts.scaleFactor!, nsp);
    if (sf.some((f) => !(f > 0 && Number.isFinite(f)))) throw new ShapeError(`interpolate: scaleFactor must be positive, got [${sf}]`);
    sizes = spatial.map((n, i) => Math.floor(n * sf[i]!));
    factors = opts.recomputeScaleFactor ? sizes.map(() => null) : sf;
  }
  if (sizes.some((s) => !(Number.isInteger(s) && s >= 1)))
    throw new ShapeError(`interpolate: the output size must be positive integers, got [${sizes}] for input [${input.shape}]`);
  const mat = (i: number): Tensor => {
    const m = axisMatrix(spatial[i]!, sizes[i]!, mode, opts.alignCorners ?? false, factors[i]!);
    return Tensor.fromData(input.dtype === 'float64' ? m : Float32Array.from(m), [sizes[i]!, spatial[i]!]);
  };
  const last = mat(nsp - 1);
  let y = input.matmul(last.t());
  if (nsp === 2) y = mat(0).matmul(y);
  return y;
}
