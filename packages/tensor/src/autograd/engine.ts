// Reverse-mode backward: order the graph so each tensor comes after every op that used it, then
// hand gradients back op by op, summing where a tensor was used more than once, and accumulate
// into the leaves' .grad (as PyTorch and the book do: a second backward adds to the first).
import { AutogradError, ShapeError } from '@groundup/kernels';
import { fmt, sameShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { noGrad } from './grad-mode.ts';

export interface BackwardOptions { retainGraph?: boolean }

/** g summed over the dims that broadcasting added or stretched, to fit `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new ShapeError(`backward: a gradient of shape ${fmt(g.shape)} cannot be reduced to the input shape ${fmt(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  const r = dims.length ? g.sum(dims, true) : g;
  return r.reshape([...shape]);
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const inputs = top[0].gradFn?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order.reverse();
}

export function runBackward(root: Tensor, gradient?: Tensor | null, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad)
    throw new AutogradError(`backward: this tensor (shape ${fmt(root.shape)}) does not require grad and has no gradFn; call requiresGrad_() on the leaf tensors you want gradients for, before computing with them (and not inside noGrad)`);
  if (!gradient) {
    if (root.numel() !== 1)
      throw new AutogradError(`backward: a gradient can be created implicitly only for a scalar output, but this tensor has shape ${fmt(root.shape)}; reduce it first (e.g. .sum() or .mean(), or pick one element like out.at(0, cls)) or pass a gradient of shape ${fmt(root.shape)}`);
    gradient = root.onesLikeForGrad();
  } else if (!sameShape(gradient.shape, root.shape)) {
    throw new AutogradError(`backward: the gradient has shape ${fmt(gradient.shape)} but the output has shape ${fmt(root.shape)}; they must match`);
  }
  const grads = new Map<Tensor, Tensor>([[root, gradient]]);
  noGrad(() => {
    for (const t of topoOrder(root)) {
      let g = grads.get(t);
      grads.delete(t);
      if (!g) continue;
      for (const hook of [...t.hooks]) g = hook(g) ?? g;
      const node = t.gradFn;
      if (!node || t.retainsGrad) t.grad = t.grad ? t.grad.add(g) : g.clone();
      if (!node) continue;
      const gs = node.apply(g);
      node.inputs.forEach((input, i) => {
        const gi = gs[i];
        if (!input || !gi) return;
        let r = sumToShape(gi, input.shape);
        if (r.dtype !== input.dtype) r = r.to(input.dtype);
        const have = grads.get(input);
        grads.set(input, have ? have.add(r) : r);
      });
      if (!opts.retainGraph) node.free();
    }
  });
}
