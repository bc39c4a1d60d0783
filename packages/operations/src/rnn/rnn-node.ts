// RNNNode: one time step of the vanilla RNN (Weidman ch6), with its backward written out.
//   Z = [x_in | H_in];  H_int = Z·W_f + B_f;  H_out = tanh(H_int);  X_out = H_out·W_v + B_v
// Shapes: x_in (B, V), H_in (B, H), W_f (V + H, H), B_f (1, H), W_v (H, O), B_v (1, O).
import { cat, type Tensor } from '@groundup/tensor';
import { assertSameShape } from '../assert-shape.ts';
import { accumulate, type Params } from './params.ts';

/** What a layer needs of a node: forward and backward of one step, with the state as a list (H, or H and C). */
export interface StepNode {
  step(xIn: Tensor, state: readonly Tensor[], params: Params): [Tensor, Tensor[]];
  stepBackward(xOutGrad: Tensor, stateGrad: readonly Tensor[], params: Params): [Tensor, Tensor[]];
}

/** The output projection X_out = H_out·W_v + B_v and its backward, shared by every node kind. */
export function outputForward(hOut: Tensor, params: Params): Tensor {
  return hOut.matmul(params.W_v!.value).add(params.B_v!.value);
}
/** Accumulates W_v and B_v; returns dL/dH_out = X_out_grad·W_vᵀ + H_out_grad. */
export function outputBackward(name: string, hOut: Tensor, xOut: Tensor, xOutGrad: Tensor, hOutGrad: Tensor, params: Params): Tensor {
  assertSameShape(`${name}.backward`, xOutGrad, xOut, ['X_out gradient', 'X_out']);
  assertSameShape(`${name}.backward`, hOutGrad, hOut, ['H_out gradient', 'H_out']);
  accumulate(params.W_v!, hOut.t().matmul(xOutGrad), `${name}: W_v`);
  accumulate(params.B_v!, xOutGrad.sum(0, true), `${name}: B_v`);
  return xOutGrad.matmul(params.W_v!.value.t()).add(hOutGrad);
}

/** A node whose state is H alone (RNN, GRU): the book's forward(x, H) / backward(dX, dH) as a StepNode. */
export abstract class HiddenStateNode implements StepNode {
  abstract forward(xIn: Tensor, hIn: Tensor, params: Params): [Tensor, Tensor];
  abstract backward(xOutGrad: Tensor, hOutGrad: Tensor, params: Params): [Tensor, Tensor];

  step(xIn: Tensor, state: readonly Tensor[], params: Params): [Tensor, Tensor[]] {
    const [x, h] = this.forward(xIn, state[0]!, params);
    return [x, [h]];
  }
  stepBackward(xOutGrad: Tensor, stateGrad: readonly Tensor[], params: Params): [Tensor, Tensor[]] {
    const [dx, dh] = this.backward(xOutGrad, stateGrad[0]!, params);
    return [dx, [dh]];
  }
}

export class RNNNode extends HiddenStateNode {
  Z!: Tensor;
  H_out!: Tensor;
  X_out!: Tensor;
  private vocab = 0;

  forward(xIn: Tensor, hIn: Tensor, params: Params): [Tensor, Tensor] {
    this.vocab = xIn.shape[1]!;
    this.Z = cat([xIn, hIn], 1);
    this.H_out = this.Z.matmul(params.W_f!.value).add(params.B_f!.value).tanh();
    this.X_out = outputForward(this.H_out, params);
    return [this.X_out, this.H_out];
  }

  /** Returns (X_in_grad, H_in_grad); adds into every parameter's deriv. */
  backward(xOutGrad: Tensor, hOutGrad: Tensor, params: Params): [Tensor, Tensor] {
    const dh = outputBackward('RNNNode', this.H_out, this.X_out, xOutGrad, hOutGrad, params);
    const dHint = dh.mul(this.H_out.square().neg().add(1)); // tanh' = 1 − tanh²
    accumulate(params.W_f!, this.Z.t().matmul(dHint), 'RNNNode: W_f');
    accumulate(params.B_f!, dHint.sum(0, true), 'RNNNode: B_f');
    const dZ = dHint.matmul(params.W_f!.value.t());
    return [dZ.narrow(1, 0, this.vocab), dZ.narrow(1, this.vocab, dZ.shape[1]! - this.vocab)];
  }
}
