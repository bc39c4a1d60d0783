// DataLoader semantics (ch4): batches in order, the letters demo, seeded shuffles (a new
// permutation each epoch, repeatable from a seed; numpy's exactly from a RandomState), dropLast,
// collation rules, TensorDataset, zip, DataLoaders and first.
import { DataError, IndexError, ShapeError } from '@groundup/kernels';
import { Generator, RandomState, arange, manualSeed, randn, tensor, type Tensor } from '@groundup/tensor';
import { ArrayDataset, DataLoader, DataLoaders, TensorDataset, defaultCollate, first, randomPermutation, zip } from '@groundup/data';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ints = (t: Tensor): number[] => t.toFlatArray() as number[];
const letters = 'abcdefghijklmnopqrstuvwxyz';
const isPerm = (xs: number[], n: number): boolean => xs.length === n && [...xs].sort((a, b) => a - b).every((v, i) => v === i);

const s = suite('data DataLoader');

s('range(15), batchSize 5 → 3 batches of int32 tensors, in order', () => {
  const dl = new DataLoader(range(15), { batchSize: 5 });
  assert.is(dl.length, 3);
  const batches = [...dl];
  assert.is(batches.length, 3);
  assert.equal(batches.map(ints), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14]]);
  assert.is(batches[0]!.dtype, 'int32');
});

s('range(15) shuffled: 3 batches of 5 covering every item once', () => {
  const dl = new DataLoader(range(15), { batchSize: 5, shuffle: true, generator: new Generator(1) });
  const batches = [...dl].map(ints);
  assert.equal(batches.map((b) => b.length), [5, 5, 5]);
  assert.ok(isPerm(batches.flat(), 15));
  assert.not.equal(batches.flat(), range(15));
});

s('the letters demo: 26 (index, letter) pairs, batchSize 6, shuffled → 6,6,6,6,2; [indices, letters] that agree', () => {
  const ds = [...letters].map((c, i) => [i, c] as [number, string]);
  const dl = new DataLoader(ds, { batchSize: 6, shuffle: true, generator: new Generator(0) });
  assert.is(dl.length, 5);
  const batches = [...dl];
  assert.equal(batches.map(([i]) => i.shape[0]), [6, 6, 6, 6, 2]);
  for (const [idx, chars] of batches) {
    assert.is(idx.dtype, 'int32');
    assert.ok(Array.isArray(chars) && chars.every((c) => typeof c === 'string'));
    assert.equal(chars, ints(idx).map((i) => letters[i]!));
  }
  assert.ok(isPerm(batches.flatMap(([i]) => ints(i)), 26));
});

s('shuffle: a new permutation each epoch; the same sequence again from the same seed; global manualSeed', () => {
  const make = (seed: number): DataLoader<number, Tensor> => new DataLoader(range(20), { batchSize: 20, shuffle: true, generator: new Generator(seed) });
  const a = make(42), b = make(42);
  const a1 = ints(first(a)), a2 = ints(first(a)), b1 = ints(first(b)), b2 = ints(first(b));
  assert.ok(isPerm(a1, 20) && isPerm(a2, 20));
  assert.not.equal(a1, a2, 'epoch 2 differs from epoch 1');
  assert.equal([a1, a2], [b1, b2], 'repeatable from the seed');
  assert.not.equal(ints(first(make(43))), a1, 'another seed, another order');
  const g = new DataLoader(range(20), { batchSize: 20, shuffle: true });
  manualSeed(7); const g1 = ints(first(g));
  manualSeed(7); assert.equal(ints(first(g)), g1);
});

