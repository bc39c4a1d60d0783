// GRUNode: one GRU time step (Weidman ch6) with its backward written out, as the chapter intends
// it. The companion notebook's GRUNode has three bugs (book/weidman.md §2.6): its update gate is
// built from the reset gate's projections, its backward uses only H_out_grad (dropping the output
// path, so every internal gradient is zero), and it misses the direct path dH_in += u⊙dh. This
// node implements the intended math, and its backward passes a finite-difference check.
//   r = σ(X·W_xr + H·W_hr + B_r)        u = σ(X·W_xu + H·W_hu + B_u)
//   h̄ = tanh(X·W_xh + (r⊙H)·W_hh + B_h)   H_out = u⊙H_in + (1 − u)⊙h̄   (u gates the old state)
import type { Tensor } from '@groundup/tensor';
import { accumulate, type Params } from './params.ts';
import { dsigmoidOf, dtanhOf } from './lstm-node.ts';
import { HiddenStateNode, outputBackward, outputForward } from './rnn-node.ts';

export class GRUNode extends HiddenStateNode {
  X_in!: Tensor;
  H_in!: Tensor;
  r!: Tensor;
  u!: Tensor;
  h_reset!: Tensor;
  h_bar!: Tensor;
  H_out!: Tensor;
  X_out!: Tensor;

  forward(xIn: Tensor, hIn: Tensor, params: Params): [Tensor, Tensor] {
    const v = (k: string): Tensor => params[k]!.value;
    this.X_in = xIn;
    this.H_in = hIn;
    this.r = xIn.matmul(v('W_xr')).add(hIn.matmul(v('W_hr'))).add(v('B_r')).sigmoid();
    this.u = xIn.matmul(v('W_xu')).add(hIn.matmul(v('W_hu'))).add(v('B_u')).sigmoid();
    this.h_reset = this.r.mul(hIn);
    this.h_bar = xIn.matmul(v('W_xh')).add(this.h_reset.matmul(v('W_hh'))).add(v('B_h')).tanh();
    this.H_out = this.u.mul(hIn).add(this.u.neg().add(1).mul(this.h_bar));
    this.X_out = outputForward(this.H_out, params);
    return [this.X_out, this.H_out];
  }

  backward(xOutGrad: Tensor, hOutGrad: Tensor, params: Params): [Tensor, Tensor] {
    const v = (k: string): Tensor => params[k]!.value;
    const add = (k: string, g: Tensor): void => accumulate(params[k]!, g, `GRUNode: ${k}`);
    const dhOut = outputBackward('GRUNode', this.H_out, this.X_out, xOutGrad, hOutGrad, params);
    const duInt = dhOut.mul(this.H_in.sub(this.h_bar)).mul(dsigmoidOf(this.u));
    const dhBarInt = dhOut.mul(this.u.neg().add(1)).mul(dtanhOf(this.h_bar));
    add('W_xh', this.X_in.t().matmul(dhBarInt));
    add('W_hh', this.h_reset.t().matmul(dhBarInt));
    add('B_h', dhBarInt.sum(0, true));
    const dhReset = dhBarInt.matmul(v('W_hh').t());
    const drInt = dhReset.mul(this.H_in).mul(dsigmoidOf(this.r));
    for (const [g, d] of [['r', drInt], ['u', duInt]] as const) {
      add(`W_x${g}`, this.X_in.t().matmul(d));
      add(`W_h${g}`, this.H_in.t().matmul(d));
      add(`B_${g}`, d.sum(0, true));
    }
    const dX = drInt.matmul(v('W_xr').t()).add(duInt.matmul(v('W_xu').t())).add(dhBarInt.matmul(v('W_xh').t()));
    const dH = dhOut.mul(this.u).add(dhReset.mul(this.r)).add(drInt.matmul(v('W_hr').t())).add(duInt.matmul(v('W_hu').t()));
    return [dX, dH];
  }
}
