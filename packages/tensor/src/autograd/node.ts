// A node of the graph: the op that made a tensor, the edges to send gradients along, the tensors
// it saved (with their versions, to catch in-place edits), and its backward function. Edges
// point at the producing node as it was when the op ran (or at a leaf tensor), so rebasing a
// tensor after an in-place op leaves earlier uses on the old history, as in PyTorch.
import { AutogradError } from '@groundup/kernels';
import type { Tensor } from '../tensor.ts';
import { isGradEnabled } from './grad-mode.ts';

/**
 * An op's backward: the gradient of each input from the output's. `gradOwned` says backward owns
 * `grad`'s buffer (made in this backward pass, dense, held by nobody else), so a pure op may
 * write its result into it.
 */
export type Backward = (grad: Tensor, gradOwned: boolean) => readonly (Tensor | null | undefined)[];
export type GradHook = (grad: Tensor) => Tensor | void;

/** Where an input's gradient goes: the node that produced it, or the leaf tensor that accumulates it. */
export type Edge = { node: Node; leaf?: undefined; shape: readonly number[]; dtype: Tensor['dtype'] }
  | { node?: undefined; leaf: Tensor; shape: readonly number[]; dtype: Tensor['dtype'] };

interface Saved { tensor: Tensor; version: number }

export class Node {
  private saved: Saved[];
  private fn: Backward | null;
  /** Hooks on the gradient of this node's output (tensor hooks on non-leaf tensors). */
  readonly hooks: GradHook[] = [];
  /**
   * A pure node is one of groundup's own ops: its backward keeps no reference to the gradient it
   * receives and returns only tensors it made or views of them, so backward may recycle buffers
   * around it. Custom Functions and hooks are not pure.
   */
  readonly pure: boolean;
  constructor(readonly name: string, readonly edges: readonly (Edge | null)[], fn: Backward, saved: readonly Tensor[], pure = false) {
    this.pure = pure;
    this.fn = fn;
    this.saved = saved.map((tensor) => ({ tensor, version: tensor.version }));
  }

  get freed(): boolean { return this.fn === null; }

  /** Gradients for each input, after checking that no saved tensor was modified in place. */
  apply(grad: Tensor, gradOwned = false): readonly (Tensor | null | undefined)[] {
    if (!this.fn)
      throw new AutogradError(`${this.name}: trying to backward through the graph a second time, but its saved tensors were freed after the first backward; pass {retainGraph: true} to the first backward() if you need to call it twice`);
    for (const s of this.saved)
      if (s.tensor.version !== s.version)
        throw new AutogradError(`${this.name}: one of the tensors needed for the gradient (shape [${s.tensor.shape}], ${s.tensor.dtype}) was modified by an in-place operation after it was saved (version ${s.version}, now ${s.tensor.version}); use the out-of-place op (e.g. add instead of add_), or clone() the tensor first`);
    return this.fn(grad, gradOwned && this.pure);
  }

  free(): void {
    this.fn = null;
    this.saved = [];
  }

  toString(): string { return `<${this.name}>`; }
}

/** Does this value take part in autograd? */
const tracks = (x: unknown): x is Tensor => typeof x === 'object' && x !== null && (x as Tensor).requiresGrad === true;

export function edgeOf(t: Tensor): Edge {
  return t.gradFn ? { node: t.gradFn, shape: t.shape, dtype: t.dtype } : { leaf: t, shape: t.shape, dtype: t.dtype };
}

/**
 * Makes `out` the result of a differentiable op when grad mode is on and an input requires grad:
 * the three micrograd steps (make out, define backward, attach). Gradients are summed back to
 * each input's shape (broadcasting) by the engine.
 */
export function attach(out: Tensor, name: string, inputs: readonly unknown[], backward: Backward, saved: readonly Tensor[] = [], pure = false): Tensor {
  if (!isGradEnabled() || !inputs.some(tracks) || inputs.includes(out)) return out;
  out.requiresGrad = true;
  out.gradFn = new Node(name, inputs.map((x) => (tracks(x) ? edgeOf(x) : null)), backward, saved, pure);
  return out;
}

/** attach() for groundup's own ops, whose backward is pure (see Node.pure). */
export const attachPure = (out: Tensor, name: string, inputs: readonly unknown[], backward: Backward, saved: readonly Tensor[] = []): Tensor =>
  attach(out, name, inputs, backward, saved, true);
