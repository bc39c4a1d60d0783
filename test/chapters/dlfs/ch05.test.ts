// Weidman ch5 (CNNs): the loop-based reference convolutions with the chapter's exact integer
// fixtures and its notebook's seeded gradient spot-checks, finite differences with a batch > 1,
// Conv2DOp against the loops, Flatten and pooling, and the chapter's CNN against the companion
// code (bugs fixed, in numpy: scripts/fixtures/dlfs_lincoln.py) on a subset of the npm digits.
import { readFileSync } from 'node:fs';
import { AvgPool2D, Conv2D, Conv2DOp, Flatten, MaxPool2D } from '@groundup/operations';
import { fromArray, numpyRandom, ones, ShapeError, tensor, type Tensor } from 'groundup';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDlfsMnist } from '../../../book/dlfs/ch04/mnist-data.ts';
import { conv1d, conv1dBatch, conv1dBatchSum, conv1dSum, inputGrad1d, inputGrad1dBatch, paramGrad1d, paramGrad1dBatch } from '../../../book/dlfs/ch05/conv1d.ts';
import { computeGrads2d, computeOutput2d, inputGrad, output, paramGrad, paramGrad2d } from '../../../book/dlfs/ch05/conv2d-loops.ts';
import { runCnnExperiment } from '../../../book/dlfs/ch05/cnn-experiment.ts';
import { throwsNamed } from '../../helpers/assert.ts';

const f64 = { dtype: 'float64' } as const;
const near = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
const randn = (...shape: number[]): Tensor => fromArray(numpyRandom.standardNormal(shape));
const bumped = (t: Tensor, idx: number[], by = 1): Tensor => { const c = t.clone(); c.setAt(idx, t.at(...idx).item() + by); return c; };
const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

test('1-D: conv_1d_sum([1,2,3,4,5], [1,1,1]) = 39, input grad [2,3,3,3,2], param grad [10,15,14], checked by bumping', () => {
  const x = [1, 2, 3, 4, 5], w = [1, 1, 1];
  assert.equal(conv1d(x, w), [3, 6, 9, 12, 9]);
  assert.is(conv1dSum(x, w), 39);
  assert.equal(inputGrad1d(x, w), [2, 3, 3, 3, 2]);
  assert.equal(paramGrad1d(x, w), [10, 15, 14]);
  assert.is(conv1dSum([1, 2, 3, 4, 6], w) - 39, 2);
  assert.is(conv1dSum(x, [2, 1, 1]) - 39, 10);
  // A non-symmetric kernel and output gradient: the flip in the input gradient matters.
  const k = [1, -2, 3], g = [0.5, -1, 2, 1, -0.5];
  const loss = (xx: number[], kk: number[]): number => conv1d(xx, kk).reduce((a, v, i) => a + v * g[i]!, 0);
  inputGrad1d(x, k, g).forEach((v, i) => near(v, loss(x.map((u, j) => u + +(i === j)), k) - loss(x, k), 1e-12, `input ${i}`));
  paramGrad1d(x, k, g).forEach((v, i) => near(v, loss(x, k.map((u, j) => u + +(i === j))) - loss(x, k), 1e-12, `param ${i}`));
  throwsNamed(() => inputGrad1d(x, w, [1, 1]), ShapeError, 'inputGrad1d', 'length 2', 'length 5');
});

test('1-D batch: output, sum 133, input grad rows [2,3,3,3,3,3,2], param grad [36,49,48]', () => {
  const b = [[0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]], w = [1, 1, 1];
  assert.equal(conv1dBatch(b, w), [[1, 3, 6, 9, 12, 15, 11], [3, 6, 9, 12, 15, 18, 13]]);
  assert.is(conv1dBatchSum(b, w), 133);
  assert.equal(inputGrad1dBatch(b, w), [[2, 3, 3, 3, 3, 3, 2], [2, 3, 3, 3, 3, 3, 2]]);
  assert.equal(paramGrad1dBatch(b, w), [36, 49, 48]);
  assert.is(conv1dBatchSum([[0, 1, 3, 3, 4, 5, 6], b[1]!], w) - 133, 3);
  assert.is(conv1dBatchSum(b, [1, 1, 2]) - 133, 48);
});

