// The recurrent cells as functions (torch's rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell),
// and one layer of a recurrent net run over a whole sequence. Everything is composed from tensor
// ops, so autograd gives the gradients. Gate order and formulas are PyTorch's:
//   RNN   h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)
//   LSTM  [i, f, g, o] = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh;  c' = σ(f)·c + σ(i)·tanh(g);  h' = σ(o)·tanh(c')
//   GRU   [r, z, n]: r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n);  h' = (1 − z)·n + z·h
//         where x_· = x·W_ihᵀ + b_ih and h_· = h·W_hhᵀ + b_hh, so b_hn stays inside r·(…).
// Per time step: one GEMM for the input projection, one for the hidden projection, and a few
// elementwise ops on the whole gate block (one sigmoid for i, f and o together).
import { ShapeError } from '@groundup/kernels';
import { stack, type Tensor } from '@groundup/tensor';

export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** How many gate blocks of size hidden the weights hold: 1, 4 (i, f, g, o) or 3 (r, z, n). */
export const gateCount = (mode: RNNMode): number => (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1);

/** One layer's (one direction's) parameters in PyTorch's layout: W_ih [G·H, I], W_hh [G·H, H], biases [G·H]. */
export interface RNNWeights { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null }

const affine = (x: Tensor, wT: Tensor, b: Tensor | null): Tensor => (b ? x.matmul(wT).add(b) : x.matmul(wT));
/** b_ih + b_hh, added once to the input projection (RNN and LSTM). */
const sumBias = (w: RNNWeights): Tensor | null => (w.bIh && w.bHh ? w.bIh.add(w.bHh) : w.bIh ?? w.bHh);

/**
 * One time step given the input projection gx = x·W_ihᵀ + b_ih (and, except for the GRU, + b_hh).
 * Returns the new h (and c for the LSTM).
 */
function step(mode: RNNMode, gx: Tensor, h: Tensor, c: Tensor | null, wHhT: Tensor, bHh: Tensor | null, H: number): [Tensor, Tensor | null] {
  switch (mode) {
    case 'RNN_TANH': return [gx.add(h.matmul(wHhT)).tanh(), null];
    case 'RNN_RELU': return [gx.add(h.matmul(wHhT)).relu(), null];
    case 'LSTM': {
      const gates = gx.add(h.matmul(wHhT));
      // One sigmoid over the whole block (i, f and o are three of its four chunks), one tanh for g.
      const [i, f, , o] = gates.sigmoid().chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
      const g = gates.narrow(1, 2 * H, H).tanh();
      const c2 = f.mul(c!).add(i.mul(g));
      return [o.mul(c2.tanh()), c2];
    }
    case 'GRU': {
      const gh = affine(h, wHhT, bHh);
      const [r, z] = gx.narrow(1, 0, 2 * H).add(gh.narrow(1, 0, 2 * H)).sigmoid().chunk(2, 1) as [Tensor, Tensor];
      const n = gx.narrow(1, 2 * H, H).add(r.mul(gh.narrow(1, 2 * H, H))).tanh();
      // (1 − z)·n + z·h, written with one fewer op
      return [n.add(z.mul(h.sub(n))), null];
    }
  }
}

/**
 * One layer in one direction over a sequence x [T, B, I] from h0 [B, H] (and c0 for the LSTM):
 * returns the outputs [T, B, H] and the final state. `reverse` runs from the last step to the first
 * (the backward direction of a bidirectional layer); outputs stay in time order.
 */
export function rnnLayer(mode: RNNMode, x: Tensor, h0: Tensor, c0: Tensor | null, w: RNNWeights, reverse = false): [Tensor, Tensor, Tensor | null] {
  const [outs, h, c] = rnnSteps(mode, x.unbind(0), h0, c0, w, reverse);
  return [stack(outs, 0), h, c];
}

/**
 * rnnLayer on a sequence given as its time steps, each [B, I]; returns the outputs as time steps.
 * Stacked layers pass lists, so no step is ever sliced out of a [T, ...] tensor: the backward of
 * such a slice fills a whole [T, ...] gradient, T times over.
 */
export function rnnSteps(mode: RNNMode, xs: readonly Tensor[], h0: Tensor, c0: Tensor | null, w: RNNWeights, reverse = false): [Tensor[], Tensor, Tensor | null] {
  const T = xs.length, H = w.wHh.shape[1]!;
  const wIhT = w.wIh.t(), wHhT = w.wHh.t();
  // RNN and LSTM add b_ih + b_hh once per step; the GRU keeps b_hh inside r·(h·W_hnᵀ + b_hn).
  const bias = mode === 'GRU' ? w.bIh : sumBias(w);
  const bHh = mode === 'GRU' ? w.bHh : null;
  const outs = new Array<Tensor>(T);
  let h = h0, c = c0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    [h, c] = step(mode, affine(xs[t]!, wIhT, bias), h, c, wHhT, bHh, H);
    outs[t] = h;
  }
  return [outs, h, c];
}

function checkCell(op: string, x: Tensor, h: Tensor, w: RNNWeights): void {
  const I = w.wIh.shape[1]!, H = w.wHh.shape[1]!;
  if (x.ndim !== 2 || x.shape[1] !== I) throw new ShapeError(`${op}: expected input [batch, ${I}], got [${x.shape}]`);
  if (h.ndim !== 2 || h.shape[0] !== x.shape[0] || h.shape[1] !== H)
    throw new ShapeError(`${op}: expected hidden state [${x.shape[0]}, ${H}] for input [${x.shape}], got [${h.shape}]`);
}

/** One step of an Elman cell: tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu). x [B, I], h [B, H]. */
export const rnnTanhCell = (x: Tensor, h: Tensor, w: RNNWeights): Tensor => rnnCellExact(x, h, w, 'RNN_TANH');
export const rnnReluCell = (x: Tensor, h: Tensor, w: RNNWeights): Tensor => rnnCellExact(x, h, w, 'RNN_RELU');

function rnnCellExact(x: Tensor, h: Tensor, w: RNNWeights, mode: 'RNN_TANH' | 'RNN_RELU'): Tensor {
  checkCell(mode === 'RNN_TANH' ? 'rnnTanhCell' : 'rnnReluCell', x, h, w);
  return step(mode, affine(x, w.wIh.t(), sumBias(w)), h, null, w.wHh.t(), null, h.shape[1]!)[0];
}

/** One LSTM step: x [B, I], state [h, c] each [B, H] → [h', c']. */
export function lstmCell(x: Tensor, state: readonly [Tensor, Tensor], w: RNNWeights): [Tensor, Tensor] {
  const [h, c] = state;
  checkCell('lstmCell', x, h, w);
  if (c.ndim !== 2 || c.shape[0] !== h.shape[0] || c.shape[1] !== h.shape[1])
    throw new ShapeError(`lstmCell: expected cell state [${h.shape}] like the hidden state, got [${c.shape}]`);
  const [h2, c2] = step('LSTM', affine(x, w.wIh.t(), sumBias(w)), h, c, w.wHh.t(), null, h.shape[1]!);
  return [h2, c2!];
}

/** One GRU step: x [B, I], h [B, H] → h'. */
export function gruCell(x: Tensor, h: Tensor, w: RNNWeights): Tensor {
  checkCell('gruCell', x, h, w);
  return step('GRU', affine(x, w.wIh.t(), w.bIh), h, null, w.wHh.t(), w.bHh, h.shape[1]!)[0];
}
