// Datasets: anything with a length and an item at each index (PyTorch's map-style Dataset).
// A plain array of tuples is one too, as in ch4's `list(zip(xs, ys))`.
import { DataError, IndexError, ShapeError } from '@groundup/kernels';
import { Tensor } from '@groundup/tensor';
import type { Collated } from './collate.ts';

/** A map-style dataset: `length` items, each from getItem(i), usually an (x, y) tuple. */
export interface Dataset<T> {
  readonly length: number;
  getItem(index: number): T;
}
/** A dataset that can also build a whole batch at once (the DataLoader uses it when no collate is given). */
export interface BatchDataset<T> extends Dataset<T> {
  getBatch(indices: readonly number[]): Collated<T>;
}
/** What a DataLoader accepts: a Dataset or an array of items. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

export const isBatchDataset = <T>(ds: Dataset<T>): ds is BatchDataset<T> =>
  typeof (ds as Partial<BatchDataset<T>>).getBatch === 'function';

function checkIndex(who: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`${who}: index ${i} is out of range for a dataset of ${n} items`);
  return i < 0 ? i + n : i;
}

/** A dataset over an array of items. */
export class ArrayDataset<T> implements Dataset<T> {
  constructor(readonly items: readonly T[]) {}
  get length(): number { return this.items.length; }
  getItem(index: number): T { return this.items[checkIndex('ArrayDataset', index, this.items.length)]!; }
}

/** A Dataset for a DataLoader: arrays are wrapped, datasets pass through. */
export function asDataset<T>(ds: DatasetLike<T>): Dataset<T> {
  if (Array.isArray(ds)) return new ArrayDataset(ds as readonly T[]);
  if (ds instanceof Tensor) throw new DataError('DataLoader: a bare Tensor is not a dataset; wrap it: new TensorDataset(x) (or new TensorDataset(x, y))');
  const d = ds as Dataset<T>;
  if (typeof d.getItem !== 'function' || !Number.isInteger(d.length) || d.length < 0)
    throw new DataError('DataLoader: the dataset must be an array or have a non-negative integer `length` and a getItem(i) method');
  return d;
}

/** Rows of tensors that share their first dim: item i is [t0[i], t1[i], ...] (torch's TensorDataset). */
export class TensorDataset<T extends readonly Tensor[] = Tensor[]> implements BatchDataset<T> {
  readonly tensors: T;
  constructor(...tensors: T) {
    if (tensors.length === 0) throw new DataError('TensorDataset: give at least one tensor');
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.ndim === 0) throw new ShapeError(`TensorDataset: tensor ${i} is 0-d; each tensor needs a first (item) dim`);
      if (t.shape[0] !== n) throw new ShapeError(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} rows (shape [${tensors[0]!.shape}]) but tensor ${i} has ${t.shape[0]} (shape [${t.shape}])`);
    });
    this.tensors = tensors;
  }
  get length(): number { return this.tensors[0]!.shape[0]!; }
  getItem(index: number): T {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, i)) as readonly Tensor[] as T;
  }
  /** The rows at `indices` of every tensor, gathered at once (equal to stacking the items). */
  getBatch(indices: readonly number[]): Collated<T> {
    const idx = Tensor.fromData(Int32Array.from(indices, (i) => checkIndex('TensorDataset', i, this.length)), [indices.length]);
    return this.tensors.map((t) => t.indexSelect(0, idx)) as Collated<T>;
  }
}

type Seq = Tensor | string | readonly unknown[];
type ItemOf<S> = S extends Tensor ? Tensor : S extends string ? string : S extends readonly (infer U)[] ? U : never;
const lengthOf = (s: Seq): number => (s instanceof Tensor ? (s.ndim === 0 ? -1 : s.shape[0]!) : s.length);
const itemOf = (s: Seq, i: number): unknown => (s instanceof Tensor ? s.select(0, i) : typeof s === 'string' ? s[i] : s[i]);

/**
 * Python's zip for datasets: zip(xs, ys) is the array of [xs[i], ys[i]] (rows of tensors,
 * characters of strings, elements of arrays). ch4: zip(trainX, trainY); Q26: zip([1, 2, 3, 4], 'abcd').
 * Unlike Python, sequences of different lengths are refused rather than cut to the shortest.
 */
export function zip<A extends readonly Seq[]>(...seqs: A): { -readonly [K in keyof A]: ItemOf<A[K]> }[] {
  if (seqs.length === 0) return [];
  const lens = seqs.map(lengthOf);
  if (lens.some((n) => n < 0)) throw new ShapeError('zip: a 0-d tensor has no items to zip');
  if (lens.some((n) => n !== lens[0])) throw new DataError(`zip: the sequences have different lengths [${lens.join(', ')}]; zip pairs items one to one`);
  return Array.from({ length: lens[0]! }, (_, i) => seqs.map((s) => itemOf(s, i))) as { -readonly [K in keyof A]: ItemOf<A[K]> }[];
}
