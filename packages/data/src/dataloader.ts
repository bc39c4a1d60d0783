// DataLoader (ch4, PyTorch): batches of a dataset, in order or in a fresh seeded permutation each
// epoch, collated position by position; the last partial batch is kept unless dropLast.
//   const dl = new DataLoader(zip(xs, ys), { batchSize: 256, shuffle: true, generator: new Generator(42) });
//   for (const [xb, yb] of dl) { ... }
import { DataError } from '@groundup/kernels';
import { Generator, RandomState, defaultGenerator } from '@groundup/tensor';
import { defaultCollate, type Collated } from './collate.ts';
import { asDataset, isBatchDataset, type Dataset, type DatasetLike } from './dataset.ts';

export interface DataLoaderOptions<T, B> {
  /** items per batch, default 1 (as in PyTorch) */
  batchSize?: number;
  /** a new permutation of the items for every epoch (every for..of) */
  shuffle?: boolean;
  /** leave out the last batch when it is smaller than batchSize */
  dropLast?: boolean;
  /**
   * where permutations come from: a Generator (default: the global one, so manualSeed makes runs
   * repeatable), or a numpy RandomState, whose permutation(n) is numpy's exactly.
   */
  generator?: Generator | RandomState;
  /** items → batch; default defaultCollate */
  collate?: (items: T[]) => B;
}

/** A random permutation of 0..n−1 drawn as numpy's shuffle does (Fisher–Yates from the end). */
export function randomPermutation(n: number, generator: Generator | RandomState = defaultGenerator): number[] {
  if (generator instanceof RandomState) return Array.from(generator.permutation(n).data);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.randint(0, i + 1);
    const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t;
  }
  return idx;
}

export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | RandomState | undefined;
  private readonly collate: ((items: T[]) => B) | undefined;

  constructor(dataset: DatasetLike<T>, { batchSize = 1, shuffle = false, dropLast = false, generator, collate }: DataLoaderOptions<T, B> = {}) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`DataLoader: batchSize should be a positive integer, got ${batchSize}`);
    this.dataset = asDataset(dataset);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
    this.checkShuffleable();
  }

  /** As PyTorch's RandomSampler: shuffling an empty dataset is an error, not an epoch without batches (whose mean loss is NaN). */
  private checkShuffleable(): void {
    if (this.shuffle && this.dataset.length === 0)
      throw new DataError('DataLoader: shuffle: true needs a non-empty dataset, but it has 0 items (PyTorch: "num_samples should be a positive integer value, but got num_samples=0"); check how the dataset was built or split');
  }

  /** The number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The item order of one epoch (a new permutation on each call when shuffling). */
  epochIndices(): number[] {
    const n = this.dataset.length;
    this.checkShuffleable();
    return this.shuffle ? randomPermutation(n, this.generator ?? defaultGenerator) : Array.from({ length: n }, (_, i) => i);
  }

  /** The batch made of the items at `indices`. */
  batch(indices: readonly number[]): B {
    const ds = this.dataset;
    if (!this.collate && isBatchDataset(ds)) return ds.getBatch(indices) as B;
    const items = indices.map((i) => ds.getItem(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.epochIndices();
    for (let start = 0; start < order.length; start += this.batchSize) {
      const idx = order.slice(start, start + this.batchSize);
      if (this.dropLast && idx.length < this.batchSize) return;
      yield this.batch(idx);
    }
  }

  /** The first batch of an epoch (fastai's one_batch). */
  oneBatch(): B { return first(this); }
}

/** The first element of an iterable (fastai's first); DataError when it is empty. */
export function first<T>(it: Iterable<T>): T {
  const iter = it[Symbol.iterator]();
  const r = iter.next();
  iter.return?.();
  if (r.done) throw new DataError('first: the iterable is empty');
  return r.value;
}

/** A training and a validation DataLoader (fastai's DataLoaders; ch4, ch19). */
export class DataLoaders<T, B = Collated<T>> {
  constructor(readonly train: DataLoader<T, B>, readonly valid: DataLoader<T, B>) {}

  /** Loaders over two datasets: the training one shuffled (and dropLast if asked), the validation one in order. */
  static fromDatasets<T>(train: DatasetLike<T>, valid: DatasetLike<T>, opts: Omit<DataLoaderOptions<T, Collated<T>>, 'shuffle' | 'collate'> = {}): DataLoaders<T> {
    return new DataLoaders(new DataLoader(train, { ...opts, shuffle: true }), new DataLoader(valid, { ...opts, shuffle: false, dropLast: false }));
  }

  /** [train, valid], so `const [trainDl, validDl] = dls.loaders`. */
  get loaders(): [DataLoader<T, B>, DataLoader<T, B>] { return [this.train, this.valid]; }
}
