// fastai chapter 19, "A fastai Learner from Scratch": a Dataset, a DataLoader, a module system,
// a CNN, the loss, SGD, and a Learner with callbacks, each written from scratch as the book does;
// then the same model trained with @groundup/learner. Run it with `pnpm chapter fastai/19`.
//
// Data: the book uses Imagenette-160 (9,469 training and 3,925 validation JPEGs at 64×64×3), which
// is not available offline. This lesson takes the same numbers of Fashion-MNIST images (28×28×1,
// 10 classes, Debian's dataset-fashion-mnist), so the loaders have the book's lengths; the book's
// 64×64×3 shapes are shown on one random batch. Fashion-MNIST is far easier than Imagenette, so
// the accuracies are much higher than the book's (printed beside them).
import { manualSeed, randn, saveChart, tensor, type Tensor } from 'groundup';
import { F, init, Conv2d, Linear as NnLinear, ReLU, Sequential as NnSequential, AdaptiveAvgPool2d, Flatten } from '@groundup/nn';
import { DataLoader as NnDataLoader, DataLoaders as NnDataLoaders, TensorDataset } from '@groundup/data';
import { SGD as NnSGD } from '@groundup/optim';
import { accuracy, Learner as NnLearner } from '@groundup/learner';
import { fashionMnistAvailable, fashionSubset } from '../lib/fashion.ts';
import { channelStats, DataLoader, DataLoaders, Dataset, Normalize, tfmX } from './ch19/data.ts';
import { crossEntropy, logSoftmax, logSoftmaxNaive, logSoftmaxSum, logsumexp, nll } from './ch19/loss.ts';
import { ConvLayer, Linear, Module, Parameter, simpleCnn } from './ch19/module.ts';
import { LRFinder, Learner, OneCycle, SetupLearnerCB, TrackResults } from './ch19/learner.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const out = (name: string): string => `out/fastai-19/${name}`;
const f4 = (v: number): string => v.toFixed(4);
const av = fashionMnistAvailable();
if (!av.ok) { console.error(av.reason); process.exit(1); }

console.log('# A fastai Learner from Scratch');
manualSeed(42);

h('Data');
const data = fashionSubset(9469, 3925, 42);
console.log(`Fashion-MNIST in place of Imagenette: ${data.trainX.shape[0]} training and ${data.validX.shape[0]} validation images (the book: 9469 and 3925), classes ${data.classes.join(', ')}`);
h('Dataset', 3);
const trainDs = new Dataset(data.trainX, data.trainY), validDs = new Dataset(data.validX, data.validY);
const [x0, y0] = trainDs.getItem(0);
console.log(`trainDs.getItem(0): x [${x0.shape}] (height, width, channels), y = ${y0.item()} (${data.classes[y0.item()]})   (book: [64, 64, 3], 0)`);
h('collate and DataLoader', 3);
let seed = 1;
const random = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; }; // a seeded shuffle
const trainDl = new DataLoader(trainDs, 128, true, random), validDl = new DataLoader(validDs, 256);
console.log(`train loader: ${trainDl.length} batches of 128, valid: ${validDl.length} of 256   (book: 74 and 16)`);
const [xb, yb] = trainDl[Symbol.iterator]().next().value!;
console.log(`a batch: xb [${xb.shape}], yb [${yb.shape}]   (book: [128, 64, 64, 3], [128])`);
const stats = channelStats(xb);
console.log(`stats of one batch: mean ${stats[0].toString()}, std ${stats[1].toString()}   (book, RGB: (0.4544, 0.4453, 0.4141), (0.2812, 0.2766, 0.2981))`);
const norm = new Normalize(stats);
const tfm = tfmX(norm);
console.log(`tfmX(xb): normalised, NHWC → NCHW: [${tfm(xb).shape}], mean ${f4(tfm(xb).mean().item())}, std ${f4(tfm(xb).std().item())}`);
const dls = new DataLoaders(trainDl, validDl);

