// The DOM-free parts of packages/web, in Node: the packed digits, the splits, the pad's
// preprocessing, the training loop, and the model file trained in Node that the page loads.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MNIST_DIGIT_COUNTS, Tensor, deserializeSafetensors, mnist, mnistFromDigits } from 'groundup';
import { DRAWN_LABELS, rasterize, strokeDigits } from '../../packages/web/e2e/strokes.ts';
import { epochCells } from '../../packages/web/src/epoch-row.ts';
import { evaluate, fitOneCycle, predictProbs, seeded, type FitEvent } from '../../packages/web/src/fit.ts';
import { packDigits, unpackDigits } from '../../packages/web/src/mnist-pack.ts';
import { mnistSplits } from '../../packages/web/src/mnist-split.ts';
import { normalizeImages, simpleCnn } from '../../packages/web/src/model.ts';
import { toMnist } from '../../packages/web/src/preprocess.ts';

const test = suite('web page (Node side)');
const all = mnist({ split: 'all', layout: 'flat' });
const digits = (() => {
  const flat = all.images.dataSync() as Float32Array;
  let at = 0;
  return MNIST_DIGIT_COUNTS.map((c) => flat.subarray(784 * at, 784 * (at += c)));
})();
const data = mnistSplits((split) => mnist({ split }));
const modelFile = new URL('../../packages/web/public/simple-cnn.safetensors', import.meta.url);

test('the packed digits are the npm package\'s, value for value, at one byte a pixel', () => {
  const bytes = packDigits(digits);
  assert.is(bytes.length, 8 + 40 + 1024 + 10000 * 784);
  const back = unpackDigits(bytes);
  back.forEach((d, k) => assert.ok(d.every((v, i) => v === digits[k]![i]), `digit ${k} differs`));
  const valid = mnistFromDigits(back, { split: 'valid' }), want = mnist({ split: 'valid' });
  assert.equal(valid.images.shape, [2000, 1, 28, 28]);
  assert.ok(valid.images.eq(want.images).all().item(), 'mnistFromDigits(unpacked) differs from mnist()');
  assert.throws(() => unpackDigits(bytes.subarray(0, 5000)), /truncated|not a GUMNIST1/);
});

test('the splits are 8,000 / 2,000 digits, normalised to mean ≈ 0 and std ≈ 1', () => {
  assert.equal(data.train.x.shape, [8000, 1, 28, 28]);
  assert.equal(data.valid.y.shape, [2000]);
  assert.ok(Math.abs(data.train.x.mean().item()) < 1e-3);
  assert.ok(Math.abs(data.train.x.std().item() - 1) < 1e-3);
});

test('the pad\'s preprocessing puts a real digit, drawn 10× larger, back where MNIST had it', () => {
  assert.is(toMnist(new Float32Array(280 * 280), 280), null, 'no ink, no image');
  for (const row of [0, 1500, 3000, 4321, 9999]) {
    const img = all.images.at(row).dataSync() as Float32Array;
    const big = new Float32Array(280 * 280);
    for (let y = 0; y < 280; y++) for (let x = 0; x < 280; x++) big[y * 280 + x] = img[Math.floor(y / 10) * 28 + Math.floor(x / 10)]!;
    const back = toMnist(big, 280)!;
    const a = Tensor.fromData(back, [784]), b = Tensor.fromData(img.slice(), [784]);
    const corr = a.sub(a.mean()).mul(b.sub(b.mean())).mean().item() / (a.std(0, { unbiased: false }).item() * b.std(0, { unbiased: false }).item());
    assert.ok(corr > 0.93, `row ${row}: correlation ${corr.toFixed(3)} with the original`);
  }
});

test('fitOneCycle: a seeded run is repeatable and stops after maxSteps', () => {
  const run = (): FitEvent[] => [...fitOneCycle(seeded(7, simpleCnn), data.train, data.valid, { epochs: 1, lrMax: 0.01, batchSize: 32, seed: 7, maxSteps: 3 })];
  const a = run(), b = run();
  assert.equal(a.map((e) => e.kind), ['batch', 'batch', 'batch', 'epoch']);
  assert.equal(a.map((e) => (e.kind === 'batch' ? e.loss : e.accuracy)), b.map((e) => (e.kind === 'batch' ? e.loss : e.accuracy)));
  const last = a[2]!;
  assert.ok(last.kind === 'batch' && last.step === 3 && last.totalSteps === 3);
  assert.equal(epochCells({ epoch: 0, trainLoss: 0.5, validLoss: 0.25, accuracy: 0.9705, seconds: 65 }), ['0', '0.500000', '0.250000', '0.970500', '01:05']);
});

test('the model trained in Node (public/simple-cnn.safetensors) loads strictly and has the accuracy it records', () => {
  const { tensors, metadata } = deserializeSafetensors(new Uint8Array(readFileSync(modelFile)));
  const model = simpleCnn();
  model.loadStateDict(tensors);
  const { accuracy } = evaluate(model, data.valid);
  assert.is(accuracy.toFixed(4), Number(metadata?.['accuracy']).toFixed(4), 'the file\'s recorded accuracy; retrain with `pnpm web:train` if the model changed');
  assert.ok(accuracy >= 0.97, `accuracy ${accuracy}`);
  // the digits the browser test draws, rasterised here as the pad draws them
  for (const label of DRAWN_LABELS) {
    const px = toMnist(rasterize(strokeDigits.find((d) => d.label === label)!.strokes), 280)!;
    const p = predictProbs(model, normalizeImages(Tensor.fromData(px, [1, 1, 28, 28]))).dataSync();
    assert.is(p.indexOf(Math.max(...p)), label, `strokes of a ${label}: probabilities ${Array.from(p, (v) => v.toFixed(2)).join(' ')}`);
  }
});

test.run();
