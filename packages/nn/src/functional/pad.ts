// F.pad(input, pad, mode, value), with PyTorch's pad order: [left, right] of the last dim first,
// then [top, bottom] of the one before, and so on. 'constant' pads any number of dims with value
// and crops where a pad is negative; 'reflect', 'replicate' and 'circular' pad the last 1, 2 or 3
// dims of a batched or unbatched input. Built from views, cat and indexSelect, so the gradient is
// theirs (the padding's gradient is dropped; reflected entries sum into their sources).
import { ShapeError } from '@groundup/kernels';
import { cat, full, tensor, type Tensor } from '@groundup/tensor';
import { fmtShape as fmt } from '../repr.ts';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** The source index of output position j (from −left to n + right − 1) under a non-constant mode. */
const SOURCE: Record<Exclude<PadMode, 'constant'>, (j: number, n: number) => number> = {
  reflect: (j, n) => (j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j),
  replicate: (j, n) => Math.min(Math.max(j, 0), n - 1),
  circular: (j, n) => ((j % n) + n) % n,
};

function padConstant(x: Tensor, dim: number, left: number, right: number, value: number): Tensor {
  const n = x.shape[dim]!;
  if (left < 0 || right < 0) x = x.narrow(dim, Math.max(-left, 0), n + Math.min(left, 0) + Math.min(right, 0));
  const parts: Tensor[] = [];
  const block = (size: number): Tensor => full(x.shape.map((s, i) => (i === dim ? size : s)), value, { dtype: x.dtype, device: x.device });
  if (left > 0) parts.push(block(left));
  parts.push(x);
  if (right > 0) parts.push(block(right));
  return parts.length === 1 ? x : cat(parts, dim);
}

function padIndexed(x: Tensor, dim: number, left: number, right: number, mode: Exclude<PadMode, 'constant'>): Tensor {
  const n = x.shape[dim]!;
  const limit = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Infinity;
  if (left > limit || right > limit || (mode === 'replicate' && n === 0))
    throw new ShapeError(`pad: ${mode} padding (${left}, ${right}) of dim ${dim} of input ${fmt(x.shape)} must be ` +
      `${mode === 'reflect' ? 'less than' : mode === 'circular' ? 'at most' : 'on a non-empty'} the dim's size ${n}; pad less or use mode 'constant'`);
  const idx: number[] = [];
  for (let j = -left; j < n + right; j++) idx.push(SOURCE[mode](j, n));
  return x.indexSelect(dim, tensor(idx, { dtype: 'int32', device: x.device }));
}

export function pad(input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (pad.length % 2 !== 0 || pad.some((p) => !Number.isInteger(p)))
    throw new ShapeError(`pad: the padding must be integer pairs [left, right, top, bottom, ...], got ${fmt(pad)} (length ${pad.length})`);
  const k = pad.length / 2;
  if (k > input.ndim) throw new ShapeError(`pad: ${pad.length} pads cover ${k} dims but the input ${fmt(input.shape)} has ${input.ndim}; give at most 2 per dim`);
  if (mode !== 'constant') {
    if (!(mode in SOURCE)) throw new ShapeError(`pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got ${JSON.stringify(mode)}`);
    if (k < 1 || k > 3 || input.ndim < k + 1 || input.ndim > k + 2)
      throw new ShapeError(`pad: ${mode} padding of the last ${k} dim(s) needs a ${k + 1}-D or ${k + 2}-D input, got ${fmt(input.shape)}`);
    if (value !== 0) throw new ShapeError(`pad: a fill value is only used by mode 'constant', got value ${value} with mode '${mode}'`);
  }
  let x = input;
  for (let i = 0; i < k; i++) {
    const dim = input.ndim - 1 - i, left = pad[2 * i]!, right = pad[2 * i + 1]!;
    if (x.shape[dim]! + left + right < 0)
      throw new ShapeError(`pad: padding (${left}, ${right}) of dim ${dim} of input ${fmt(input.shape)} gives a negative size ${x.shape[dim]! + left + right}`);
    x = mode === 'constant' ? padConstant(x, dim, left, right, value) : padIndexed(x, dim, left, right, mode);
  }
  return x;
}