h('Module and Parameter');
const p = new Parameter(tensor(3));
console.log(`Parameter(tensor(3)) requires grad: ${p.requiresGrad}`);
const conv = new ConvLayer(3, 4);
console.log(`ConvLayer(3, 4) has ${conv.parameters().length} parameters   (book: 2)`);
const bookBatch = randn(128, 64, 64, 3).permute(0, 3, 1, 2); // the book's batch shape, random values
console.log(`on the book's batch shape [128, 3, 64, 64] it gives [${conv.call(bookBatch).shape}]   (book: [128, 4, 64, 64])`);
const lin = new Linear(4, 2);
console.log(`Linear(4, 2) on ones(3, 4): [${lin.call(randn(3, 4).mul(0).add(1)).shape}]   (book: [3, 2])`);
class T extends Module {
  c = new ConvLayer(3, 4);
  l = new Linear(4, 2);
}
console.log(`a module with a ConvLayer and a Linear assigned as attributes has ${new T().parameters().length} parameters   (book: 4; the Proxy registered them)`);
console.log(`simple_cnn has ${simpleCnn(3).parameters().length} parameter tensors   (book: 10); on the book's batch: [${simpleCnn(3).call(bookBatch).shape}]   (book: [128, 10])`);
const model0 = simpleCnn(1);
const xbN = tfm(xb);
console.log(`our simple_cnn(1) on a Fashion batch: [${model0.call(xbN).shape}] (28 → 14 → 7 → 4 → 2, then pooled)`);
h('A hook', 3);
const seen: string[] = [];
const stat = (o: Tensor): void => { seen.push(`${f4(o.mean().item())} ${f4(o.std().item())}`); };
for (const l of (model0 as unknown as { layers: Module[] }).layers.slice(0, 4)) l.hook = stat;
model0.call(xbN);
console.log(`mean and std after each ConvLayer: ${seen.join(' | ')}   (book: 0.52 0.88 | 0.43 0.83 | 0.44 0.76 | 0.47 0.74)`);
for (const l of (model0 as unknown as { layers: Module[] }).layers) l.hook = null;

h('Loss');
const r = model0.call(xbN);
const sm = logSoftmax(r);
console.log(`log_softmax(r)[0][0] = ${f4(sm.at(0, 0).item())} three ways: naive ${f4(logSoftmaxNaive(r).at(0, 0).item())}, x − log Σ exp ${f4(logSoftmaxSum(r).at(0, 0).item())}, x − logsumexp ${f4(sm.at(0, 0).item())}   (book: −1.2790 on its model)`);
console.log(`logsumexp(r)[0] = ${f4(logsumexp(r).at(0).item())} (ours) = ${f4(r.logsumexp(-1).at(0).item())} (the library's)   (book: 3.9784)`);
const loss0 = nll(sm, yb);
console.log(`nll(log_softmax(r), yb) = ${f4(loss0.item())} = crossEntropy ${f4(crossEntropy(r, yb).item())} = F.crossEntropy ${f4(F.crossEntropy(r, yb).item())}   (book: 2.5666; ln 10 = 2.3026 at random)`);
const small = randn(5);
console.log(`naive and stable log-softmax agree on rand(5): ${logSoftmaxNaive(small).allclose(logSoftmax(small), 1e-5, 1e-6)}`);

h('Learner');
manualSeed(1);
const cbs = (): [SetupLearnerCB, TrackResults] => [new SetupLearnerCB(tfm), new TrackResults()];
console.log('Learner(simple_cnn(), dls, cross_entropy, lr=0.1, cbs=[SetupLearnerCB(), TrackResults()]).fit(1)   (epoch, training, loss, accuracy):');
const [setup, track] = cbs();
const learn = new Learner(simpleCnn(1), dls, crossEntropy, 0.1, [setup, track]);
learn.fit(1);
const [tr, va] = track.results;
console.log(`train ${f4(tr![2])} / ${f4(tr![3])}, valid ${f4(va![2])} / ${f4(va![3])}   (book on Imagenette: train 2.1276 / 0.2315, valid 1.9943 / 0.2991)`);

