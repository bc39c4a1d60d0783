// fastai ch12's LSTMCell from scratch, in the book's two forms, and a stacked LSTM built from it
// (questionnaire, further research Q2: "write the code for an LSTM from scratch").
//   LSTMCell         four Linear(ni + nh → nh) gates on the concatenation [h, input]:
//                    forget = σ, input = σ, cell = tanh, output = σ;
//                    c ← c·forget + input·cell;  h ← output·tanh(c);  returns [h, [h, c]]
//   LSTMCellChunked  the refactor: Linear(ni → 4nh)(input) + Linear(nh → 4nh)(h), chunk(4, 1),
//                    in the order (in, forget, out) through σ, then cell through tanh.
// loadFromLibrary copies an nn.LSTMCell's weights (PyTorch's layout: rows i, f, g, o of
// weight_ih [4nh, ni] and weight_hh [4nh, nh]) into either form, so the three can be compared.
import * as nn from '@groundup/nn';
import { Module, ModuleList } from '@groundup/nn';
import { cat, noGrad, stack, zeros, type Tensor } from '@groundup/tensor';

export type LSTMState = readonly [Tensor, Tensor];

export class LSTMCell extends Module<[Tensor, LSTMState], [Tensor, LSTMState]> {
  forgetGate: nn.Linear;
  inputGate: nn.Linear;
  cellGate: nn.Linear;
  outputGate: nn.Linear;
  constructor(readonly ni: number, readonly nh: number) {
    super();
    this.forgetGate = new nn.Linear(ni + nh, nh);
    this.inputGate = new nn.Linear(ni + nh, nh);
    this.cellGate = new nn.Linear(ni + nh, nh);
    this.outputGate = new nn.Linear(ni + nh, nh);
  }
  override forward(input: Tensor, state: LSTMState): [Tensor, LSTMState] {
    let [h, c] = state;
    h = cat([h, input], 1);
    const forgetgate = this.forgetGate.call(h).sigmoid();
    c = c.mul(forgetgate);
    const inputgate = this.inputGate.call(h).sigmoid();
    const cellgate = this.cellGate.call(h).tanh();
    c = c.add(inputgate.mul(cellgate));
    const outgate = this.outputGate.call(h).sigmoid();
    h = outgate.mul(c.tanh());
    return [h, [h, c]];
  }
}

export class LSTMCellChunked extends Module<[Tensor, LSTMState], [Tensor, LSTMState]> {
  ih: nn.Linear;
  hh: nn.Linear;
  constructor(readonly ni: number, readonly nh: number) {
    super();
    this.ih = new nn.Linear(ni, 4 * nh);
    this.hh = new nn.Linear(nh, 4 * nh);
  }
  override forward(input: Tensor, state: LSTMState): [Tensor, LSTMState] {
    let [h, c] = state;
    // One big multiplication for all the gates is better than four smaller ones.
    const gates = this.ih.call(input).add(this.hh.call(h)).chunk(4, 1);
    const [ingate, forgetgate, outgate] = gates.slice(0, 3).map((g) => g.sigmoid()) as [Tensor, Tensor, Tensor];
    const cellgate = gates[3]!.tanh();
    c = forgetgate.mul(c).add(ingate.mul(cellgate));
    h = outgate.mul(c.tanh());
    return [h, [h, c]];
  }
}

/** The rows of gate k (0 i, 1 f, 2 g, 3 o) of a PyTorch LSTM weight or bias. */
const gate = (w: Tensor, k: number, nh: number): Tensor => w.narrow(0, k * nh, nh);
const I = 0, F = 1, G = 2, O = 3;

/** Copies the weights of a library cell (or one layer of nn.LSTM) into a from-scratch cell, so both compute the same. */
export function loadFromLibrary(cell: LSTMCell | LSTMCellChunked, w: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor }): void {
  const nh = cell.nh;
  noGrad(() => {
    if (cell instanceof LSTMCell) {
      // A gate sees [h, input], so its weight is [W_hh | W_ih] side by side; both biases add up.
      for (const [lin, k] of [[cell.forgetGate, F], [cell.inputGate, I], [cell.cellGate, G], [cell.outputGate, O]] as const) {
        lin.weight.copy_(cat([gate(w.wHh, k, nh), gate(w.wIh, k, nh)], 1));
        lin.bias!.copy_(gate(w.bIh, k, nh).add(gate(w.bHh, k, nh)));
      }
    } else {
      // The chunks come in the order in, forget, out, cell; PyTorch's rows are i, f, g, o.
      const order = (t: Tensor): Tensor => cat([I, F, O, G].map((k) => gate(t, k, nh)), 0);
      cell.ih.weight.copy_(order(w.wIh));
      cell.ih.bias!.copy_(order(w.bIh));
      cell.hh.weight.copy_(order(w.wHh));
      cell.hh.bias!.copy_(order(w.bHh));
    }
  });
}

/** The weights of an nn.LSTMCell in loadFromLibrary's form. */
export const cellWeights = (c: nn.LSTMCell): { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor } =>
  ({ wIh: c.weightIh, wHh: c.weightHh, bIh: c.biasIh!, bHh: c.biasHh! });

/**
 * A stacked, batch-first LSTM from the cells above: x [bs, sl, ni], state [h, c] each
 * [nLayers, bs, nh] → [output [bs, sl, nh], [hN, cN]], as nn.LSTM(ni, nh, nLayers, batch_first=True).
 */
export class LSTMFromScratch extends Module<[Tensor, LSTMState?], [Tensor, [Tensor, Tensor]]> {
  cells: ModuleList;
  constructor(readonly ni: number, readonly nh: number, readonly nLayers: number) {
    super();
    this.cells = new ModuleList(Array.from({ length: nLayers }, (_, l) => new LSTMCellChunked(l === 0 ? ni : nh, nh)));
  }
  override forward(x: Tensor, state?: LSTMState): [Tensor, [Tensor, Tensor]] {
    const bs = x.shape[0]!;
    const h0 = state?.[0] ?? zeros(this.nLayers, bs, this.nh), c0 = state?.[1] ?? zeros(this.nLayers, bs, this.nh);
    let steps = x.unbind(1);
    const hs: Tensor[] = [], cs: Tensor[] = [];
    ([...this.cells] as LSTMCellChunked[]).forEach((cell, l) => {
      let st: LSTMState = [h0.select(0, l), c0.select(0, l)];
      steps = steps.map((xt) => { const [h, s] = cell.call(xt, st); st = s; return h; });
      hs.push(st[0]);
      cs.push(st[1]);
    });
    return [stack(steps, 1), [stack(hs, 0), stack(cs, 0)]];
  }
}
