// The companion notebook's GRUNode, bugs kept (book/weidman.md §2.6), to show what the
// finite-difference check catches: its forward builds the update gate u from the reset gate's
// projections (X·W_xr + H·W_hr + B_u), and its backward starts from H_out_grad alone, dropping the
// output projection's gradient and the direct path dH_in += u⊙dh. The library's rnn.GRUNode
// implements the intended math.
import type { Tensor } from '@groundup/tensor';
import { rnn } from '@groundup/operations';

export class NotebookGRUNode extends rnn.GRUNode {
  override forward(xIn: Tensor, hIn: Tensor, params: rnn.Params): [Tensor, Tensor] {
    const v = (k: string): Tensor => params[k]!.value;
    super.forward(xIn, hIn, params); // r, r⊙H and h̄ as intended
    // bug 1: u from the reset projections
    this.u = xIn.matmul(v('W_xr')).add(hIn.matmul(v('W_hr'))).add(v('B_u')).sigmoid();
    this.H_out = this.u.mul(hIn).add(this.u.neg().add(1).mul(this.h_bar));
    this.X_out = this.H_out.matmul(v('W_v')).add(v('B_v'));
    return [this.X_out, this.H_out];
  }

  override backward(xOutGrad: Tensor, hOutGrad: Tensor, params: rnn.Params): [Tensor, Tensor] {
    // bugs 2 and 3: W_v and B_v get their gradients, but dh is H_out_grad alone, and the direct path u⊙dh is left out
    params.W_v!.deriv.add_(this.H_out.t().matmul(xOutGrad));
    params.B_v!.deriv.add_(xOutGrad.sum(0, true));
    const [dX, dH] = super.backward(xOutGrad.mul(0), hOutGrad, params);
    return [dX, dH.sub(hOutGrad.mul(this.u))];
  }
}
