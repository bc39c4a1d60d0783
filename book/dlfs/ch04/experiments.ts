// The chapter's MNIST experiments (§3.4 of the spec, from the companion notebook at bfeb647): each
// builds a fresh network and optimizer; all train with batch 60 and seed 20190119 in the network
// and in fit (other seeds can be given, for bands). `book` holds what the 2019 notebook printed on the full MNIST.
import {
  Dense, Linear, MeanSquaredError, NeuralNetwork, ReLU, SGD, SGDMomentum, Sigmoid, SoftmaxCrossEntropy, Tanh, type Optimizer, type WeightInit,
} from '@groundup/operations';

export const SEED = 20190119;
export const BATCH_SIZE = 60;

export interface BookResult {
  /** validation losses printed at each evaluation */
  losses: number[];
  /** the epoch whose evaluation found a higher loss and stopped training, if any */
  stoppedAt?: number;
  /** calc_accuracy_model on the test set, % */
  accuracy: number;
}

export interface Experiment {
  id: string;
  section: string;
  title: string;
  /** the network, seeded with `seed` (the book: 20190119) */
  net: (seed: number) => NeuralNetwork;
  optim: () => Optimizer;
  epochs: number;
  evalEvery: number;
  book?: BookResult;
}

const sce = (): SoftmaxCrossEntropy => new SoftmaxCrossEntropy();
const net = (seed: number, layers: Dense[], loss: NeuralNetwork['loss'] = sce()): NeuralNetwork => new NeuralNetwork(layers, loss, seed);
const tanhLinear = (seed: number, opts: { weightInit?: WeightInit; dropout?: number } = {}): NeuralNetwork =>
  net(seed, [new Dense(89, () => new Tanh(), opts), new Dense(10, () => new Linear(), { weightInit: opts.weightInit })]);
const deep = (seed: number, dropout: number): NeuralNetwork => net(seed, [
  new Dense(178, () => new Tanh(), { weightInit: 'glorot', dropout }),
  new Dense(46, () => new Tanh(), { weightInit: 'glorot', dropout }),
  new Dense(10, () => new Linear(), { weightInit: 'glorot' }),
]);
const linearDecay = (): Optimizer => new SGDMomentum(0.15, { momentum: 0.9, finalLr: 0.05, decayType: 'linear' });
const expDecay = (): Optimizer => new SGDMomentum(0.2, { momentum: 0.9, finalLr: 0.05, decayType: 'exponential' });

