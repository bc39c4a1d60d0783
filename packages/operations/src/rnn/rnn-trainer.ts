// RNNTrainer (Weidman ch6): next-character training on a text. The vocabulary is the text's
// characters, sorted (the notebook's set() order changes from run to run). Batch row i is the
// window text[start + i, start + i + T) and its target the same window one character later, so
// rows overlap, offset by one; start advances by the batch size and wraps to 0 near the end.
// Every `sampleEvery` iterations it reports the moving-average loss (over the last 100) and a
// sample generated one character at a time from a copy of the model.
import { ShapeError, Tensor, numpyRandom, zeros, type RandomState } from '@groundup/tensor';
import type { RNNModel } from './rnn-model.ts';
import type { RNNOptimizer } from './rnn-optimizer.ts';

export interface RNNTrainOptions {
  sampleEvery?: number;
  /** Length of each sample (the book: 200). */
  sampleLength?: number;
  /** Called every sampleEvery iterations (and at the first) with the moving-average loss and a sample. */
  onSample?: (iteration: number, movingAverage: number, sample: string) => void;
}
export interface RNNTrainPoint { iteration: number; loss: number; movingAverage: number }

export class RNNTrainer {
  readonly chars: string[];
  readonly vocabSize: number;
  readonly charToIdx: Map<string, number>;
  readonly sequenceLength: number;
  /** The RNG sampleOutput draws from (numpy's global one, as np.random.choice). */
  rng: RandomState = numpyRandom;

  /** The one-hot batches' dtype, and so the model's: float64 (the book's numpy) unless given float32. */
  readonly dtype: 'float32' | 'float64';

  constructor(readonly data: string, readonly model: RNNModel, readonly optim: RNNOptimizer, readonly batchSize = 32, opts: { dtype?: 'float32' | 'float64' } = {}) {
    this.dtype = opts.dtype ?? 'float64';
    this.chars = [...new Set(data)].sort();
    this.vocabSize = this.chars.length;
    this.charToIdx = new Map(this.chars.map((c, i) => [c, i]));
    this.sequenceLength = model.sequenceLength;
    if (model.vocabSize !== this.vocabSize)
      throw new ShapeError(`RNNTrainer: the model was built for ${model.vocabSize} characters but the text has ${this.vocabSize}`);
    if (data.length < this.sequenceLength + batchSize + 1)
      throw new ShapeError(`RNNTrainer: the text has ${data.length} characters, fewer than sequence length + batch size + 1 = ${this.sequenceLength + batchSize + 1}`);
    optim.model = model;
  }

  /** Index windows (B, T) for inputs and targets starting at startPos. */
  generateInputsTargets(startPos: number): [Int32Array[], Int32Array[]] {
    const T = this.sequenceLength, idx = (s: string): Int32Array => Int32Array.from(s, (c) => this.charToIdx.get(c)!);
    const inputs: Int32Array[] = [], targets: Int32Array[] = [];
    for (let i = 0; i < this.batchSize; i++) {
      inputs.push(idx(this.data.slice(startPos + i, startPos + i + T)));
      targets.push(idx(this.data.slice(startPos + 1 + i, startPos + 1 + i + T)));
    }
    return [inputs, targets];
  }

  /** (B, T, V) one-hot, in the trainer's dtype. */
  generateOneHotArray(indices: readonly Int32Array[]): Tensor {
    const T = indices[0]!.length, V = this.vocabSize;
    const out = this.dtype === 'float64' ? new Float64Array(indices.length * T * V) : new Float32Array(indices.length * T * V);
    indices.forEach((seq, b) => seq.forEach((c, t) => { out[(b * T + t) * V + c] = 1; }));
    return Tensor.fromData(out, [indices.length, T, V]);
  }

  /** Feeds a copy of the model one character at a time, sampling each next one from its softmax. */
  sampleOutput(inputChar: number, sampleLength: number): string {
    const m = this.model.clone(), V = this.vocabSize;
    let c = inputChar, text = '';
    for (let i = 0; i < sampleLength; i++) {
      const x = zeros([1, 1, V], { dtype: this.dtype });
      x.data[c] = 1;
      // softmax in float64, so the probabilities sum to 1 as closely as choice() demands
      const p = m.forward(x).double().softmax(-1).dataSync() as Float64Array;
      c = this.rng.choice(V, undefined, true, p);
      text += this.chars[c];
    }
    return text;
  }

  train(numIterations: number, opts: RNNTrainOptions = {}): RNNTrainPoint[] {
    const { sampleEvery = 100, sampleLength = 200, onSample } = opts;
    const T = this.sequenceLength, B = this.batchSize;
    const window: number[] = [], history: RNNTrainPoint[] = [];
    let start = 0;
    for (let it = 0; it < numIterations; it++) {
      if (start + T + B + 1 > this.data.length) start = 0;
      const [xi, yi] = this.generateInputsTargets(start);
      const loss = this.model.singleStep(this.generateOneHotArray(xi), this.generateOneHotArray(yi));
      this.optim.step();
      window.push(loss);
      if (window.length > 100) window.shift();
      const movingAverage = window.reduce((a, b) => a + b, 0) / window.length;
      start += B;
      history.push({ iteration: it, loss, movingAverage });
      if (onSample && it % sampleEvery === 0) onSample(it, movingAverage, this.sampleOutput(this.charToIdx.get(this.data[start]!)!, sampleLength));
    }
    return history;
  }
}
