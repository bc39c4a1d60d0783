// Reverse-mode backward: order the nodes so each comes after every node that used its output,
// then hand gradients back node by node, summing where an output was used more than once, and
// accumulate into the leaves' .grad (as PyTorch and the book do: a second backward adds to the first).
import { AutogradError, ShapeError } from '@groundup/kernels';
import { fmt, sameShape } from '../shape.ts';
import { giveBuffer } from '../buffer-pool.ts';
import { Storage } from '../storage.ts';
import { releaseBlock } from '../device/cuda.ts';
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

/**
 * Which gradient buffers backward may write into or recycle: those it allocated itself (storage
 * made after it started) that one destination holds and that no hook or custom Function has seen.
 * Others (a gradient passed through to several inputs, the caller's seed, a tensor a hook may have
 * kept) are copied and never recycled.
 */
class Ownership {
  private readonly first = Storage.peekId();
  private readonly uses = new Map<Storage, number>();
  give(g: Tensor): void { this.uses.set(g.storage, (this.uses.get(g.storage) ?? 0) + 1); }
  share(g: Tensor): void { this.uses.set(g.storage, Infinity); }
  owns(g: Tensor): boolean { return g.storage.id >= this.first && this.uses.get(g.storage) === 1; }
  /** After a pure node consumed g (or g was added into another buffer): give its buffer to the pool if nothing holds it. */
  release(g: Tensor): void {
    const n = this.uses.get(g.storage);
    if (n === undefined || n === Infinity) return;
    if (n > 1) { this.uses.set(g.storage, n - 1); return; }
    this.uses.delete(g.storage);
    if (g.storage.id < this.first) return;
    if (g.storage.block === null) giveBuffer(g.dtype, g.storage.data);
    else releaseBlock(g.storage.block);  // a dead gradient's device block goes back to the cache now, not at the next GC
  }
}

const dense = (t: Tensor): boolean => t.offset === 0 && t.storage.length === t.numel() && t.isContiguous();

/** PyTorch's AccumulateGrad: adds into .grad in place, or takes the incoming buffer when backward owns it. */
function accumulateLeaf(leaf: Tensor, g: Tensor, own: Ownership | null): void {
  if (leaf.hooks.length) {
    own?.share(g);
    for (const hook of [...leaf.hooks]) g = hook(g) ?? g;
  }
  const have = leaf.grad;
  if (have && !have.requiresGrad && sameShape(have.shape, g.shape) && have.dtype === g.dtype) {
    have.add_(g);
    own?.release(g);
  } else if (have) leaf.grad = have.add(g);
  else leaf.grad = own?.owns(g) && dense(g) ? g : g.clone();
}

export function runBackward(root: Tensor, gradient?: Tensor | null, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad)
    throw new AutogradError(`backward: this tensor (shape ${fmt(root.shape)}) does not require grad and has no gradFn; call requiresGrad_() on the leaf tensors you want gradients for, before computing with them (and not inside noGrad)`);
  if (!gradient) {
    if (root.numel() !== 1)
      throw new AutogradError(`backward: a gradient can be created implicitly only for a scalar output, but this tensor has shape ${fmt(root.shape)}; reduce it first (e.g. .sum() or .mean(), or pick one element like out.at(0, cls)) or pass a gradient of shape ${fmt(root.shape)}`);
  } else if (!sameShape(gradient.shape, root.shape)) {
    throw new AutogradError(`backward: the gradient has shape ${fmt(gradient.shape)} but the output has shape ${fmt(root.shape)}; they must match`);
  }
  noGrad(() => {
    const own = new Ownership();
    const seed = gradient ?? root.onesLikeForGrad();
    own.share(seed);
    if (!root.gradFn) return accumulateLeaf(root, seed, own);
    const grads = new Map<Node, Tensor>([[root.gradFn, seed]]);
    const leaves = new Map<Tensor, Tensor>();
    /** have + r, in place when backward owns have (then r's buffer is free). */
    const sum = (have: Tensor | undefined, r: Tensor): Tensor => {
      if (!have) return r;
      // Only a dense buffer: a broadcast view (SumBackward's expand) has stride 0 and must not be written.
      if (own.owns(have) && dense(have) && sameShape(have.shape, r.shape) && have.dtype === r.dtype) {
        have.add_(r);
        own.release(r);
        return have;
      }
      const s = have.add(r);
      own.give(s);
      return s;
    };
    for (const node of topoOrder(root.gradFn)) {
      let g = grads.get(node);
      grads.delete(node);
      if (!g) continue;
      if (node.hooks.length) {
        own.share(g);
        for (const hook of [...node.hooks]) g = hook(g) ?? g;
      }
      if (!node.pure) own.share(g);
      const gs = node.apply(g, own.owns(g) && dense(g));
      node.edges.forEach((e, i) => {
        const gi = gs[i];
        if (!e || !gi) return;
        const r = fit(node, i, gi, e);
        // What a custom Function returns may alias anything it holds: never recycled.
        if (node.pure) own.give(r);
        else own.share(r);
        if (e.node) grads.set(e.node, sum(grads.get(e.node), r));
        else leaves.set(e.leaf, sum(leaves.get(e.leaf), r));
      });
      // The node is done with g: its buffer is free unless a returned gradient aliases it.
      own.release(g);
      if (!opts.retainGraph) node.free();
    }
    for (const [leaf, g] of leaves) accumulateLeaf(leaf, g, own);
  });
}
