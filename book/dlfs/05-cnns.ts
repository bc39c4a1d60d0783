// Weidman, Deep Learning from Scratch, chapter 5 "Convolutional Neural Networks": the convolution
// written as loops (1-D, 2-D, multichannel, with batches, forward and both gradients), checked the
// way the chapter's notebook checks them; the Conv2D operation; pooling; a CNN trained on MNIST.
// Run it with `pnpm chapter dlfs/05` (the CNN epoch takes a few minutes on 2 cores).
import { existsSync, readFileSync } from 'node:fs';
import { AvgPool2D, Conv2DOp, Flatten, MaxPool2D } from '@groundup/operations';
import { fromArray, full, numpyRandom, ones, type Tensor } from 'groundup';
import { saveLineChart } from '../lib/line-chart.ts';
import { saveGrayPng } from '../lib/png.ts';
import { DATA_SOURCE, loadDlfsMnist } from './ch04/mnist-data.ts';
import { conv1d, conv1dBatch, conv1dBatchSum, conv1dSum, inputGrad1d, inputGrad1dBatch, paramGrad1d, paramGrad1dBatch } from './ch05/conv1d.ts';
import { computeGrads2d, computeOutput2d, inputGrad, output, paramGrad, paramGrad2d } from './ch05/conv2d-loops.ts';
import { runCnnExperiment } from './ch05/cnn-experiment.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const out = (name: string): string => `out/dlfs-05/${name}`;
const randn = (...shape: number[]): Tensor => fromArray(numpyRandom.standardNormal(shape));
const bumped = (t: Tensor, idx: number[]): Tensor => { const c = t.clone(); c.setAt(idx, t.at(...idx).item() + 1); return c; };
const list = (xs: number[]): string => `[${xs.join(', ')}]`;

console.log('# Convolutional Neural Networks');

h('Implementing the Multichannel Convolution Operation');
h('The Forward Pass', 3);
const input1d = [1, 2, 3, 4, 5], param1d = [1, 1, 1];
console.log(`conv_1d(${list(input1d)}, ${list(param1d)}) = ${list(conv1d(input1d, param1d))}`);
console.log(`conv_1d_sum = ${conv1dSum(input1d, param1d)}  (book: 39)`);

h('The Backward Pass', 3);
console.log('The notebook seeds 190220 once, then every random choice below follows from that one stream.');
numpyRandom.seed(190220);
const [i1, p1] = [numpyRandom.randint(0, 5), numpyRandom.randint(0, 3)];
console.log(`random input index ${i1}, param index ${p1}  (book: 4, 0)`);
console.log(`input grad ${list(inputGrad1d(input1d, param1d))} (book: [2, 3, 3, 3, 2]); bumping input[${i1}] by 1 adds ${conv1dSum(input1d.map((v, i) => v + +(i === i1)), param1d) - conv1dSum(input1d, param1d)}`);
console.log(`param grad ${list(paramGrad1d(input1d, param1d))} (book: [10, 15, 14]); bumping param[${p1}] by 1 adds ${conv1dSum(input1d, param1d.map((v, i) => v + +(i === p1))) - conv1dSum(input1d, param1d)}`);

h('Batches, 2D Convolutions, and Multiple Channels', 3);
const batch = [[0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]];
console.log(`conv_1d_batch = ${JSON.stringify(conv1dBatch(batch, param1d))}; sum ${conv1dBatchSum(batch, param1d)}  (book: 133)`);
const [bi, bj] = [numpyRandom.randint(0, 2), numpyRandom.randint(0, 7)];
const bumpBatch = batch.map((r, i) => r.map((v, j) => v + +(i === bi && j === bj)));
console.log(`input grad ${JSON.stringify(inputGrad1dBatch(batch, param1d))}; bumping [${bi}][${bj}] adds ${conv1dBatchSum(bumpBatch, param1d) - conv1dBatchSum(batch, param1d)}  (book: [0][2], 3)`);
const bp = numpyRandom.randint(0, 3);
console.log(`param grad ${list(paramGrad1dBatch(batch, param1d))} (book: [36, 49, 48]); bumping param[${bp}] adds ${conv1dBatchSum(batch, param1d.map((v, i) => v + +(i === bp))) - conv1dBatchSum(batch, param1d)}  (book: 48)`);

h('2D Convolutions', 3);
const imgs2d = randn(3, 28, 28), param2d = randn(3, 3);
const sum2d = (x: Tensor, w: Tensor): number => computeOutput2d(x, w).sum().item();
const imgGrads = computeGrads2d(imgs2d, ones([3, 28, 28], { dtype: 'float64' }), param2d);
const pg2d = paramGrad2d(imgs2d, ones([3, 28, 28], { dtype: 'float64' }), param2d);
const ix = [numpyRandom.randint(0, 3), numpyRandom.randint(0, 28), numpyRandom.randint(0, 28)];
console.log(`input [${ix}]: bump ${sum2d(bumped(imgs2d, ix), param2d) - sum2d(imgs2d, param2d)}, gradient ${imgGrads.at(...ix).item()}`);
console.log('  (book: [0,6,18]: bump -3.1843477398599163, gradient -3.184347739859924)');
const px = [numpyRandom.randint(0, 3), numpyRandom.randint(0, 3)];
console.log(`param [${px}]: bump ${sum2d(imgs2d, bumped(param2d, px)) - sum2d(imgs2d, param2d)}, gradient ${pg2d.at(...px).item()}`);
console.log('  (book: [0,2]: bump 5.53349015923007, gradient 5.533490159230001)');

