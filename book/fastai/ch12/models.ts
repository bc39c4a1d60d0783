// fastai ch12's language models, LMModel1 to LMModel7, line for line as the book writes them
// (nn.Embedding i_h, nn.Linear h_h and h_o become iH, hH and hO; x[:,i] is x.at(':', i)).
import * as nn from '@groundup/nn';
import { F, Module } from '@groundup/nn';
import { add, stack, zeros, type Tensor } from '@groundup/tensor';
import type { RNNOutput } from '@groundup/learner';

/** The explicit model: three tokens in, the fourth predicted; the same three layers reused at each step. */
export class LMModel1 extends Module<[Tensor], Tensor> {
  iH: nn.Embedding;
  hH: nn.Linear;
  hO: nn.Linear;
  constructor(vocabSz: number, nHidden: number) {
    super();
    this.iH = new nn.Embedding(vocabSz, nHidden);
    this.hH = new nn.Linear(nHidden, nHidden);
    this.hO = new nn.Linear(nHidden, vocabSz);
  }
  override forward(x: Tensor): Tensor {
    let h = F.relu(this.hH.call(this.iH.call(x.at(':', 0))));
    h = h.add(this.iH.call(x.at(':', 1)));
    h = F.relu(this.hH.call(h));
    h = h.add(this.iH.call(x.at(':', 2)));
    h = F.relu(this.hH.call(h));
    return this.hO.call(h);
  }
}

/** The same as a loop: our first recurrent neural network. h starts as the scalar 0, which broadcasts. */
export class LMModel2 extends LMModel1 {
  override forward(x: Tensor): Tensor {
    let h: Tensor | number = 0;
    for (let i = 0; i < 3; i++) {
      h = add(h, this.iH.call(x.at(':', i)));
      h = F.relu(this.hH.call(h));
    }
    return this.hO.call(h as Tensor);
  }
}

/** Keeps h across batches, detached after each (truncated backpropagation through time); reset() for ModelResetter. */
export class LMModel3 extends LMModel1 {
  h: Tensor | number = 0;
  override forward(x: Tensor): Tensor {
    for (let i = 0; i < 3; i++) {
      this.h = add(this.h, this.iH.call(x.at(':', i)));
      this.h = F.relu(this.hH.call(this.h));
    }
    const out = this.hO.call(this.h as Tensor);
    this.h = (this.h as Tensor).detach();
    return out;
  }
  reset(): void { this.h = 0; }
}

/** Predicts after every token of a sequence of sl: the output is [bs, sl, vocab]. */
export class LMModel4 extends LMModel3 {
  override forward(x: Tensor): Tensor {
    const outs: Tensor[] = [];
    const sl = x.shape[1]!;
    for (let i = 0; i < sl; i++) {
      this.h = add(this.h, this.iH.call(x.at(':', i)));
      this.h = F.relu(this.hH.call(this.h));
      outs.push(this.hO.call(this.h));
    }
    this.h = (this.h as Tensor).detach();
    return stack(outs, 1);
  }
}

/** Stacked RNNs: nn.RNN with nLayers layers; its state is [nLayers, bs, nHidden]. */
export class LMModel5 extends Module<[Tensor], Tensor> {
  iH: nn.Embedding;
  rnn: nn.RNN;
  hO: nn.Linear;
  h: Tensor;
  constructor(vocabSz: number, nHidden: number, nLayers: number, bs = 64) {
    super();
    this.iH = new nn.Embedding(vocabSz, nHidden);
    this.rnn = new nn.RNN(nHidden, nHidden, { numLayers: nLayers, batchFirst: true });
    this.hO = new nn.Linear(nHidden, vocabSz);
    this.h = zeros(nLayers, bs, nHidden);
  }
  override forward(x: Tensor): Tensor {
    const [res, h] = this.rnn.call(this.iH.call(x), this.h);
    this.h = h.detach();
    return this.hO.call(res);
  }
  reset(): void { this.h.zero_(); }
}

/** The same with nn.LSTM: two state tensors (h and c), each [nLayers, bs, nHidden]. */
export class LMModel6 extends Module<[Tensor], Tensor> {
  iH: nn.Embedding;
  rnn: nn.LSTM;
  hO: nn.Linear;
  h: [Tensor, Tensor];
  constructor(vocabSz: number, nHidden: number, nLayers: number, bs = 64) {
    super();
    this.iH = new nn.Embedding(vocabSz, nHidden);
    this.rnn = new nn.LSTM(nHidden, nHidden, { numLayers: nLayers, batchFirst: true });
    this.hO = new nn.Linear(nHidden, vocabSz);
    this.h = [zeros(nLayers, bs, nHidden), zeros(nLayers, bs, nHidden)];
  }
  override forward(x: Tensor): Tensor {
    const [res, h] = this.rnn.call(this.iH.call(x), this.h);
    this.h = [h[0].detach(), h[1].detach()];
    return this.hO.call(res);
  }
  reset(): void { for (const h of this.h) h.zero_(); }
}

/**
 * The book's Dropout: in training, a Bernoulli(1 − p) mask scaled by 1/(1 − p), so the expected
 * activation is unchanged; in eval, the identity. (nn.Dropout does the same.)
 */
export class Dropout extends Module<[Tensor], Tensor> {
  constructor(readonly p: number) { super(); }
  override forward(x: Tensor): Tensor {
    if (!this.training) return x;
    const mask = zeros(x.shape).bernoulli_(1 - this.p);
    return x.mul(mask.div_(1 - this.p));
  }
}

/**
 * A regularized LSTM (a small AWD-LSTM): dropout on the LSTM's output and weight tying (hO.weight
 * is iH.weight, one Parameter). It returns [pred, raw, dropped] for RNNRegularizer's AR and TAR.
 */
export class LMModel7 extends Module<[Tensor], RNNOutput> {
  iH: nn.Embedding;
  rnn: nn.LSTM;
  drop: nn.Dropout;
  hO: nn.Linear;
  h: [Tensor, Tensor];
  constructor(vocabSz: number, nHidden: number, nLayers: number, p: number, bs = 64) {
    super();
    this.iH = new nn.Embedding(vocabSz, nHidden);
    this.rnn = new nn.LSTM(nHidden, nHidden, { numLayers: nLayers, batchFirst: true });
    this.drop = new nn.Dropout(p);
    this.hO = new nn.Linear(nHidden, vocabSz);
    this.hO.weight = this.iH.weight;
    this.h = [zeros(nLayers, bs, nHidden), zeros(nLayers, bs, nHidden)];
  }
  override forward(x: Tensor): RNNOutput {
    const [raw, h] = this.rnn.call(this.iH.call(x), this.h);
    const out = this.drop.call(raw);
    this.h = [h[0].detach(), h[1].detach()];
    return [this.hO.call(out), raw, out];
  }
  reset(): void { for (const h of this.h) h.zero_(); }
}

/** The book's loss for LMModel4: F.cross_entropy(inp.view(-1, len(vocab)), targ.view(-1)). */
export const lossFunc4 = (vocabSz: number) => (inp: Tensor, targ: Tensor): Tensor => F.crossEntropy(inp.view(-1, vocabSz), targ.view(-1));

/** "Always predict the most common token": the share of targets equal to the most common one. */
export function baseline(targets: Tensor): { token: number; acc: number } {
  const counts = new Map<number, number>();
  for (const t of targets.toFlatArray() as number[]) counts.set(t, (counts.get(t) ?? 0) + 1);
  const [token, n] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  return { token, acc: n / targets.numel() };
}
