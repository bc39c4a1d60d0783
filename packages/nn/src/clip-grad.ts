// Gradient clipping, as torch.nn.utils does it (PyTorch 1.13):
//   clipGradNorm_(model.parameters(), 1.0)   scales every gradient by min(1, maxNorm/(total + 1e-6)),
//     where total is the normType-norm of the per-parameter norms (the norm of all gradients
//     together); it returns the total norm from before clipping.
//   clipGradValue_(model.parameters(), 0.5)  clamps every gradient element to [−v, v].
// Parameters without a gradient are skipped. Both change p.grad in place, without a graph.
import { AutogradError } from '@groundup/kernels';
import { noGrad, stack, Tensor, tensor } from '@groundup/tensor';

export interface ClipGradNormOptions {
  /** throw when the total norm is NaN or infinite (PyTorch's error_if_nonfinite, default false) */
  errorIfNonfinite?: boolean;
}

const withGrad = (parameters: Iterable<Tensor> | Tensor): Tensor[] =>
  (parameters instanceof Tensor ? [parameters] : [...parameters]).filter((p) => p.grad != null);

/** The p-norm of a gradient (∞ is the largest magnitude), in the gradient's dtype. */
function norm(g: Tensor, p: number): Tensor {
  const a = g.abs();
  if (p === Infinity) return a.numel() === 0 ? tensor(0, { dtype: g.dtype }) : a.max();
  if (p === 2) return a.square().sum().sqrt();
  if (p === 1) return a.sum();
  return a.pow(p).sum().pow(1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their total normType-norm is at most
 * maxNorm; returns the total norm before clipping (a 0-d tensor).
 */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, opts: ClipGradNormOptions = {}): Tensor {
  if (!(normType > 0)) throw new RangeError(`clipGradNorm_: normType must be positive (2 for the Euclidean norm, Infinity for the max), got ${normType}`);
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm_: maxNorm must be ≥ 0, got ${maxNorm}`);
  const ps = withGrad(parameters);
  if (ps.length === 0) return tensor(0);
  return noGrad(() => {
    const norms = ps.map((p) => norm(p.grad!.detach(), normType));
    const dtype = norms.some((n) => n.dtype === 'float64') ? 'float64' : 'float32';
    const total = norms.length === 1 ? norms[0]! : norm(stack(norms.map((n) => n.to(dtype))), normType);
    const t = total.item();
    if (opts.errorIfNonfinite && !Number.isFinite(t))
      throw new AutogradError(`clipGradNorm_: the total norm of order ${normType} of the gradients is ${t}, so they cannot be clipped; find the NaN or Inf (a loss that overflowed, a log of 0), or pass { errorIfNonfinite: false } to scale them anyway`);
    // As torch: coef = maxNorm/(total + 1e-6), clamped at 1, computed in the norm's dtype.
    const coef = tensor(maxNorm, { dtype: total.dtype }).div(total.add(1e-6)).clampMax(1);
    for (const p of ps) p.grad!.mul_(coef.to(p.grad!.dtype));
    return total;
  });
}

/** Clamps every gradient element of `parameters` to [−clipValue, clipValue] in place. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue_: clipValue must be ≥ 0, got ${clipValue}`);
  noGrad(() => {
    for (const p of withGrad(parameters)) p.grad!.clamp_(-clipValue, clipValue);
  });
}
