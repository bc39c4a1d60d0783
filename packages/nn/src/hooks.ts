// Module hooks: removable handles, and the machinery behind full backward hooks. A backward hook
// sees the gradients with respect to a module's inputs and outputs of one call, as PyTorch's
// register_full_backward_hook does: the outputs pass through an identity node that records their
// gradients, and the inputs that require grad pass through one shared identity node (several
// inputs are joined with cat, so the hook sees all of their gradients at once and may replace them).
import { AutogradError, ShapeError } from '@groundup/kernels';
import { attach, cat, Tensor } from '@groundup/tensor';

/**
 * Returned by every register*Hook: remove() unregisters the hook (calling it twice is harmless).
 * A handle is also disposable, as PyTorch's is a context manager (`with handle:`):
 *   { using h = layer.registerForwardHook(fn); model.call(x); }   // removed at the closing brace
 */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;
  constructor(private readonly registry: Map<number, unknown>) {}
  remove(): void {
    this.registry.delete(this.id);
  }
  /** Whether the hook is still registered. */
  get active(): boolean { return this.registry.has(this.id); }
  [Symbol.dispose](): void { this.remove(); }
}

/** Anything with remove(): a RemovableHandle, or a hook object of one's own (fastai's Hook). */
export interface Removable { remove(): void }

/**
 * Runs fn with hooks registered, and removes them when fn returns or throws (the book's `with`
 * block, for code that does not use `using`):
 *   const acts = withHooks([body.registerForwardHook(store)], () => model.call(x));
 * `hooks` may also be a function that registers them, called first.
 */
export function withHooks<T>(hooks: readonly Removable[] | (() => readonly Removable[]), fn: () => T): T {
  const hs = typeof hooks === 'function' ? hooks() : hooks;
  try {
    return fn();
  } finally {
    for (const h of hs) h.remove();
  }
}

export type Grads = (Tensor | null)[];
/** Called once per backward through a module call: gradInput per positional input (null for non-tensors), gradOutput per output tensor. */
export type BackwardFire = (gradInput: Grads, gradOutput: Grads) => Grads | void;

/** A new tensor object over the same memory, so that an identity node can be attached to it. */
const alias = (x: Tensor): Tensor => new Tensor(x.storage, x.shape, x.strides, x.offset, x.dtype);
const NAME = 'BackwardHookFunctionBackward';

/** The backward-hook bookkeeping of one module call. */
export class BackwardHookCall {
  private gradOutputs: Grads = [];
  private nOutputs = 0;
  private arrived = 0;
  private inputsNeedGrad = false;
  private nArgs = 0;

  constructor(private readonly fire: BackwardFire, private readonly moduleName: string) {}

  /** The inputs, with those that require grad routed through the hook node. */
  wrapInputs<In extends unknown[]>(args: In): In {
    this.nArgs = args.length;
    const idx = args.flatMap((a, i) => (a instanceof Tensor && a.requiresGrad ? [i] : []));
    if (idx.length === 0) return args;
    this.inputsNeedGrad = true;
    const xs = idx.map((i) => args[i] as Tensor);
    const out = [...args] as In;
    if (xs.length === 1) {
      const x = xs[0]!;
      out[idx[0]!] = attach(alias(x), NAME, [x], (g) => [this.onInputGrads(idx, [g])[0]]);
      return out;
    }
    const dtype = xs.some((x) => x.dtype === 'float64') ? 'float64' : 'float32';
    const flat = cat(xs.map((x) => x.to(dtype).reshape([-1])));
    const hub = attach(alias(flat), NAME, [flat], (g) => {
      let off = 0;
      const parts = xs.map((x) => { const p = g.narrow(0, off, x.numel()).reshape([...x.shape]).to(x.dtype); off += x.numel(); return p; });
      const repl = this.onInputGrads(idx, parts);
      return [cat(repl.map((r, k) => (r ?? parts[k]!.mul(0)).to(dtype).reshape([-1])))];
    });
    let off = 0;
    idx.forEach((i, k) => {
      const x = xs[k]!;
      out[i] = hub.narrow(0, off, x.numel()).reshape([...x.shape]).to(x.dtype);
      off += x.numel();
    });
    return out;
  }

  /** The output (a tensor, or an array of them) with each tensor that requires grad routed through a recording node. */
  wrapOutputs<Out>(out: Out): Out {
    if (out instanceof Tensor) return this.wrapOne(out, 0) as Out;
    if (Array.isArray(out)) return out.map((o, i) => (o instanceof Tensor ? this.wrapOne(o, i) : o)) as Out;
    return out;
  }

  private wrapOne(t: Tensor, i: number): Tensor {
    while (this.gradOutputs.length <= i) this.gradOutputs.push(null);
    if (!t.requiresGrad) return t;
    this.nOutputs++;
    return attach(alias(t), NAME, [t], (g) => {
      this.gradOutputs[i] = g;
      this.arrived++;
      // With no input that needs a gradient, the hook fires once the output gradients are in.
      if (!this.inputsNeedGrad && this.arrived === this.nOutputs) this.fire(new Array<Tensor | null>(this.nArgs).fill(null), [...this.gradOutputs]);
      return [g];
    });
  }

  private onInputGrads(idx: number[], grads: Tensor[]): Grads {
    const gradInput: Grads = new Array<Tensor | null>(this.nArgs).fill(null);
    idx.forEach((i, k) => { gradInput[i] = grads[k]!; });
    const r = this.fire(gradInput, [...this.gradOutputs]);
    if (!r) return grads;
    if (!Array.isArray(r) || r.length !== this.nArgs)
      throw new AutogradError(`${this.moduleName} backward hook: returned ${Array.isArray(r) ? r.length : typeof r} gradient(s) but the module took ${this.nArgs} input(s); return one entry per input (null to keep none), or nothing to keep them`);
    return idx.map((i, k) => {
      const v = r[i] ?? null;
      if (v && v.shape.join() !== grads[k]!.shape.join())
        throw new ShapeError(`${this.moduleName} backward hook: the replacement gradient for input ${i} has shape [${v.shape}] but the input has shape [${grads[k]!.shape}]`);
      return v;
    });
  }
}
