// fastai ch19, "A fastai Learner from Scratch": the deterministic checks of shared/book/fastai.md
// §16.1 item 13 (parameter counts 2 / 4 / 10, loader length 74 for the book's 9,469 images at
// batch size 128, the shapes [128, 64, 64, 3] → [128, 4, 64, 64] and [128, 10], log-softmax
// naive = stable), the loss and the two schedulers, and the from-scratch Learner's accuracy after
// one epoch on a Fashion-MNIST subset in a measured band.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, manualSeed, randn, tensor, zeros } from 'groundup';
import { F } from '@groundup/nn';
import { fashionMnistAvailable, fashionSubset } from '../../../book/lib/fashion.ts';
import { channelStats, collate, DataLoader, DataLoaders, Dataset, Normalize, tfmX } from '../../../book/fastai/ch19/data.ts';
import { crossEntropy, logSoftmax, logSoftmaxNaive, logSoftmaxSum, logsumexp, nll } from '../../../book/fastai/ch19/loss.ts';
import { ConvLayer, Linear, Module, simpleCnn } from '../../../book/fastai/ch19/module.ts';
import { Callback, Learner, LRFinder, OneCycle, SetupLearnerCB, TrackResults } from '../../../book/fastai/ch19/learner.ts';

const det = suite('ch19 deterministic checks (§16.1 item 13)');
det('parameter counts: ConvLayer 2, a module with a ConvLayer and a Linear 4, simple_cnn 10', () => {
  assert.is(new ConvLayer(3, 4).parameters().length, 2);
  assert.is(new ConvLayer(3, 4, 1, false).parameters().length, 1);
  class T extends Module { c = new ConvLayer(3, 4); l = new Linear(4, 2); }
  assert.is(new T().parameters().length, 4);
  assert.is(simpleCnn().parameters().length, 10);
  const m = simpleCnn();
  m.training = true;
  assert.ok((m as unknown as { layers: Module[] }).layers.every((l) => l.training), 'training propagates to the children');
});
det('loader length ceil(n/bs): 74 for 9,469 items at 128, 16 for 3,925 at 256', () => {
  const ds = new Dataset(zeros(9469, 1, 1, 1), zeros([9469], { dtype: 'int32' }));
  assert.is(new DataLoader(ds, 128).length, 74);
  assert.is(new DataLoader(new Dataset(zeros(3925, 1, 1, 1), zeros([3925], { dtype: 'int32' })), 256).length, 16);
  assert.is([...new DataLoader(ds, 128)].length, 74);
});
det('the book\'s shapes: a batch [128, 64, 64, 3]; ConvLayer(3, 4) → [128, 4, 64, 64]; simple_cnn → [128, 10]', () => {
  manualSeed(0);
  const ds = new Dataset(randn(130, 3, 64, 64), arange(130).remainder(10).int());
  const [xb, yb] = collate(Array.from({ length: 128 }, (_, i) => i), ds);
  assert.equal(xb.shape, [128, 64, 64, 3]);
  assert.equal(yb.shape, [128]);
  const tfm = tfmX(new Normalize(channelStats(xb)));
  const x = tfm(xb);
  assert.equal(x.shape, [128, 3, 64, 64]);
  assert.ok(Math.abs(x.mean().item()) < 1e-5 && Math.abs(x.std().item() - 1) < 1e-3, 'normalised');
  assert.equal(new ConvLayer(3, 4).call(x).shape, [128, 4, 64, 64]);
  assert.equal(simpleCnn().call(x).shape, [128, 10]);
  assert.equal(new Linear(4, 2).call(zeros(3, 4).add(1)).shape, [3, 2]);
});
det('log-softmax three ways agree; only the stable ones survive large activations; nll and cross entropy match F', () => {
  manualSeed(0);
  const r = randn(5);
  assert.ok(logSoftmaxNaive(r).allclose(logSoftmax(r), 1e-5, 1e-6));
  assert.ok(logSoftmaxSum(r).allclose(logSoftmax(r), 1e-5, 1e-6));
  const big = tensor([[100, 200, 300]]);
  assert.ok(logSoftmaxNaive(big).isnan().any().item() === 1, 'exp(300) overflows float32');
  assert.equal(logSoftmax(big).toArray(), [[-200, -100, 0]]);
  assert.ok(Math.abs(logsumexp(big).item() - 300) < 1e-4);
  const preds = randn(8, 10), y = tensor([0, 1, 2, 3, 4, 5, 6, 7], { dtype: 'int32' });
  assert.ok(Math.abs(nll(logSoftmax(preds), y).item() - F.nllLoss(preds.logSoftmax(-1), y).item()) < 1e-6);
  assert.ok(Math.abs(crossEntropy(preds, y).item() - F.crossEntropy(preds, y).item()) < 1e-6);
});
det('OneCycle: linear from base/10 to base over 25% of the batches, then linear to 0; LRFinder: ×1.2 per batch from 1e-6', () => {
  const dl = new DataLoader(new Dataset(zeros(40, 1, 4, 4), zeros([40], { dtype: 'int32' })), 10);
  const model = new Linear(16, 10);
  // The items are [4, 4, 1] images; a callback flattens each batch for the Linear model.
  class Flatten extends Callback { override beforeBatch(): void { const [x, y] = this.learner.batch; this.learner.batch = [x.reshape(x.shape[0]!, -1), y]; } }
  const oc = new OneCycle(0.1);
  new Learner(model, new DataLoaders(dl, dl), crossEntropy, 0.1, [new Flatten(), oc]).fit(2);
  assert.is(oc.lrs.length, 8);
  const want = [0.01, 0.01 + 0.09 * 0.5, 0.1, 0.1 * (1 - 1 / 6), 0.1 * (1 - 2 / 6), 0.1 * (1 - 3 / 6), 0.1 * (1 - 4 / 6), 0.1 * (1 - 5 / 6)];
  oc.lrs.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `batch ${i}: ${v} vs ${want[i]}`));
  const lf = new LRFinder();
  new Learner(new Linear(16, 10), new DataLoaders(dl, dl), crossEntropy, 0.1, [new Flatten(), lf]).fit(1);
  lf.lrs.forEach((v, i) => assert.ok(Math.abs(v - 1e-6 * 1.2 ** (i + 1)) < 1e-15, `lr ${i}`));
});
det.run();