export const EXPERIMENTS: Experiment[] = [
  { id: '1', section: 'Softmax Cross Entropy', title: '89 Tanh → 10 Sigmoid, MeanSquaredError, SGD(0.1)',
    net: (seed) => net(seed, [new Dense(89, () => new Tanh()), new Dense(10, () => new Sigmoid())], new MeanSquaredError()),
    optim: () => new SGD(0.1), epochs: 50, evalEvery: 10,
    book: { losses: [0.611, 0.424, 0.388, 0.372, 0.364], accuracy: 72.80 } },
  { id: '2', section: 'Softmax Cross Entropy', title: 'the same with MeanSquaredError(normalize=True)',
    net: (seed) => net(seed, [new Dense(89, () => new Tanh()), new Dense(10, () => new Sigmoid())], new MeanSquaredError(true)),
    optim: () => new SGD(0.1), epochs: 50, evalEvery: 10,
    book: { losses: [0.952], stoppedAt: 20, accuracy: 41.73 } },
  { id: '3', section: 'Softmax Cross Entropy', title: '89 Sigmoid → 10 Linear, SoftmaxCrossEntropy, SGD(0.1)',
    net: (seed) => net(seed, [new Dense(89, () => new Sigmoid()), new Dense(10, () => new Linear())]),
    optim: () => new SGD(0.1), epochs: 130, evalEvery: 1,
    book: { losses: [1.285, 0.970, 0.836, 0.763, 0.712, 0.679, 0.651, 0.631, 0.617, 0.599, 0.588, 0.576, 0.568, 0.557, 0.550, 0.544,
      0.537, 0.533, 0.529, 0.523, 0.517, 0.512, 0.507], stoppedAt: 24, accuracy: 91.04 } },
  { id: '4', section: 'Softmax Cross Entropy', title: '89 ReLU (the companion code\'s always-true mask) → 10 Linear, SCE, SGD(0.1)',
    net: (seed) => net(seed, [new Dense(89, () => new ReLU({ legacyMask: true })), new Dense(10, () => new Linear())]),
    optim: () => new SGD(0.1), epochs: 50, evalEvery: 10,
    book: { losses: [6.413], stoppedAt: 20, accuracy: 71.84 } },
  { id: '4b', section: 'Softmax Cross Entropy', title: '89 ReLU (correct mask, input > 0) → 10 Linear, SCE, SGD(0.1)',
    net: (seed) => net(seed, [new Dense(89, () => new ReLU()), new Dense(10, () => new Linear())]),
    optim: () => new SGD(0.1), epochs: 50, evalEvery: 10 },
  { id: '5', section: 'Softmax Cross Entropy', title: '89 Tanh → 10 Linear, SCE, SGD(0.1)',
    net: (seed) => tanhLinear(seed), optim: () => new SGD(0.1), epochs: 50, evalEvery: 10,
    book: { losses: [0.631, 0.580, 0.561, 0.560, 0.552], accuracy: 90.92 } },
  { id: '6', section: 'Momentum', title: '89 Sigmoid → 10 Linear, SCE, SGDMomentum(0.1, 0.9)',
    net: (seed) => net(seed, [new Dense(89, () => new Sigmoid()), new Dense(10, () => new Linear())]),
    optim: () => new SGDMomentum(0.1, { momentum: 0.9 }), epochs: 50, evalEvery: 1,
    book: { losses: [0.615, 0.489, 0.445], stoppedAt: 4, accuracy: 91.97 } },
  { id: '7', section: 'Momentum', title: '89 Tanh → 10 Linear, SCE, SGDMomentum(0.1, 0.9)',
    net: (seed) => tanhLinear(seed), optim: () => new SGDMomentum(0.1, { momentum: 0.9 }), epochs: 50, evalEvery: 10,
    book: { losses: [0.387, 0.333, 0.316], stoppedAt: 40, accuracy: 95.36 } },
  { id: '8', section: 'Learning Rate Decay', title: '#7 with lr 0.15 → 0.05, linear decay',
    net: (seed) => tanhLinear(seed), optim: linearDecay, epochs: 50, evalEvery: 10,
    book: { losses: [0.389, 0.307, 0.290], stoppedAt: 40, accuracy: 95.98 } },
  { id: '9', section: 'Learning Rate Decay', title: '#7 with lr 0.2 → 0.05, exponential decay',
    net: (seed) => tanhLinear(seed), optim: expDecay, epochs: 50, evalEvery: 10,
    book: { losses: [0.450, 0.342, 0.296], stoppedAt: 40, accuracy: 95.75 } },
  { id: '10', section: 'Weight Initialization', title: '#8 with "glorot" init',
    net: (seed) => tanhLinear(seed, { weightInit: 'glorot' }), optim: linearDecay, epochs: 50, evalEvery: 10,
    book: { losses: [0.299, 0.226], stoppedAt: 30, accuracy: 96.69 } },
  { id: '11', section: 'Weight Initialization', title: '#9 with "glorot" init',
    net: (seed) => tanhLinear(seed, { weightInit: 'glorot' }), optim: expDecay, epochs: 50, evalEvery: 10,
    book: { losses: [0.378, 0.264, 0.259], stoppedAt: 40, accuracy: 96.48 } },
  { id: '11x', section: 'Weight Initialization', title: '#11 with the correct Glorot normal (xavierNormal, std √(2/(n_in + n_out)))',
    net: (seed) => tanhLinear(seed, { weightInit: 'xavierNormal' }), optim: expDecay, epochs: 50, evalEvery: 10 },
  { id: '12', section: 'Dropout', title: '#11 with dropout (keep 0.8) on the hidden layer',
    net: (seed) => tanhLinear(seed, { weightInit: 'glorot', dropout: 0.8 }), optim: expDecay, epochs: 50, evalEvery: 10,
    book: { losses: [0.277, 0.233, 0.203, 0.201], stoppedAt: 50, accuracy: 96.77 } },
  { id: '13', section: 'Dropout', title: 'deep: 178 Tanh (keep .8) → 46 Tanh (keep .8) → 10, glorot, SGDMomentum 0.2 → 0.05 exp.',
    net: (seed) => deep(seed, 0.8), optim: expDecay, epochs: 100, evalEvery: 10,
    book: { losses: [0.315, 0.283, 0.258, 0.225, 0.204, 0.197, 0.175], stoppedAt: 80, accuracy: 97.34 } },
  { id: '14', section: 'Dropout', title: '#13 without dropout',
    net: (seed) => deep(seed, 1), optim: expDecay, epochs: 100, evalEvery: 10,
    book: { losses: [0.448, 0.348, 0.317, 0.302, 0.283, 0.249], stoppedAt: 70, accuracy: 96.08 } },
];
