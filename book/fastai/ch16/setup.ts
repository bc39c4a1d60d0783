// fastai ch16's experiments on data we have offline. The book trains a ResNet-34 from scratch on
// Imagenette (3 epochs each); here a small CNN with BatchNorm (fastai's ConvLayer: conv, batchnorm,
// ReLU; four of them with stride 2, then pooling and a linear head) trains on a Fashion-MNIST
// subset. The optimizers are the book's, built from stepper functions on the generic Optimizer.
import { Generator, manualSeed, type Tensor } from 'groundup';
import { DataLoader, DataLoaders, TensorDataset } from '@groundup/data';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, F, Flatten, Linear, ReLU, Sequential } from '@groundup/nn';
import { averageGrad, averageSqrGrad, momentumStep, Optimizer, rmsPropStep, sgdStep } from '@groundup/optim';
import { accuracy, fastaiSGD, Learner, type LearnerOptions, type OptFunc } from '@groundup/learner';
import { fashionSubset } from '../../lib/fashion.ts';

/** Fashion-MNIST's pixel mean and std over the training set. */
export const FASHION_STATS = [0.286, 0.353] as const;

export function fashionLoaders(nTrain: number, nValid: number, seed = 42, bs = 128): DataLoaders<[Tensor, Tensor], [Tensor, Tensor]> {
  const d = fashionSubset(nTrain, nValid, seed);
  const norm = (x: Tensor): Tensor => x.sub(FASHION_STATS[0]).div(FASHION_STATS[1]);
  return new DataLoaders(
    new DataLoader(new TensorDataset(norm(d.trainX), d.trainY) as TensorDataset<[Tensor, Tensor]>, { batchSize: bs, shuffle: true, generator: new Generator(seed) }),
    new DataLoader(new TensorDataset(norm(d.validX), d.validY) as TensorDataset<[Tensor, Tensor]>, { batchSize: 256 }),
  );
}

/** fastai's ConvLayer: a stride-2 3×3 convolution without bias, BatchNorm, ReLU. */
const convLayer = (ni: number, nf: number): Sequential =>
  new Sequential(new Conv2d(ni, nf, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(nf), new ReLU());

/** 28 → 14 → 7 → 4 → 2, pooled: 1 → 16 → 32 → 64 → 128 channels, then Linear(128, 10). */
export function smallCnn(seed: number): Sequential {
  manualSeed(seed);
  return new Sequential(convLayer(1, 16), convLayer(16, 32), convLayer(32, 64), convLayer(64, 128), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(128, 10));
}

/** The book's get_learner(**kwargs): cross-entropy, accuracy, and the optimizer asked for. */
export function getLearner(dls: DataLoaders<[Tensor, Tensor], [Tensor, Tensor]>, seed: number, opts: Partial<LearnerOptions> = {}): Learner<Sequential> {
  return new Learner(dls, smallCnn(seed), { lossFunc: F.crossEntropy, metrics: [accuracy], ...opts });
}

/** opt_func = partial(Optimizer, cbs=[sgd_cb]) */
export const sgdOpt: OptFunc = (params, { lr }) => new Optimizer(params, [sgdStep], { lr });
/** opt_func = partial(Optimizer, cbs=[average_grad, momentum_step], mom=0.9): avg ← mom·avg + grad, as the book's code (no dampening). */
export const momentumOpt: OptFunc = (params, { lr }) => new Optimizer(params, [averageGrad(), momentumStep], { lr, mom: 0.9 });
/** opt_func = partial(Optimizer, cbs=[average_sqr_grad, rms_prop_step], sqr_mom=0.99, eps=1e-7): sqr ← sqrMom·sqr + grad², as the book's code. */
export const rmsPropOpt: OptFunc = (params, { lr }) => new Optimizer(params, [averageSqrGrad({ dampening: false }), rmsPropStep], { lr, sqrMom: 0.99, eps: 1e-7 });

export interface Run { name: string; call: string; book: number; optFunc?: OptFunc; run: (learn: Learner<Sequential>, epochs: number) => void }
/** The five runs of the chapter, as the book calls them (3 epochs there). */
export const RUNS: Run[] = [
  { name: 'fastai default (Adam)', call: 'fitOneCycle(3, 0.003)', book: 0.5949, run: (l, n) => l.fitOneCycle(n, 0.003) },
  { name: 'plain SGD', call: 'fitOneCycle(3, 0.03, moms [0, 0, 0])', book: 0.4089, optFunc: fastaiSGD, run: (l, n) => l.fitOneCycle(n, 0.03, { moms: [0, 0, 0] }) },
  { name: 'generic Optimizer + sgdStep', call: 'fit(3, 0.03)', book: 0.4454, optFunc: sgdOpt, run: (l, n) => l.fit(n, { lr: 0.03 }) },
  { name: '+ momentum (mom 0.9)', call: 'fitOneCycle(3, 0.03)', book: 0.4189, optFunc: momentumOpt, run: (l, n) => l.fitOneCycle(n, 0.03) },
  { name: 'RMSProp', call: 'fitOneCycle(3, 0.003)', book: 0.545, optFunc: rmsPropOpt, run: (l, n) => l.fitOneCycle(n, 0.003) },
];