h('The Last Element: Adding "Channels"', 3);
const cifarImgs = randn(10, 3, 32, 32), cifarParam = randn(3, 16, 5, 5);
const sumMc = (x: Tensor, w: Tensor): number => output(x, w).sum().item();
const onesOut = ones([10, 16, 32, 32], { dtype: 'float64' });
const ci = cifarImgs.shape.map((n) => numpyRandom.randint(0, n)), cp = cifarParam.shape.map((n) => numpyRandom.randint(0, n));
console.log(`input [${ci}]: bump ${sumMc(bumped(cifarImgs, ci), cifarParam) - sumMc(cifarImgs, cifarParam)}, gradient ${inputGrad(cifarImgs, onesOut, cifarParam).at(...ci).item()}`);
console.log('  (book: [3,1,2,19]: bump 2.345298758707486, gradient 2.3452987587074423)');
console.log(`param [${cp}]: bump ${sumMc(cifarImgs, bumped(cifarParam, cp)) - sumMc(cifarImgs, cifarParam)}, gradient ${paramGrad(cifarImgs, onesOut, cifarParam).at(...cp).item()}`);
console.log('  (book: [0,8,0,2]: bump -47.09123124155292, gradient -47.0912312415532)');

h('Using This Operation to Train a CNN');
h('The Conv2D Operation', 3);
const op = new Conv2DOp(cifarParam);
const G = randn(10, 16, 32, 32); // a non-uniform output gradient: the sum's all-ones gradient hides a missing flip
const maxDiff = (a: Tensor, b: Tensor): string => a.sub(b).abs().max().item().toExponential(1);
console.log(`Conv2DOp vs the loops on [10,3,32,32] ⋆ [3,16,5,5]: output ${maxDiff(op.forward(cifarImgs), output(cifarImgs, cifarParam))}, ` +
  `input grad ${maxDiff(op.backward(G), inputGrad(cifarImgs, G, cifarParam))}, param grad ${maxDiff(op.paramGrad, paramGrad(cifarImgs, G, cifarParam))} (max abs differences)`);
console.log('The companion code\'s Conv2D_Op gets both gradients wrong (no kernel flip; patches mis-paired when batch > 1);');
console.log('the appendix lesson (pnpm chapter dlfs/appendix) puts the bugs back in and shows them failing these checks.');

h('The Flatten Operation', 3);
const flat = new Flatten();
console.log(`Flatten: [10,16,32,32] → [${flat.forward(G).shape}] → back to [${flat.backward(flat.output).shape}]`);

h('Pooling Layers', 3);
numpyRandom.seed(20190420);
const A = fromArray(numpyRandom.randint(0, 10, [4, 4])).double();
console.log(`A (seed 20190420, randint(0, 10, (4, 4))) =\n${A.toString()}`);
const A4 = A.view(1, 1, 4, 4);
console.log(`MaxPool2D(2): ${new MaxPool2D(2).forward(A4).view(2, 2).toString()}  (book: [[5, 6], [9, 7]])`);
console.log(`AvgPool2D(2): ${new AvgPool2D(2).forward(A4).view(2, 2).toString()}  (book: [[3.5, 4.25], [5, 3]])`);
const mp = new MaxPool2D(2);
mp.forward(A4);
console.log(`max pooling sends each window's gradient to its maximum:\n${mp.backward(ones([1, 1, 2, 2], { dtype: 'float64' })).view(4, 4).toString()}`);

h('Experiments', 3);
console.log(`Data: ${DATA_SOURCE}. One epoch is 134 batches of 60 here (1000 in the book), so the`);
console.log('accuracy is printed once, after 100 batches. The book\'s numbers came from its buggy conv, so they are a target, not digits to match.');
const data = loadDlfsMnist();
const r = runCnnExperiment(data, { log: (l) => console.log(`  ${l}`) });
console.log(`The model validation accuracy is: ${r.accuracy.toFixed(2)}%  (book, MNIST 60k: 90.31%; validation loss 3.615; after 100 batches 86.85%)`);
const FULL = new URL('../../test/fixtures/dlfs_lincoln_full.json', import.meta.url);
const series = [{ name: 'groundup', values: r.batchLosses.map((b) => b.loss) }];
if (existsSync(FULL)) {
  const l = (JSON.parse(readFileSync(FULL, 'utf8')) as { conv: { losses: number[]; batchLosses: [number, number][]; batchAccuracies: [number, number][]; accuracy: number } }).conv;
  console.log(`companion code (bugs fixed), same digits: batch losses ${l.batchLosses.map(([, v]) => v.toFixed(3)).join(', ')}`);
  console.log(`  accuracy after 100 batches ${l.batchAccuracies[0]?.[1].toFixed(2)}%, validation loss ${l.losses[0]?.toFixed(3)}, final accuracy ${l.accuracy.toFixed(2)}%`);
  console.log('  (training at lr 0.1 with momentum 0.9 is chaotic: last-bit differences in tanh and exp grow into visible ones over the epoch)');
  series.push({ name: 'companion code', values: l.batchLosses.map(([, v]) => v) });
}
console.log(`wrote ${saveLineChart(out('batch-loss.svg'), 'ch5 CNN: batch loss (inference mode) every 10 batches', 'batch / 10', series)}`);
// The 16 learned 5×5 filters, each scaled to 0..1, on a grey grid of 2 rows of 8.
const filters = r.model.layers[0]!.params[0]!.view(16, 5, 5);
const grid = full([2 * 6 + 1, 8 * 6 + 1], 0.3, { dtype: 'float64' });
for (let k = 0; k < 16; k++) {
  const f = filters.select(0, k);
  grid.narrow(0, 1 + 6 * Math.floor(k / 8), 5).narrow(1, 1 + 6 * (k % 8), 5).copy_(f.sub(f.min()).div(f.max().sub(f.min())));
}
console.log(`wrote ${saveGrayPng(grid, out('filters.png'), 16)} (the 16 learned 5×5 filters, dark = large weights)`);
