// The rnn suite: fastai ch12's LMModel6 trained as the book trains it, beside PyTorch 1.13.
// LMModel6 is Embedding(30, 64) → LSTM(64, 64, 2 layers, batch first) with its state carried across
// batches (detached) → Linear(64, 30), flattened cross entropy, Adam. A case times `batches`
// training steps on [64, 16] token batches, then `validBatches` evaluation forwards without grad:
// one step, or one Human Numbers epoch (49 training batches and 12 validation batches). The tokens
// are random (the time does not depend on them); PyTorch's side is bench/peers/torch_bench.py.
import { Adam, Embedding, F, Linear, LSTM, Module, manualSeed, noGrad, randint, zeros, type Tensor } from 'groundup';
import type { Prepared } from '../lib/measure.ts';
import type { BenchCase, RnnTrainCase } from '../lib/types.ts';
import { torchPeer } from '../peers/torch.ts';
import { activeBackend, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';

class LMModel6 extends Module<[Tensor], Tensor> {
  iH: Embedding;
  rnn: LSTM;
  hO: Linear;
  h: [Tensor, Tensor];
  constructor(vocab: number, hidden: number, layers: number, batch: number) {
    super();
    this.iH = new Embedding(vocab, hidden);
    this.rnn = new LSTM(hidden, hidden, { numLayers: layers, batchFirst: true });
    this.hO = new Linear(hidden, vocab);
    this.h = [zeros(layers, batch, hidden), zeros(layers, batch, hidden)];
  }
  override forward(x: Tensor): Tensor {
    const [res, [h, c]] = this.rnn.call(this.iH.call(x), this.h);
    this.h = [h.detach(), c.detach()];
    return this.hO.call(res);
  }
}

function lmRunner(c: RnnTrainCase): () => void {
  manualSeed(0);
  const model = new LMModel6(c.vocab, c.hidden, c.layers, c.batch);
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const n = Math.max(c.batches, c.validBatches, 1);
  const xs = randint(0, c.vocab, [n, c.batch, c.seqLen]), ys = randint(0, c.vocab, [n, c.batch, c.seqLen]);
  const loss = (i: number): Tensor => F.crossEntropy(model.call(xs.at(i)).view(-1, c.vocab), ys.at(i).reshape(-1));
  return () => {
    model.train();
    for (let i = 0; i < c.batches; i++) {
      loss(i).backward();
      opt.step();
      opt.zeroGrad();
    }
    if (c.validBatches === 0) return;
    model.eval();
    noGrad(() => { for (let i = 0; i < c.validBatches; i++) loss(i); });
  };
}

async function prepareRnn(bk: GroundupBackend, c: BenchCase): Promise<Prepared | null> {
  if (c.kind !== 'rnn') return null;
  return { run: lmRunner(c), threads: bk.threads, ...activeBackend(bk.name) };
}

export const rnnSuite: SuiteDef = {
  name: 'rnn',
  inProcess: async () => groundupImpls(prepareRnn, (c) => c.kind === 'rnn'),
  external: [torchPeer],
};
