// F.layerNorm and F.groupNorm, composed from tensor ops (mean, biased variance, rsqrt), so their
// gradients are those ops' own: normalise over the last dims (layerNorm) or over each group of
// channels and the spatial dims (groupNorm), then scale by weight and shift by bias.
import { DTypeError, ShapeError } from '@groundup/kernels';
import { requireFloating, type Tensor } from '@groundup/tensor';
import { fmtShape as fmt } from '../repr.ts';

function checkAffine(op: string, name: string, t: Tensor | null, shape: readonly number[], dtype: string): void {
  if (!t) return;
  if (t.ndim !== shape.length || t.shape.some((n, i) => n !== shape[i])) throw new ShapeError(`${op}: ${name} must have shape ${fmt(shape)}, got ${fmt(t.shape)}`);
  if (t.dtype !== dtype) throw new DTypeError(`${op}: ${name} is ${t.dtype} but the input is ${dtype}; convert one of them (e.g. model.double())`);
}

/** (x − mean)/√(var + eps) over `dims` (biased variance, as PyTorch normalises). */
function normalize(x: Tensor, dims: number[], eps: number): Tensor {
  const mean = x.mean(dims, true);
  const variance = x.var(dims, { unbiased: false, keepdim: true });
  return x.sub(mean).mul(variance.add(eps).rsqrt());
}

/** Normalises over the trailing dims given by normalizedShape; weight and bias have that shape. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  requireFloating('layerNorm', input.dtype);
  const k = shape.length, lead = input.ndim - k;
  if (k === 0 || lead < 0 || shape.some((n, i) => n !== input.shape[lead + i]))
    throw new ShapeError(`layerNorm: normalizedShape ${fmt(shape)} expects an input of shape [*, ${shape.join(', ')}], got ${fmt(input.shape)}; ` +
      'give the sizes of the input\'s last dims');
  checkAffine('layerNorm', 'weight', weight, shape, input.dtype);
  checkAffine('layerNorm', 'bias', bias, shape, input.dtype);
  let y = normalize(input, shape.map((_, i) => lead + i), eps);
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** input [N, C, *]: the C channels split into numGroups groups, each normalised over its channels and *; weight and bias [C]. */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  requireFloating('groupNorm', input.dtype);
  if (input.ndim < 2) throw new ShapeError(`groupNorm: expects an input [N, C, *], got ${fmt(input.shape)}; add a batch dim with unsqueeze(0)`);
  const [N, C] = input.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0)
    throw new ShapeError(`groupNorm: ${C} channels (input ${fmt(input.shape)}) cannot be split into ${numGroups} groups; numGroups must divide the channel count`);
  checkAffine('groupNorm', 'weight', weight, [C], input.dtype);
  checkAffine('groupNorm', 'bias', bias, [C], input.dtype);
  let y = normalize(input.reshape(N, numGroups, -1), [2], eps).reshape(input.shape);
  const perChannel = [C, ...input.shape.slice(2).map(() => 1)];
  if (weight) y = y.mul(weight.reshape(perChannel));
  if (bias) y = y.add(bias.reshape(perChannel));
  return y;
}
