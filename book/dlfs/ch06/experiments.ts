// Chapter 6's "Putting This All Together": the notebook's character models on the chapter's text,
// each a list of layers, a sequence length, an optimizer and a batch size. The lesson runs them;
// the chapter test runs short versions of them.
import { numpyRandom } from '@groundup/tensor';
import { rnn } from '@groundup/operations';

export interface Experiment {
  title: string;
  /** A legend label. */
  short: string;
  layers: () => rnn.RecurrentLayer[];
  sequenceLength: number;
  optim: () => rnn.RNNOptimizer;
  batchSize: number;
  iterations: number;
}

/** The notebook's runs (vocabulary 62), in its order. */
export const experiments: Experiment[] = [
  { title: 'Vanilla RNN: RNNLayer(256, 62), SGD(0.001) with clipping', short: 'RNN, SGD', layers: () => [new rnn.RNNLayer(256, 62)], sequenceLength: 10,
    optim: () => new rnn.SGD(0.001), batchSize: 32, iterations: 1000 },
  { title: 'LSTM: LSTMLayer(256, 62, 0.01), AdaGrad(0.01)', short: 'LSTM, batch 3', layers: () => [new rnn.LSTMLayer(256, 62, 0.01)], sequenceLength: 25,
    optim: () => new rnn.AdaGrad(0.01), batchSize: 3, iterations: 1000 },
  { title: 'RNNLayer(256, 128, 0.1) + LSTMLayer(256, 62, 0.01), AdaGrad(0.01)', short: 'RNN + LSTM',
    layers: () => [new rnn.RNNLayer(256, 128, 0.1), new rnn.LSTMLayer(256, 62, 0.01)], sequenceLength: 25, optim: () => new rnn.AdaGrad(0.01), batchSize: 32, iterations: 2000 },
  { title: 'LSTMLayer(256, 128, 0.1) + LSTMLayer(256, 62, 0.01), SGD(0.01)', short: 'LSTM + LSTM, SGD',
    layers: () => [new rnn.LSTMLayer(256, 128, 0.1), new rnn.LSTMLayer(256, 62, 0.01)], sequenceLength: 25, optim: () => new rnn.SGD(0.01), batchSize: 32, iterations: 2000 },
  { title: 'GRULayer(256, 128, 0.1) + LSTMLayer(256, 62, 0.01), AdaGrad(0.01)', short: 'GRU + LSTM',
    layers: () => [new rnn.GRULayer(256, 128, 0.1), new rnn.LSTMLayer(256, 62, 0.01)], sequenceLength: 25, optim: () => new rnn.AdaGrad(0.01), batchSize: 32, iterations: 2000 },
];

/** Trains one model on the text from numpy's global RandomState seeded with `seed`, in float64 (the book's) or float32 (twice as fast here). */
export function trainCharModel(text: string, e: Experiment, opts: rnn.RNNTrainOptions & { iterations?: number; seed?: number; dtype?: 'float32' | 'float64' } = {}): { trainer: rnn.RNNTrainer; history: rnn.RNNTrainPoint[] } {
  numpyRandom.seed(opts.seed ?? 20190601);
  const vocab = new Set(text).size;
  const model = new rnn.RNNModel(e.layers(), e.sequenceLength, vocab, new rnn.SoftmaxCrossEntropy());
  const trainer = new rnn.RNNTrainer(text, model, e.optim(), e.batchSize, { dtype: opts.dtype ?? 'float64' });
  const history = trainer.train(opts.iterations ?? e.iterations, opts);
  return { trainer, history };
}