s("a numpy RandomState gives numpy's permutation: seed 0, permutation(10) = [2 8 4 9 1 6 7 3 0 5]", () => {
  assert.equal(randomPermutation(10, new RandomState(0)), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  const dl = new DataLoader(range(10), { batchSize: 4, shuffle: true, generator: new RandomState(0) });
  assert.equal([...dl].map(ints), [[2, 8, 4, 9], [1, 6, 7, 3], [0, 5]]);
});

s('dropLast drops only a short last batch', () => {
  const ds = range(26);
  assert.is(new DataLoader(ds, { batchSize: 6, dropLast: true }).length, 4);
  assert.equal([...new DataLoader(ds, { batchSize: 6, dropLast: true })].map((b) => b.shape[0]), [6, 6, 6, 6]);
  assert.equal([...new DataLoader(range(24), { batchSize: 6, dropLast: true })].length, 4);
  assert.is(new DataLoader(range(5), { batchSize: 6, dropLast: true }).length, 0);
  assert.equal([...new DataLoader(range(5), { batchSize: 6, dropLast: true })], []);
});

s('ch4: zip(trainX, trainY) items are ([784], [1]); batches stack to [bs, 784], [bs, 1]', () => {
  const x = randn(10, 784), y = tensor([[1], [0], [1], [1], [0], [0], [1], [0], [1], [0]]);
  const dset = zip(x, y);
  assert.is(dset.length, 10);
  const [x0, y0] = dset[0]!;
  assert.equal([x0.shape, y0.shape], [[784], [1]]);
  const [xb, yb] = first(new DataLoader(dset, { batchSize: 4 }));
  assert.equal([xb.shape, yb.shape], [[4, 784], [4, 1]]);
  assert.ok(xb.at(2).equal(x.at(2)));
});

s('Q26: zip([1, 2, 3, 4], "abcd"); unequal lengths are refused', () => {
  assert.equal(zip([1, 2, 3, 4], 'abcd'), [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
  throwsNamed(() => zip([1, 2], 'abc'), DataError, 'different lengths [2, 3]');
});

s('TensorDataset: items are rows; batches gathered at once equal stacked items', () => {
  const x = arange(12).float().reshape(6, 2), y = arange(6);
  const ds = new TensorDataset(x, y);
  assert.is(ds.length, 6);
  const [xi, yi] = ds.getItem(4);
  assert.equal([xi.toArray(), yi.item()], [[8, 9], 4]);
  const fast = [...new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(3) })];
  const slow = [...new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(3), collate: (items) => defaultCollate(items) })];
  assert.is(fast.length, 2);
  fast.forEach(([xb, yb], i) => { assert.ok(xb.equal(slow[i]![0]) && yb.equal(slow[i]![1])); });
  throwsNamed(() => new TensorDataset(x, arange(5)), ShapeError, 'size mismatch', '6 rows', '5');
  throwsNamed(() => ds.getItem(6), IndexError, 'index 6 is out of range for a dataset of 6 items');
});

s('collation: numbers (int → int32, float → float64), booleans, strings, nested tuples, objects', () => {
  assert.is(defaultCollate([1.5, 2]).dtype, 'float64');
  assert.is(defaultCollate([true, false]).dtype, 'bool');
  assert.equal(defaultCollate(['a', 'b']), ['a', 'b']);
  const nested = defaultCollate([[tensor([1, 2]), [3, 'x']], [tensor([4, 5]), [6, 'y']]] as [Tensor, [number, string]][]);
  assert.equal(nested[0].shape, [2, 2]);
  assert.equal(ints(nested[1][0]), [3, 6]);
  assert.equal(nested[1][1], ['x', 'y']);
  const objs = defaultCollate([{ x: tensor([1]), label: 0 }, { x: tensor([2]), label: 1 }]);
  assert.equal(objs.x.shape, [2, 1]);
  assert.equal(ints(objs.label), [0, 1]);
  throwsNamed(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])]), DataError, 'item 1 has shape [3]', 'item 0 has [2]');
  throwsNamed(() => defaultCollate([[1, 2], [1]]), DataError, 'same length');
  throwsNamed(() => defaultCollate([1, 'a'] as unknown[]), DataError, 'item 1 is string but item 0 is number');
  throwsNamed(() => defaultCollate([]), DataError, 'empty');
});

