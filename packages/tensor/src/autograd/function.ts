// A custom autograd Function, as ch17 writes ReLU and Linear:
//   class MyRelu extends Function {
//     static forward(ctx, i) { ctx.saveForBackward(i); return i.clampMin(0); }
//     static backward(ctx, g) { const [i] = ctx.savedTensors; return [g.mul(i.gt(0))]; }
//   }
//   MyRelu.apply(x)
import { AutogradError } from '@groundup/kernels';
import { Tensor } from '../tensor.ts';
import { noGrad } from './grad-mode.ts';
import { attach } from './node.ts';

export class FunctionCtx {
  private saved: Tensor[] = [];
  /** Anything else backward needs (shapes, options). */
  readonly state: Record<string, unknown> = {};
  saveForBackward(...tensors: Tensor[]): void { this.saved = tensors; }
  get savedTensors(): readonly Tensor[] { return this.saved; }
}

type Grads = Tensor | null | readonly (Tensor | null)[];

export abstract class Function {
  static forward(_ctx: FunctionCtx, ..._inputs: unknown[]): Tensor {
    throw new AutogradError(`${this.name}.forward is not implemented; define static forward(ctx, ...inputs)`);
  }
  static backward(_ctx: FunctionCtx, _gradOutput: Tensor): Grads {
    throw new AutogradError(`${this.name}.backward is not implemented; define static backward(ctx, gradOutput)`);
  }

  /** Runs forward without recording, then records one node whose backward is the class's. */
  static apply(this: typeof Function, ...inputs: unknown[]): Tensor {
    const ctx = new FunctionCtx();
    const out = noGrad(() => this.forward(ctx, ...inputs));
    if (!(out instanceof Tensor)) throw new AutogradError(`${this.name}.forward must return a Tensor`);
    const name = `${this.name}Backward`;
    return attach(out, name, inputs, (g) => {
      const r = this.backward(ctx, g);
      const list = r instanceof Tensor || r === null ? [r] : r;
      const nTensors = inputs.length;
      if (list.length !== nTensors)
        throw new AutogradError(`${name}: backward returned ${list.length} gradient(s) but forward took ${nTensors} input(s); return one per input (null for non-tensors)`);
      return list;
    }, ctx.savedTensors);
  }
}
