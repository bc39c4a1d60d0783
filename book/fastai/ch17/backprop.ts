// fastai ch17, second half, as functions the lesson and the chapter test share: the forward and
// backward passes written by hand, then refactored into classes, then into autograd Functions.
// Gradients go in a Map (the book's `.g` attribute), keyed by tensor.
import { Function, FunctionCtx, randn, zeros, type Tensor } from 'groundup';

export type Grads = Map<Tensor, Tensor>;

export const lin = (x: Tensor, w: Tensor, b: Tensor): Tensor => x.matmul(w).add(b);
export const relu = (x: Tensor): Tensor => x.clampMin(0);
export const mse = (output: Tensor, targ: Tensor): Tensor => output.squeeze(-1).sub(targ).pow(2).mean();

export function mseGrad(g: Grads, inp: Tensor, targ: Tensor): void {
  // d mean((inp − targ)²) / d inp
  g.set(inp, inp.squeeze(-1).sub(targ).unsqueeze(-1).mul(2).div(inp.shape[0]!));
}
export function reluGrad(g: Grads, inp: Tensor, out: Tensor): void {
  g.set(inp, inp.gt(0).to(inp.dtype).mul(g.get(out)!));
}
export function linGrad(g: Grads, inp: Tensor, out: Tensor, w: Tensor, b: Tensor): void {
  const go = g.get(out)!;
  g.set(inp, go.matmul(w.t()));
  g.set(w, inp.t().matmul(go));
  g.set(b, go.sum(0));
}

/** The whole forward and backward pass of the 2-layer model, by hand. */
export function forwardAndBackward(inp: Tensor, targ: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): { loss: Tensor; g: Grads } {
  const g: Grads = new Map();
  const l1 = lin(inp, w1, b1);
  const l2 = relu(l1);
  const out = lin(l2, w2, b2);
  const loss = mse(out, targ); // the loss itself is not needed for the gradients
  mseGrad(g, out, targ);
  linGrad(g, l2, out, w2, b2);
  reluGrad(g, l1, l2);
  linGrad(g, inp, l1, w1, b1);
  return { loss, g };
}

/** Kaiming init: randn · √(2 / fan_in), zero bias. */
export function initParams(nIn: number, nH: number, nOut: number, dtype: 'float32' | 'float64' = 'float64'): Tensor[] {
  return [randn([nIn, nH], { dtype }).mul(Math.sqrt(2 / nIn)), zeros([nH], { dtype }), randn([nH, nOut], { dtype }).mul(Math.sqrt(2 / nH)), zeros([nOut], { dtype })];
}

// ---- Refactoring the model: layers as classes with a backward ----
export class Relu {
  inp!: Tensor; out!: Tensor;
  constructor(private readonly g: Grads) {}
  call(inp: Tensor): Tensor { this.inp = inp; this.out = inp.clampMin(0); return this.out; }
  backward(): void { this.g.set(this.inp, this.inp.gt(0).to(this.inp.dtype).mul(this.g.get(this.out)!)); }
}
export class Lin {
  inp!: Tensor; out!: Tensor;
  constructor(private readonly g: Grads, readonly w: Tensor, readonly b: Tensor) {}
  call(inp: Tensor): Tensor { this.inp = inp; this.out = inp.matmul(this.w).add(this.b); return this.out; }
  backward(): void { linGrad(this.g, this.inp, this.out, this.w, this.b); }
}
export class Mse {
  inp!: Tensor; targ!: Tensor;
  constructor(private readonly g: Grads) {}
  call(inp: Tensor, targ: Tensor): Tensor { this.inp = inp; this.targ = targ; return mse(inp, targ); }
  backward(): void { mseGrad(this.g, this.inp, this.targ); }
}
export class Model {
  readonly g: Grads = new Map();
  readonly layers: (Lin | Relu)[];
  readonly loss: Mse;
  constructor(w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) {
    this.layers = [new Lin(this.g, w1, b1), new Relu(this.g), new Lin(this.g, w2, b2)];
    this.loss = new Mse(this.g);
  }
  call(x: Tensor, targ: Tensor): Tensor { return this.loss.call(this.layers.reduce((h, l) => l.call(h), x), targ); }
  backward(): void {
    this.loss.backward();
    for (const l of [...this.layers].reverse()) l.backward();
  }
}

// ---- A LayerFunction base: call() stores args and output, subclasses give forward and bwd ----
export abstract class LayerFunction {
  args: Tensor[] = [];
  out!: Tensor;
  constructor(protected readonly g: Grads) {}
  call(...args: Tensor[]): Tensor { this.args = args; this.out = this.forward(...args); return this.out; }
  abstract forward(...args: Tensor[]): Tensor;
  abstract bwd(out: Tensor, ...args: Tensor[]): void;
  backward(): void { this.bwd(this.out, ...this.args); }
}
export class ReluLF extends LayerFunction {
  forward(inp: Tensor): Tensor { return inp.clampMin(0); }
  bwd(out: Tensor, inp: Tensor): void { this.g.set(inp, inp.gt(0).to(inp.dtype).mul(this.g.get(out)!)); }
}
export class LinLF extends LayerFunction {
  constructor(g: Grads, readonly w: Tensor, readonly b: Tensor) { super(g); }
  forward(inp: Tensor): Tensor { return inp.matmul(this.w).add(this.b); }
  // The book's version reads self.inp/self.out here; the arguments are what this refactor has (errata 6).
  bwd(out: Tensor, inp: Tensor): void { linGrad(this.g, inp, out, this.w, this.b); }
}
export class MseLF extends LayerFunction {
  forward(inp: Tensor, targ: Tensor): Tensor { return mse(inp, targ); }
  bwd(_out: Tensor, inp: Tensor, targ: Tensor): void { mseGrad(this.g, inp, targ); }
}

// ---- Going to PyTorch: torch.autograd.Function ----
export class MyRelu extends Function {
  static override forward(ctx: FunctionCtx, i: Tensor): Tensor {
    ctx.saveForBackward(i);
    return i.clampMin(0);
  }
  static override backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor {
    const [i] = ctx.savedTensors;
    return gradOutput.mul(i!.gt(0));
  }
}
export class MyLinear extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, w: Tensor, b: Tensor): Tensor {
    ctx.saveForBackward(x, w);
    return x.matmul(w).add(b);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor[] {
    const [x, w] = ctx.savedTensors;
    return [g.matmul(w!.t()), x!.t().matmul(g), g.sum(0)];
  }
}
