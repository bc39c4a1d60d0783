// fastai ch19, "Data": a Dataset, collate and a DataLoader from scratch, and normalisation. The
// book reads Imagenette JPEGs as [64, 64, 3] float tensors; here an item is a Fashion-MNIST image
// as [28, 28, 1] (height, width, channels, as the book's PIL images) with its label.
import { stack, tensor, type Tensor } from 'groundup';

export type Item = [x: Tensor, y: Tensor];

/** Items i of images [N, 1, 28, 28] (0..1) and labels [N], channels last. */
export class Dataset {
  constructor(readonly images: Tensor, readonly labels: Tensor) {}
  get length(): number { return this.images.shape[0]!; }
  getItem(i: number): Item {
    return [this.images.at(i).permute(1, 2, 0), tensor(this.labels.at(i).item(), { dtype: 'int32' })];
  }
}

/** Stacks the items at idxs into [xb, yb]. */
export function collate(idxs: readonly number[], ds: Dataset): Item {
  const items = idxs.map((i) => ds.getItem(i));
  return [stack(items.map(([x]) => x)), stack(items.map(([, y]) => y))];
}

/** Batches of bs items, shuffled each epoch when asked (the book collates in worker processes; this does it inline). */
export class DataLoader implements Iterable<Item> {
  constructor(readonly ds: Dataset, readonly bs = 128, readonly shuffle = false, readonly random: () => number = Math.random) {}
  get length(): number { return Math.floor((this.ds.length - 1) / this.bs) + 1; }
  *[Symbol.iterator](): Iterator<Item> {
    const idxs = Array.from({ length: this.ds.length }, (_, i) => i);
    if (this.shuffle) for (let i = idxs.length - 1; i > 0; i--) { const j = Math.floor(this.random() * (i + 1)); [idxs[i], idxs[j]] = [idxs[j]!, idxs[i]!]; }
    for (let n = 0; n < idxs.length; n += this.bs) yield collate(idxs.slice(n, n + this.bs), this.ds);
  }
}

export class DataLoaders {
  constructor(readonly train: DataLoader, readonly valid: DataLoader) {}
}

/** (x − mean)/std per channel, with stats [mean, std] of shape [c]. */
export class Normalize {
  constructor(readonly stats: [Tensor, Tensor]) {}
  call(x: Tensor): Tensor { return x.sub(this.stats[0]).div(this.stats[1]); }
}

/** Per-channel mean and std of a batch [bs, h, w, c]. */
export function channelStats(xb: Tensor): [Tensor, Tensor] {
  const c = xb.shape[3]!;
  const flat = xb.reshape(-1, c);
  return [flat.mean(0), flat.std(0)];
}

/** The book's tfm_x: normalise, then NHWC → NCHW for the convolutions. */
export const tfmX = (norm: Normalize) => (x: Tensor): Tensor => norm.call(x).permute(0, 3, 1, 2);