h('Scheduling the Learning Rate', 3);
const lrfind = new LRFinder();
const learn2 = new Learner(simpleCnn(1), dls, crossEntropy, 0.1, [...cbs(), lrfind]);
console.log('with LRFinder, fit(2) stops when lr passes 10 (or the loss turns NaN):');
learn2.fit(2);
console.log(`it ran ${lrfind.lrs.length} batches, lr up to ${lrfind.lrs.at(-1)!.toExponential(2)}   (book: it stops inside the first epoch; train 2.6336 / 0.1101, valid 2.2307 / 0.1832)`);
// The book plots all but the last two points on log-x; the points past 4× the lowest loss (the
// blow-up) are left out too, or they flatten the rest.
const lowest = Math.min(...lrfind.losses);
const keep = lrfind.lrs.slice(0, -2).map((lr, i) => [lr, lrfind.losses[i]!] as const).filter(([, l]) => l <= 4 * lowest);
console.log(`wrote ${saveChart(out('lr-finder-scratch.svg'), [{ title: 'LR finder from scratch (ch19)', xLabel: 'learning rate (log scale)', yLabel: 'loss', xLog: true, series: [{ x: keep.map(([lr]) => lr), y: keep.map(([, l]) => l) }] }])}`);
const nOne = 3;
const onecyc = new OneCycle(0.1);
const learn3 = new Learner(simpleCnn(1), dls, crossEntropy, 0.1, [...cbs(), onecyc]);
console.log(`OneCycle(0.1).fit(${nOne}) (the book runs 8 epochs and prints no numbers):`);
learn3.fit(nOne);
console.log(`wrote ${saveChart(out('one-cycle-scratch.svg'), [{ title: 'OneCycle from scratch (ch19): linear up, then down', xLabel: 'training batch', yLabel: 'lr', series: [{ x: onecyc.lrs.map((_, i) => i), y: onecyc.lrs }] }])}`);

h('The same with @groundup/learner');
// Normalised NCHW tensors and the library's DataLoader, the same images.
const nrm = (x: Tensor): Tensor => x.sub(stats[0].item()).div(stats[1].item());
const nnDls = new NnDataLoaders(
  new NnDataLoader(new TensorDataset(nrm(data.trainX), data.trainY), { batchSize: 128, shuffle: true }),
  new NnDataLoader(new TensorDataset(nrm(data.validX), data.validY), { batchSize: 256 }),
);
const convLayer = (ni: number, nf: number, act = true): NnSequential => {
  const c = new Conv2d(ni, nf, 3, { stride: 2, padding: 1 });
  init.kaimingNormal_(c.weight);
  init.zeros_(c.bias!);
  return act ? new NnSequential(c, new ReLU()) : new NnSequential(c);
};
const nnCnn = (): NnSequential => new NnSequential(convLayer(1, 16), convLayer(16, 32), convLayer(32, 64), convLayer(64, 128), new AdaptiveAvgPool2d(1), new Flatten(), new NnLinear(128, 10));
manualSeed(1);
const nnLearn = new NnLearner(nnDls, nnCnn(), { lossFunc: F.crossEntropy, optFunc: NnSGD, lr: 0.1, metrics: [accuracy] });
const lr = nnLearn.lrFind({ plot: out('lrFind.svg') });
console.log(`learn.lrFind() on the fresh model: valley ${lr.valley.toExponential(2)}, steep ${lr.steep.toExponential(2)}, minimum/10 ${lr.minimum.toExponential(2)}; wrote ${lr.plot}`);
console.log('it leaves the model as it was; then, as the scratch Learner above, learn.fit(1) at lr 0.1:');
nnLearn.fit(1);
manualSeed(1);
const nnLearn2 = new NnLearner(nnDls, nnCnn(), { lossFunc: F.crossEntropy, optFunc: NnSGD, metrics: [accuracy] });
console.log(`and a fresh model with learn.fitOneCycle(${nOne}, 0.1) (fastai's cosine schedules; the momentum moves 0.95 → 0.85 → 0.95):`);
nnLearn2.fitOneCycle(nOne, 0.1);
console.log(`wrote ${nnLearn2.recorder.plotSched(out('sched.svg'))} and ${nnLearn2.recorder.plotLoss(out('loss.svg'))}`);
