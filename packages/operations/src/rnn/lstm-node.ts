// LSTMNode: one LSTM time step (Weidman ch6) with its backward written out. Z = [X | H]; every
// gate weight is (V + H, H):
//   f = σ(Z·W_f + B_f)   i = σ(Z·W_i + B_i)   C̄ = tanh(Z·W_c + B_c)   o = σ(Z·W_o + B_o)
//   C_out = f⊙C_in + i⊙C̄;   H_out = o⊙tanh(C_out);   X_out = H_out·W_v + B_v
import { cat, type Tensor } from '@groundup/tensor';
import { assertSameShape } from '../assert-shape.ts';
import { accumulate, type Params } from './params.ts';
import { outputBackward, outputForward, type StepNode } from './rnn-node.ts';

/** σ'(x) = σ(x)(1 − σ(x)) and tanh'(x) = 1 − tanh²(x), from the activations themselves. */
export const dsigmoidOf = (s: Tensor): Tensor => s.mul(s.neg().add(1));
export const dtanhOf = (t: Tensor): Tensor => t.square().neg().add(1);

export class LSTMNode implements StepNode {
  Z!: Tensor;
  C_in!: Tensor;
  f!: Tensor;
  i!: Tensor;
  C_bar!: Tensor;
  o!: Tensor;
  C_out!: Tensor;
  tanhC!: Tensor;
  H_out!: Tensor;
  X_out!: Tensor;
  private vocab = 0;

  forward(xIn: Tensor, hIn: Tensor, cIn: Tensor, params: Params): [Tensor, Tensor, Tensor] {
    this.vocab = xIn.shape[1]!;
    this.C_in = cIn;
    this.Z = cat([xIn, hIn], 1);
    const gate = (k: string): Tensor => this.Z.matmul(params[`W_${k}`]!.value).add(params[`B_${k}`]!.value);
    this.f = gate('f').sigmoid();
    this.i = gate('i').sigmoid();
    this.C_bar = gate('c').tanh();
    this.C_out = this.f.mul(cIn).add(this.i.mul(this.C_bar));
    this.o = gate('o').sigmoid();
    this.tanhC = this.C_out.tanh();
    this.H_out = this.o.mul(this.tanhC);
    this.X_out = outputForward(this.H_out, params);
    return [this.X_out, this.H_out, this.C_out];
  }

  /** Returns (dX_prev, dH_prev, dC_prev) with dC_prev = f⊙dC_out. */
  backward(xOutGrad: Tensor, hOutGrad: Tensor, cOutGrad: Tensor, params: Params): [Tensor, Tensor, Tensor] {
    assertSameShape('LSTMNode.backward', cOutGrad, this.C_out, ['C_out gradient', 'C_out']);
    const dhOut = outputBackward('LSTMNode', this.H_out, this.X_out, xOutGrad, hOutGrad, params);
    const doInt = dhOut.mul(this.tanhC).mul(dsigmoidOf(this.o));
    const dCOut = dhOut.mul(this.o).mul(dtanhOf(this.tanhC)).add(cOutGrad);
    const dCbarInt = dCOut.mul(this.i).mul(dtanhOf(this.C_bar));
    const diInt = dCOut.mul(this.C_bar).mul(dsigmoidOf(this.i));
    const dfInt = dCOut.mul(this.C_in).mul(dsigmoidOf(this.f));
    let dZ: Tensor | null = null;
    for (const [k, d] of [['o', doInt], ['c', dCbarInt], ['i', diInt], ['f', dfInt]] as const) {
      accumulate(params[`W_${k}`]!, this.Z.t().matmul(d), `LSTMNode: W_${k}`);
      accumulate(params[`B_${k}`]!, d.sum(0, true), `LSTMNode: B_${k}`);
      const part = d.matmul(params[`W_${k}`]!.value.t());
      dZ = dZ ? dZ.add(part) : part;
    }
    const H = dZ!.shape[1]! - this.vocab;
    return [dZ!.narrow(1, 0, this.vocab), dZ!.narrow(1, this.vocab, H), this.f.mul(dCOut)];
  }

  step(xIn: Tensor, state: readonly Tensor[], params: Params): [Tensor, Tensor[]] {
    const [x, h, c] = this.forward(xIn, state[0]!, state[1]!, params);
    return [x, [h, c]];
  }
  stepBackward(xOutGrad: Tensor, stateGrad: readonly Tensor[], params: Params): [Tensor, Tensor[]] {
    const [dx, dh, dc] = this.backward(xOutGrad, stateGrad[0]!, stateGrad[1]!, params);
    return [dx, [dh, dc]];
  }
}