const av = fashionMnistAvailable();
const stat = suite('ch19 the from-scratch Learner on Fashion-MNIST');
if (!av.ok) stat.skip(`needs Fashion-MNIST: ${av.reason.replace(/\n/g, ' ')}`, () => {});
else stat('simple_cnn, SGD lr 0.1, fit(1) on 2,048 images (16 batches): valid accuracy in [0.30, 0.70]', () => {
  // Measured (seeds 1–5, this setup): valid accuracy 0.428, 0.508, 0.460, 0.509, 0.574 (mean 0.496,
  // sd 0.054); train loss 1.77–2.01. The band is about mean ± 3.5 sd: it fails when learning is
  // broken (chance is 0.10) and passes the spread of seeds and backends. The book, on Imagenette:
  // 0.2991 after a full epoch of 74 batches.
  const d = fashionSubset(2048, 1000, 1);
  manualSeed(1);
  let s = 1;
  const random = (): number => { s = (s * 16807) % 2147483647; return s / 2147483647; };
  const trainDl = new DataLoader(new Dataset(d.trainX, d.trainY), 128, true, random);
  const validDl = new DataLoader(new Dataset(d.validX, d.validY), 256);
  assert.is(trainDl.length, 16);
  const tfm = tfmX(new Normalize(channelStats(trainDl[Symbol.iterator]().next().value![0])));
  const track = new TrackResults(false);
  new Learner(simpleCnn(1), new DataLoaders(trainDl, validDl), crossEntropy, 0.1, [new SetupLearnerCB(tfm), track]).fit(1);
  const [[, tTrain, trainLoss], [, tValid, validLoss, validAcc]] = track.results as [[number, boolean, number, number], [number, boolean, number, number]];
  assert.ok(tTrain && !tValid);
  assert.ok(trainLoss < Math.log(10), `train loss ${trainLoss} below ln 10`);
  assert.ok(validLoss < 2.0, `valid loss ${validLoss}`);
  assert.ok(validAcc >= 0.3 && validAcc <= 0.7, `valid accuracy ${validAcc}`);
});
stat.run();