test('the notebook\'s seeded spot-checks (one stream from seed 190220): 2-D and multichannel gradients', () => {
  numpyRandom.seed(190220);
  assert.equal([0, 1, 2, 3, 4].map((i) => numpyRandom.randint(0, [5, 3, 2, 7, 3][i]!)), [4, 0, 0, 2, 2]);
  const imgs = randn(3, 28, 28), param = randn(3, 3);
  const ix = [3, 28, 28].map((n) => numpyRandom.randint(0, n)), px = [3, 3].map((n) => numpyRandom.randint(0, n));
  assert.equal([ix, px], [[0, 6, 18], [0, 2]]);
  const sum2d = (x: Tensor, w: Tensor): number => computeOutput2d(x, w).sum().item();
  const ones3 = ones([3, 28, 28], f64);
  near(computeGrads2d(imgs, ones3, param).at(...ix).item(), -3.184347739859924, 1e-12, '2-D input grad');
  near(sum2d(bumped(imgs, ix), param) - sum2d(imgs, param), -3.1843477398599163, 1e-11, '2-D input bump');
  near(paramGrad2d(imgs, ones3, param).at(...px).item(), 5.533490159230001, 1e-11, '2-D param grad');
  near(sum2d(imgs, bumped(param, px)) - sum2d(imgs, param), 5.53349015923007, 1e-10, '2-D param bump');
  const cImgs = randn(10, 3, 32, 32), cParam = randn(3, 16, 5, 5);
  const ci = cImgs.shape.map((n) => numpyRandom.randint(0, n)), cp = cParam.shape.map((n) => numpyRandom.randint(0, n));
  assert.equal([ci, cp], [[3, 1, 2, 19], [0, 8, 0, 2]]);
  const onesOut = ones([10, 16, 32, 32], f64);
  near(inputGrad(cImgs, onesOut, cParam).at(...ci).item(), 2.3452987587074423, 1e-11, 'multichannel input grad');
  near(paramGrad(cImgs, onesOut, cParam).at(...cp).item(), -47.0912312415532, 1e-10, 'multichannel param grad');
  // Conv2DOp (the kernels' im2col) agrees with the loops on the same batch, with an uneven output gradient.
  const G = randn(10, 16, 32, 32), op = new Conv2DOp(cParam);
  assert.ok(maxDiff(op.forward(cImgs), output(cImgs, cParam)) < 1e-12, 'Conv2DOp output');
  assert.ok(maxDiff(op.backward(G), inputGrad(cImgs, G, cParam)) < 1e-12, 'Conv2DOp input grad');
  assert.ok(maxDiff(op.paramGrad, paramGrad(cImgs, G, cParam)) < 1e-11, 'Conv2DOp param grad');
});

test('finite differences, batch 3, non-square images, a random output gradient: the loops and Conv2DOp', () => {
  numpyRandom.seed(5);
  const x = randn(3, 2, 6, 5), w = randn(2, 4, 3, 3), G = randn(3, 4, 6, 5);
  const L = (xx: Tensor, ww: Tensor): number => output(xx, ww).mul(G).sum().item();
  const gi = inputGrad(x, G, w), gw = paramGrad(x, G, w);
  const op = new Conv2DOp(w);
  op.forward(x);
  const opGi = op.backward(G), eps = 1e-6;
  for (let k = 0; k < 12; k++) {
    const xi = [numpyRandom.randint(0, 3), numpyRandom.randint(0, 2), numpyRandom.randint(0, 6), numpyRandom.randint(0, 5)];
    const wi = [numpyRandom.randint(0, 2), numpyRandom.randint(0, 4), numpyRandom.randint(0, 3), numpyRandom.randint(0, 3)];
    const fdX = (L(bumped(x, xi, eps), w) - L(bumped(x, xi, -eps), w)) / (2 * eps);
    const fdW = (L(x, bumped(w, wi, eps)) - L(x, bumped(w, wi, -eps))) / (2 * eps);
    near(gi.at(...xi).item(), fdX, 1e-7, `loop input grad at [${xi}]`);
    near(opGi.at(...xi).item(), fdX, 1e-7, `Conv2DOp input grad at [${xi}]`);
    near(gw.at(...wi).item(), fdW, 1e-7, `loop param grad at [${wi}]`);
    near(op.paramGrad.at(...wi).item(), fdW, 1e-7, `Conv2DOp param grad at [${wi}]`);
  }
  throwsNamed(() => new Conv2DOp(randn(2, 4, 2, 2)), ShapeError, 'Conv2DOp', 'K odd', '[2,4,2,2]');
  throwsNamed(() => new Conv2DOp(w).forward(randn(3, 5, 6, 5)), ShapeError, 'Conv2DOp', '[batch, 2, H, W]', '[3,5,6,5]');
  throwsNamed(() => new Conv2D(4, 3).forward(randn(3, 30)), ShapeError, 'Conv2D', '[3,30]');
});

