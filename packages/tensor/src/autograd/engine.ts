// Reverse-mode backward: order the nodes so each comes after every node that used its output,
// then hand gradients back node by node, summing where an output was used more than once, and
// accumulate into the leaves' .grad (as PyTorch and the book do: a second backward adds to the first).
import { AutogradError, ShapeError } from '@groundup/kernels';
import { fmt, sameShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { noGrad } from './grad-mode.ts';
import type { Edge, Node } from './node.ts';

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

function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>([root]);
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const edges = top[0].edges;
    if (top[1] < edges.length) {
      const next = edges[top[1]++]?.node;
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

function fit(node: Node, i: number, g: Tensor, e: Edge): Tensor {
  const lead = g.ndim - e.shape.length;
  if (lead < 0 || e.shape.some((n, k) => n !== 1 && n !== g.shape[k + lead]))
    throw new AutogradError(`${node.name} returned an invalid gradient at index ${i}: got shape ${fmt(g.shape)} but expected a shape compatible with ${fmt(e.shape)}`);
  const r = sumToShape(g, e.shape);
  return r.dtype === e.dtype ? r : r.to(e.dtype);
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  for (const hook of [...leaf.hooks]) g = hook(g) ?? g;
  leaf.grad = leaf.grad ? leaf.grad.add(g) : g.clone();
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
  noGrad(() => {
    if (!root.gradFn) return accumulateLeaf(root, gradient!);
    const grads = new Map<Node, Tensor>([[root.gradFn, gradient!]]);
    const leaves = new Map<Tensor, Tensor>();
    for (const node of topoOrder(root.gradFn)) {
      let g = grads.get(node);
      grads.delete(node);
      if (!g) continue;
      for (const hook of [...node.hooks]) g = hook(g) ?? g;
      const gs = node.apply(g);
      node.edges.forEach((e, i) => {
        const gi = gs[i];
        if (!e || !gi) return;
        const r = fit(node, i, gi, e);
        if (e.node) {
          const have = grads.get(e.node);
          grads.set(e.node, have ? have.add(r) : r);
        } else {
          const have = leaves.get(e.leaf);
          leaves.set(e.leaf, have ? have.add(r) : r);
        }
      });
      if (!opts.retainGraph) node.free();
    }
    for (const [leaf, g] of leaves) accumulateLeaf(leaf, g);
  });
}
