// A GRU from scratch, trained and compared with the library's nn.GRU (fastai ch12, further
// research Q3). The GRU (Cho et al., 2014) keeps one state h and two gates:
//   reset  r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)       how much of h the candidate sees
//   update z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)       how much of h is kept
//   new    n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn))
//   h' = (1 − z)·n + z·h
// written like the book's refactored LSTMCell: one Linear(ni → 3nh) for the input, one
// Linear(nh → 3nh) for h, chunk(3, 1). Its gate order (r, z, n) is PyTorch's, so the weights of
// nn.GRU copy over unchanged.
import * as nn from '@groundup/nn';
import { Module, ModuleList } from '@groundup/nn';
import { noGrad, stack, zeros, type Tensor } from '@groundup/tensor';

export class GRUCell extends Module<[Tensor, Tensor], Tensor> {
  ih: nn.Linear;
  hh: nn.Linear;
  constructor(readonly ni: number, readonly nh: number) {
    super();
    this.ih = new nn.Linear(ni, 3 * nh);
    this.hh = new nn.Linear(nh, 3 * nh);
  }
  override forward(input: Tensor, h: Tensor): Tensor {
    const [ir, iz, in_] = this.ih.call(input).chunk(3, 1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = this.hh.call(h).chunk(3, 1) as [Tensor, Tensor, Tensor];
    const resetgate = ir.add(hr).sigmoid();
    const updategate = iz.add(hz).sigmoid();
    const newgate = in_.add(resetgate.mul(hn)).tanh();
    // (1 − z)·n + z·h
    return updategate.neg().add(1).mul(newgate).add(updategate.mul(h));
  }
}

/** A GRU's state and output when batch-first: x [bs, sl, ni], h [nLayers, bs, nh] → [out [bs, sl, nh], hN]. */
export type GRULike = Module<[Tensor, Tensor], [Tensor, Tensor]>;

/** Stacked GRU cells over a sequence, batch-first, as nn.GRU(ni, nh, nLayers, batch_first=True). */
export class GRUFromScratch extends Module<[Tensor, Tensor], [Tensor, Tensor]> {
  cells: ModuleList;
  constructor(readonly ni: number, readonly nh: number, readonly nLayers: number) {
    super();
    this.cells = new ModuleList(Array.from({ length: nLayers }, (_, l) => new GRUCell(l === 0 ? ni : nh, nh)));
  }
  override forward(x: Tensor, h0: Tensor): [Tensor, Tensor] {
    let steps = x.unbind(1);
    const hs = ([...this.cells] as GRUCell[]).map((cell, l) => {
      let h = h0.select(0, l);
      steps = steps.map((xt) => (h = cell.call(xt, h)));
      return h;
    });
    return [stack(steps, 1), stack(hs, 0)];
  }

  /** Copies nn.GRU's weights, layer by layer (weight_ih_l{l} into cell l's ih, weight_hh_l{l} into hh, and the biases). */
  loadFromLibrary(gru: nn.GRU): this {
    noGrad(() => ([...this.cells] as GRUCell[]).forEach((cell, l) => {
      const w = gru.layerWeights(l);
      cell.ih.weight.copy_(w.wIh);
      cell.hh.weight.copy_(w.wHh);
      cell.ih.bias!.copy_(w.bIh!);
      cell.hh.bias!.copy_(w.bHh!);
    }));
    return this;
  }
}

/** nn.GRU as a GRULike (its state argument is optional; here it is always given). */
export const libraryGRU = (ni: number, nh: number, nLayers: number): nn.GRU => new nn.GRU(ni, nh, { numLayers: nLayers, batchFirst: true });

/** LMModel6 with a GRU in place of the LSTM: one state tensor [nLayers, bs, nh], detached after each batch. */
export class LMModelGRU extends Module<[Tensor], Tensor> {
  iH: nn.Embedding;
  rnn: GRULike | nn.GRU;
  hO: nn.Linear;
  h: Tensor;
  constructor(vocabSz: number, nHidden: number, nLayers: number, impl: 'scratch' | 'library', bs = 64) {
    super();
    this.iH = new nn.Embedding(vocabSz, nHidden);
    this.rnn = impl === 'scratch' ? new GRUFromScratch(nHidden, nHidden, nLayers) : libraryGRU(nHidden, nHidden, nLayers);
    this.hO = new nn.Linear(nHidden, vocabSz);
    this.h = zeros(nLayers, bs, nHidden);
  }
  override forward(x: Tensor): Tensor {
    const [res, h] = (this.rnn as GRULike).call(this.iH.call(x), this.h);
    this.h = h.detach();
    return this.hO.call(res);
  }
  reset(): void { this.h.zero_(); }
}
