// Weidman ch7's LSTMTrainer: next-character training with nn.LSTM. The text is split 80/20 by
// position; the vocabulary is its characters, sorted (the book's set() order varies between runs).
// Training batches are the chapter 6 windows: batch ii holds rows text[ii + r, ii + r + T) for
// r < B, each targeted by the window one character on (as class indices), and ii advances by B.
// Evaluation cuts the test text into non-overlapping windows of T and runs them as one batch.
import { manualSeed, noGrad, Tensor } from '@groundup/tensor';
import type { Optimizer } from '@groundup/optim';
import type { NextCharacterModel } from './models.ts';
import { PyTorchTrainer, type Criterion } from './trainer.ts';

export interface LSTMFitOptions {
  epochs?: number; evalEvery?: number; batchSize?: number; seed?: number;
  /** Stop an epoch after this many batches (for a quick run; the book trains on all of them). */
  maxBatches?: number;
  /** Log the mean loss of the last 50 batches (the book keeps that deque) every this many batches. */
  progressEvery?: number;
  log?: (line: string) => void;
}

export class LSTMTrainer extends PyTorchTrainer {
  chars: string[] = [];
  charToIdx = new Map<string, number>();
  trainData = '';
  testData = '';
  declare readonly model: NextCharacterModel;

  constructor(model: NextCharacterModel, optim: Optimizer, criterion: Criterion) {
    super(model, optim, criterion);
  }

  get maxLen(): number { return this.model.sequenceLength; }

  /** Trains on the text; returns the validation loss (nats per character) after each evaluated epoch. */
  fitText(data: string, opts: LSTMFitOptions = {}): number[] {
    const { epochs = 10, evalEvery = 1, batchSize = 32, seed = 121718, maxBatches = Infinity, progressEvery = Infinity, log = console.log } = opts;
    const n = data.length, cut = Math.floor(n * 0.8);
    [this.trainData, this.testData] = [data.slice(0, cut), data.slice(cut)];
    this.chars = [...new Set(data)].sort();
    this.charToIdx = new Map(this.chars.map((c, i) => [c, i]));
    manualSeed(seed);
    const losses: number[] = [], recent: number[] = [];
    for (let e = 0; e < epochs; e++) {
      this.model.train();
      let k = 0;
      for (const [xb, yb] of this.generateBatchesNextChar(batchSize)) {
        if (k++ >= maxBatches) break;
        this.optim.zeroGrad();
        const loss = this.loss(this.model.call(xb)[0], yb);
        loss.backward();
        this.optim.step();
        recent.push(loss.item());
        if (recent.length > 50) recent.shift();
        if (k % progressEvery === 0) log(`  batch ${k}: mean loss of the last 50 batches ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(3)}`);
      }
      if ((e + 1) % evalEvery === 0) {
        const [X, y] = this.generateTestData();
        const loss = noGrad(() => this.loss(this.model.call(X)[0], y).item());
        losses.push(loss);
        log(`Validation loss after ${e + 1} epochs is ${loss.toFixed(3)}`);
      }
    }
    return losses;
  }

  /** [B, T, V] one-hot windows and [B, T] next-character indices, while the last row still has a full target. */
  *generateBatchesNextChar(batchSize: number): Generator<[Tensor, Tensor]> {
    const T = this.maxLen, N = this.trainData.length;
    for (let ii = 0; ii < N && ii + batchSize - 1 + T + 1 <= N; ii += batchSize) {
      const rows = Array.from({ length: batchSize }, (_, r) => this.trainData.slice(ii + r, ii + r + T + 1));
      yield [this.oneHot(rows.map((s) => s.slice(0, T))), this.indices(rows.map((s) => s.slice(1)))];
    }
  }

  /** Non-overlapping windows of the test text, as one batch. */
  generateTestData(): [Tensor, Tensor] {
    const T = this.maxLen, rows: string[] = [];
    for (let s = 0; s + T + 1 <= this.testData.length; s += T) rows.push(this.testData.slice(s, s + T + 1));
    return [this.oneHot(rows.map((r) => r.slice(0, T))), this.indices(rows.map((r) => r.slice(1)))];
  }

  private indices(rows: string[]): Tensor {
    return Tensor.fromData(Int32Array.from(rows.join(''), (c) => this.charToIdx.get(c)!), [rows.length, rows[0]!.length]);
  }

  private oneHot(rows: string[]): Tensor {
    const V = this.chars.length, T = rows[0]!.length;
    const out = new Float32Array(rows.length * T * V);
    rows.forEach((s, b) => { for (let t = 0; t < T; t++) out[(b * T + t) * V + this.charToIdx.get(s[t]!)!] = 1; });
    return Tensor.fromData(out, [rows.length, T, V]);
  }
}