test('pooling: the Math notebook\'s A (seed 20190420) → max [[5,6],[9,7]], average [[3.5,4.25],[5,3]]; gradients', () => {
  numpyRandom.seed(20190420);
  const A = fromArray(numpyRandom.randint(0, 10, [4, 4])).double();
  assert.equal(A.toArray(), [[5, 1, 0, 6], [3, 5, 5, 6], [9, 0, 3, 2], [4, 7, 0, 7]]);
  const mp = new MaxPool2D(2), ap = new AvgPool2D(2), A4 = A.view(1, 1, 4, 4);
  assert.equal(mp.forward(A4).view(2, 2).toArray(), [[5, 6], [9, 7]]);
  assert.equal(ap.forward(A4).view(2, 2).toArray(), [[3.5, 4.25], [5, 3]]);
  const g = tensor([[[[1, 2], [3, 4]]]], f64);
  // The top-right window holds 6 twice: the first one takes the gradient (as PyTorch).
  assert.equal(mp.backward(g).view(4, 4).toArray(), [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 4]]);
  assert.equal(ap.backward(g).view(4, 4).toArray(), [[0.25, 0.25, 0.5, 0.5], [0.25, 0.25, 0.5, 0.5], [0.75, 0.75, 1, 1], [0.75, 0.75, 1, 1]]);
  // Odd sizes drop the last row and column, which get no gradient; batch and channels pool separately.
  numpyRandom.seed(3);
  const x = randn(2, 3, 5, 7), G = randn(2, 3, 2, 3);
  for (const pool of [new MaxPool2D(2), new AvgPool2D(2)]) {
    const L = (xx: Tensor): number => pool.forward(xx).mul(G).sum().item();
    pool.forward(x);
    const gx = pool.backward(G);
    assert.equal(gx.shape, [2, 3, 5, 7]);
    for (const idx of [[0, 0, 0, 0], [1, 2, 3, 5], [1, 1, 2, 4], [0, 2, 4, 6], [1, 0, 1, 6]]) {
      const fd = (L(bumped(x, idx, 1e-6)) - L(bumped(x, idx, -1e-6))) / 2e-6;
      near(gx.at(...idx).item(), fd, 1e-6, `${pool.constructor.name} grad at [${idx}]`);
    }
  }
  throwsNamed(() => new MaxPool2D(2).forward(randn(4, 4)), ShapeError, 'MaxPool2D', '[4,4]');
});

test('Conv2D draws its parameter from the stream without re-seeding, [C_in, C_out, K, K], glorot ignoring K²; clone copies it', () => {
  numpyRandom.seed(11);
  const layer = new Conv2D(4, 3, { weightInit: 'glorot', flatten: true, dropout: 0.5 });
  layer.seed = 99; // Dense would re-seed with this; Conv2D must not
  const x = randn(2, 2, 5, 5);
  const y = layer.forward(x, true);
  assert.equal(y.shape, [2, 100]);
  numpyRandom.seed(11);
  randn(2, 2, 5, 5);
  const expected = numpyRandom.normal(0, 2 / 6, [2, 4, 3, 3]);
  assert.ok(maxDiff(layer.params[0]!, fromArray(expected)) === 0);
  assert.equal(layer.operations.map((o) => o.constructor.name), ['Conv2DOp', 'Linear', 'Flatten', 'Dropout']);
  const copy = layer.clone();
  assert.ok(copy.params[0]!.equal(layer.params[0]!) && copy.params[0] !== layer.params[0]);
  assert.ok(copy.forward(x, true).equal(y));
  throwsNamed(() => new Conv2D(4, 4), ShapeError, 'Conv2D', 'odd', '4');
});

test('Flatten: (B, ...) → (B, features) and back', () => {
  const f = new Flatten(), x = randn(2, 3, 4, 4);
  assert.equal(f.forward(x).shape, [2, 48]);
  assert.ok(f.backward(f.output.mul(2)).equal(x.mul(2)));
});

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/dlfs_lincoln.json', import.meta.url), 'utf8')) as {
  conv: { trainEvery: number; testEvery: number; run: { losses: number[]; batchLosses: [number, number][]; accuracy: number } };
};
const data = loadDlfsMnist({ trainEvery: fixture.conv.trainEvery, testEvery: fixture.conv.testEvery });
const first = runCnnExperiment(data, { log: () => {} });

test('the chapter\'s CNN (Conv2D(16, 5, Tanh, keep 0.8) + Dense(10), SGDMomentum(0.1, 0.9), batch 60) matches the companion code', () => {
  // The training is chaotic (lr 0.1, momentum 0.9, losses of 30): last-bit differences between V8's
  // and glibc's tanh/exp grow about 30× per 10 batches, to ~1e-10 after the 17 batches here.
  const f = fixture.conv.run;
  assert.equal(first.batchLosses.map((b) => b.batch), f.batchLosses.map(([b]) => b));
  first.batchLosses.forEach((b, i) => near(b.loss / f.batchLosses[i]![1], 1, 1e-7, `batch ${b.batch} loss`));
  near(first.validationLosses[0]!.loss / f.losses[0]!, 1, 1e-7, 'validation loss');
  assert.is(first.accuracy, f.accuracy);
});

// Band, measured over seeds 20190402 and 1–5 on this subset (1000 training digits, 17 batches,
// 200 test digits): accuracy 64.0, 72.5, 64.0, 77.0, 75.0, 75.0%. One epoch of 17 batches is far
// from the book's 1000 (90.31% on MNIST; 84.5% after our 134 batches), hence the low band; it
// still rules out a conv that does not learn (chance is 10%) or a broken gradient.
test('accuracy after the short epoch lies in the measured band for 3 seeds', () => {
  const accs = [first.accuracy, ...[1, 2].map((seed) => runCnnExperiment(data, { seed, log: () => {} }).accuracy)];
  for (const a of accs) assert.ok(a >= 55 && a <= 88, `accuracy ${a}% outside [55, 88] (seeds 20190402, 1, 2: ${accs})`);
});

test.run();
