// Fashion-MNIST subsets for the fastai lessons that the book runs on Imagenette (ch16, ch19): a
// seeded random choice of nTrain images from the 60,000 training images and nValid from the
// 10,000 test images, as float32 in 0..1, [N, 1, 28, 28], with int32 labels.
import { fashionMnist, fashionMnistAvailable, FASHION_MNIST_CLASSES } from '@groundup/data';
import { Generator, tensor, type Tensor } from 'groundup';

export interface FashionSubset { trainX: Tensor; trainY: Tensor; validX: Tensor; validY: Tensor; classes: readonly string[] }

let cache: { train: ReturnType<typeof fashionMnist>; test: ReturnType<typeof fashionMnist> } | null = null;

/** A seeded subset (the whole split when the count is at least its size). */
export function fashionSubset(nTrain: number, nValid: number, seed = 42): FashionSubset {
  cache ??= { train: fashionMnist({ split: 'train' }), test: fashionMnist({ split: 'test' }) };
  const g = new Generator(seed);
  const pick = (x: Tensor, y: Tensor, n: number): [Tensor, Tensor] => {
    const N = x.shape[0]!;
    if (n >= N) return [x, y];
    // The first n of a seeded Fisher–Yates shuffle, sorted so the subset keeps the file's order.
    const idx = Array.from({ length: N }, (_, i) => i);
    for (let i = 0; i < n; i++) { const j = i + g.randint(0, N - i); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    const sel = tensor(idx.slice(0, n).sort((a, b) => a - b), { dtype: 'int32' });
    return [x.indexSelect(0, sel), y.indexSelect(0, sel)];
  };
  const [trainX, trainY] = pick(cache.train.images, cache.train.labels, nTrain);
  const [validX, validY] = pick(cache.test.images, cache.test.labels, nValid);
  return { trainX, trainY, validX, validY, classes: FASHION_MNIST_CLASSES };
}

export { fashionMnistAvailable };
