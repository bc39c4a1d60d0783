// gradcheck: analytic gradients (one backward per output element) against central differences,
// in float64. On failure it throws, naming the worst element.
import { AutogradError } from '@groundup/kernels';
import { full } from '../creation.ts';
import type { Tensor } from '../tensor.ts';
import { noGrad } from './grad-mode.ts';

export interface GradcheckOptions { eps?: number; atol?: number; rtol?: number }

const flatValues = (t: Tensor): Float64Array => Float64Array.from(t.contiguous().dataSync() as ArrayLike<number>);

function unravel(i: number, shape: readonly number[]): number[] {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = opts;
  const checked = inputs.map((x, i) => {
    if (x.requiresGrad && x.dtype !== 'float64')
      throw new AutogradError(`gradcheck: input ${i} is ${x.dtype}; central differences need float64 inputs (call .double() before requiresGrad_())`);
    if (x.requiresGrad && !x.isLeaf) throw new AutogradError(`gradcheck: input ${i} must be a leaf tensor (create it, then requiresGrad_())`);
    return x.requiresGrad;
  });
  if (!checked.some(Boolean)) throw new AutogradError('gradcheck: no input requires grad; call requiresGrad_() on the inputs to check');
  const out = fn(...inputs);
  const nOut = out.numel();
  // Analytic Jacobian rows, one backward per output element.
  const analytic = inputs.map((x) => new Float64Array(nOut * x.numel()));
  for (let j = 0; j < nOut; j++) {
    inputs.forEach((x) => { x.grad = null; });
    if (!out.requiresGrad) break;
    const seed = full(out.shape, 0, { dtype: out.dtype });
    seed.data[j] = 1;
    out.backward(seed, { retainGraph: true });
    inputs.forEach((x, i) => {
      if (!checked[i] || !x.grad) return;
      analytic[i]!.set(flatValues(x.grad), j * x.numel());
    });
  }
  inputs.forEach((x) => { x.grad = null; });
  // Numeric Jacobian by central differences, one input element at a time.
  let worst = { excess: 0, msg: '' };
  noGrad(() => {
    inputs.forEach((x, i) => {
      if (!checked[i]) return;
      for (let k = 0; k < x.numel(); k++) {
        const idx = unravel(k, x.shape);
        const off = x.offset + idx.reduce((a, v, d) => a + v * x.strides[d]!, 0);
        const orig = x.data[off]!;
        x.data[off] = orig + eps;
        const fp = flatValues(fn(...inputs));
        x.data[off] = orig - eps;
        const fm = flatValues(fn(...inputs));
        x.data[off] = orig;
        for (let j = 0; j < nOut; j++) {
          const num = (fp[j]! - fm[j]!) / (2 * eps);
          const ana = analytic[i]![j * x.numel() + k]!;
          const excess = Math.abs(num - ana) - (atol + rtol * Math.abs(num));
          if (excess > worst.excess || Number.isNaN(excess))
            worst = { excess: Number.isNaN(excess) ? Infinity : excess, msg: `input ${i} element [${idx}] for output element ${j}: numerical ${num} vs analytical ${ana}` };
        }
      }
    });
  });
  if (worst.excess > 0) throw new AutogradError(`gradcheck failed (eps ${eps}, atol ${atol}, rtol ${rtol}); worst: ${worst.msg}`);
  return true;
}