s('a custom collate and a Dataset class', () => {
  const ds = new ArrayDataset(['x', 'yy', 'zzz']);
  const dl = new DataLoader(ds, { batchSize: 2, collate: (items) => items.join('+') });
  assert.equal([...dl], ['x+yy', 'zzz']);
  const custom = { length: 3, getItem: (i: number): [number, number] => [i, i * i] };
  assert.equal([...new DataLoader(custom, { batchSize: 3 })].map(([a, b]) => [ints(a), ints(b)]), [[[0, 1, 2], [0, 1, 4]]]);
});

s('DataLoaders, first and oneBatch', () => {
  const dls = DataLoaders.fromDatasets(range(10), range(4), { batchSize: 3, generator: new Generator(0) });
  assert.ok(dls.train.shuffle && !dls.valid.shuffle);
  assert.equal([dls.train.length, dls.valid.length], [4, 2]);
  assert.equal(ints(dls.valid.oneBatch()), [0, 1, 2]);
  const [t, v] = dls.loaders;
  assert.is(t, dls.train); assert.is(v, dls.valid);
  const plain = new DataLoaders(new DataLoader(range(4)), new DataLoader(range(2)));
  assert.is(plain.train.length, 4);
  assert.is(first('abc'), 'a');
  throwsNamed(() => first([]), DataError, 'empty');
});

s('errors: bad batch size, a bare tensor as dataset', () => {
  throwsNamed(() => new DataLoader(range(3), { batchSize: 0 }), DataError, 'batchSize should be a positive integer, got 0');
  throwsNamed(() => new DataLoader(arange(3) as never), DataError, 'TensorDataset');
});

s.run();

const sh = suite('data DataLoader: the shuffle itself');

sh("the Generator path is numpy's Fisher–Yates: a pinned permutation equals numpy's for the same seed", () => {
  // /usr/bin/python3 -c "import numpy as np; print(np.random.RandomState(42).permutation(20))"
  assert.equal(randomPermutation(20, new Generator(42)), [0, 17, 15, 1, 8, 5, 11, 3, 18, 16, 13, 2, 9, 19, 4, 12, 7, 10, 14, 6]);
  assert.equal(randomPermutation(10, new Generator(0)), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  const dl = new DataLoader(range(10), { batchSize: 5, shuffle: true, generator: new Generator(0) });
  assert.equal([...dl].map(ints), [[2, 8, 4, 9, 1], [6, 7, 3, 0, 5]]);
});

sh('every permutation of 4 items is equally likely (chi-square over 24,000 draws)', () => {
  const g = new Generator(2024), draws = 24_000, counts = new Map<string, number>();
  const place = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
  for (let i = 0; i < draws; i++) {
    const p = randomPermutation(4, g);
    counts.set(p.join(''), (counts.get(p.join('')) ?? 0) + 1);
    p.forEach((v, pos) => place[v]![pos]!++);
  }
  assert.is(counts.size, 24, `all 24 permutations occur (got ${counts.size})`);
  const expected = draws / 24;
  const chi2 = [...counts.values()].reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 49.73, `chi-square ${chi2.toFixed(1)} with 23 degrees of freedom exceeds the 0.1% critical value 49.73`);
  for (const row of place) for (const c of row) assert.ok(Math.abs(c - draws / 4) < 5 * Math.sqrt(draws * (1 / 4) * (3 / 4)), `item/position count ${c} vs ${draws / 4}`);
});

sh('an empty dataset: shuffling raises as PyTorch does; in order it gives no batches', () => {
  throwsNamed(() => new DataLoader([], { shuffle: true }), DataError, 'shuffle: true needs a non-empty dataset', '0 items');
  throwsNamed(() => new DataLoader(new TensorDataset(randn(0, 3), arange(0)), { batchSize: 4, shuffle: true }), DataError, 'num_samples=0');
  throwsNamed(() => DataLoaders.fromDatasets([], range(3)), DataError, 'non-empty dataset');
  assert.equal([...new DataLoader([], { batchSize: 4 })], []);
  const growing: number[] = [];
  const lazy = { get length() { return growing.length; }, getItem: (i: number) => growing[i]! };
  growing.push(1);
  const dl = new DataLoader(lazy, { shuffle: true });
  growing.pop();
  throwsNamed(() => [...dl], DataError, 'non-empty dataset');
});

sh.run();
