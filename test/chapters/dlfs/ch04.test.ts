// Weidman ch4 (extensions) on the Operation framework: each new operation's value and gradient,
// the dropout masks and lr schedules of the companion code, and every chapter experiment against
// the companion code itself (lincoln, ported to numpy in scripts/fixtures/dlfs_lincoln.py) on a
// subset of the npm digits: 2 epochs, every 8th training and every 4th test digit.
import { readFileSync } from 'node:fs';
import {
  Dense, Dropout, generateBatches, initScale, Linear, MeanSquaredError, NeuralNetwork, ReLU, SGD, SGDMomentum, SoftmaxCrossEntropy, Tanh, Trainer,
  type Optimizer,
} from '@groundup/operations';
import { numpyRandom, ones, ShapeError, tensor, type Tensor } from 'groundup';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPERIMENTS } from '../../../book/dlfs/ch04/experiments.ts';
import { loadDlfsMnist } from '../../../book/dlfs/ch04/mnist-data.ts';
import { runExperiment } from '../../../book/dlfs/ch04/run-experiment.ts';
import { throwsNamed } from '../../helpers/assert.ts';

const f64 = { dtype: 'float64' } as const;
const near = (a: number, b: number, rel: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b} (relative tolerance ${rel})`);
const flat = (t: Tensor): number[] => t.contiguous().toFlatArray() as number[];

test('SoftmaxCrossEntropy: the loss is the binary CE summed over classes, the gradient (p − y)/batch', () => {
  const x = [[2, 1, 0.1], [0.5, 2.5, -1]], y = [[1, 0, 0], [0, 1, 0]];
  const loss = new SoftmaxCrossEntropy();
  const value = loss.forward(tensor(x, f64), tensor(y, f64));
  const p = x.map((row) => { const z = row.map(Math.exp), s = z.reduce((a, b) => a + b); return z.map((v) => v / s); });
  const expected = p.flatMap((row, i) => row.map((pj, j) => -y[i]![j]! * Math.log(pj) - (1 - y[i]![j]!) * Math.log(1 - pj))).reduce((a, b) => a + b) / 2;
  near(value, expected, 1e-14, 'loss');
  flat(loss.backward()).forEach((g, k) => near(g, (p.flat()[k]! - y.flat()[k]!) / 2, 1e-13, `grad ${k}`));
  // The clip at eps keeps a confident wrong answer finite: log(1e-9) per class at most.
  const big = new SoftmaxCrossEntropy().forward(tensor([[800, -800]], f64), tensor([[0, 1]], f64));
  near(big, -2 * Math.log(1e-9), 1e-9, 'clipped loss');
});

test('Tanh: G·(1 − out²), checked by central differences', () => {
  const x = tensor([[-1.5, 0.2, 0.9]], f64), g = tensor([[0.3, -1, 2]], f64);
  const op = new Tanh();
  op.forward(x);
  const grad = flat(op.backward(g));
  [-1.5, 0.2, 0.9].forEach((v, i) => near(grad[i]!, ((Math.tanh(v + 1e-6) - Math.tanh(v - 1e-6)) / 2e-6) * flat(g)[i]!, 1e-8, `tanh' ${i}`));
});

test('ReLU: the correct mask is input > 0; legacyMask keeps the companion code\'s always-true mask', () => {
  const x = tensor([[-2, 0, 0.5, 3]], f64), g = tensor([[1, 2, 3, 4]], f64);
  const fixed = new ReLU(), legacy = new ReLU({ legacyMask: true });
  assert.equal(flat(fixed.forward(x)), [0, 0, 0.5, 3]);
  assert.equal(flat(fixed.backward(g)), [0, 0, 3, 4]);
  legacy.forward(x);
  assert.equal(flat(legacy.backward(g)), [1, 2, 3, 4]);
});

test('Dropout keeps with probability keepProb from the global RandomState (seed 7: 11110111111011101101), scales at inference', () => {
  numpyRandom.seed(7);
  const d = new Dropout(0.8);
  const out = d.forward(ones([1, 20], f64).mul(2));
  assert.is(flat(d.mask!).join(''), '11110111111011101101');
  assert.equal(flat(out), flat(d.mask!).map((m) => 2 * m));
  assert.equal(flat(d.backward(ones([1, 20], f64))), flat(d.mask!));
  assert.equal(flat(d.forward(tensor([[1, 2]], f64), true)), [0.8, 1.6]);
  assert.equal(flat(d.backward(tensor([[1, 1]], f64))), [0.8, 0.8]);
  throwsNamed(() => new Dropout(0), RangeError, 'keeping', '(0, 1]');
});

test('init: the book\'s "glorot" is 2/(n_in + n_out) as a std; xavierNormal is its square root; draws follow the seeded stream', () => {
  near(initScale('glorot', 784, 89), 2 / 873, 1e-15, 'glorot');
  near(initScale('xavierNormal', 784, 89), Math.sqrt(2 / 873), 1e-15, 'xavierNormal');
  near(initScale('xavierNormal', 1 * 25, 16 * 25, 25), Math.sqrt(2 / (17 * 25 * 25)), 1e-15, 'conv xavierNormal');
  const layer = new Dense(3, () => new Linear(), { weightInit: 'glorot' });
  layer.seed = 190204;
  layer.forward(ones([1, 4], f64));
  numpyRandom.seed(190204);
  const expected = numpyRandom.normal(0, 2 / 7, [4, 3]).data;
  flat(layer.params[0]!).forEach((w, i) => near(w, expected[i]!, 1e-15, `W ${i}`));
  throwsNamed(() => new Dense(3, () => new Linear(), { dropout: 1.5 }), RangeError, 'keeping');
  throwsNamed(() => new Dense(3).forward(ones([1, 1, 4], f64)), ShapeError, 'Dense', '[1,1,4]', 'flatten');
});

test('SGDMomentum: v = μv + lr·g; p −= v (lr inside the velocity)', () => {
  const W = tensor([[1, 2]], f64);
  const fake = { params: function* () { yield W; }, paramGrads: function* () { yield tensor([[0.5, -1]], f64); } };
  const opt = new SGDMomentum(0.1, { momentum: 0.9 });
  opt.net = fake as unknown as NeuralNetwork;
  opt.step();
  assert.equal(flat(W).map((v) => +v.toFixed(12)), [0.95, 2.1]);
  opt.step(); // v = 0.9·[0.05, −0.1] + [0.05, −0.1] = [0.095, −0.19]
  assert.equal(flat(W).map((v) => +v.toFixed(12)), [0.855, 2.29]);
});

/** The lr in force during each epoch of a Trainer.fit, and after it; lossAt(epoch) scripts the validation losses (default: falling). */
function schedule(optim: Optimizer, epochs: number, lossAt: (epoch: number) => number = (e) => 1 / e): { lrs: number[]; after: number } {
  const X = tensor([[1], [2], [3]], f64), lrs: number[] = [];
  const loss = new MeanSquaredError(), computed = loss.forward.bind(loss);
  let evaluating = 0; // the epoch whose evaluation comes next (onEpoch runs just before it)
  loss.forward = (p, t) => {
    const v = computed(p, t), e = evaluating;
    evaluating = 0;
    return e ? lossAt(e) : v;
  };
  const trainer = new Trainer(new NeuralNetwork([new Dense(1, () => new Linear())], loss, 1), optim);
  trainer.fit(X, X, X, X, { epochs, evalEvery: 1, batchSize: 3, log: () => {}, onEpoch: (e) => { lrs.push(optim.lr); evaluating = e; } });
  return { lrs, after: optim.lr };
}

test('lr decay follows the Trainer: per epoch, reaching finalLr in the last epoch, only when finalLr is truthy, not after an early stop', () => {
  const lin = schedule(new SGDMomentum(0.15, { finalLr: 0.05, decayType: 'linear' }), 5);
  lin.lrs.forEach((v, i) => near(v, [0.15, 0.125, 0.1, 0.075, 0.05][i]!, 1e-12, `linear epoch ${i + 1}`));
  near(lin.after, 0.025, 1e-12, 'linear after fit (one more decay after the last epoch)');
  const exp = schedule(new SGDMomentum(0.2, { finalLr: 0.05, decayType: 'exponential' }), 5);
  exp.lrs.forEach((v, i) => near(v, 0.2 * Math.pow(0.25, i / 4), 1e-12, `exponential epoch ${i + 1}`));
  assert.equal(schedule(new SGD(0.1, { finalLr: 0, decayType: 'linear' }), 3).lrs, [0.1, 0.1, 0.1]);
  // The loss rises at epoch 3: training stops there and the lr stays where epoch 3 had it.
  const stopped = schedule(new SGD(0.3, { finalLr: 0.1, decayType: 'linear' }), 5, (e) => [3, 2, 4, 1, 1][e - 1]!);
  assert.is(stopped.lrs.length, 3);
  near(stopped.after, 0.2, 1e-12, 'lr after an early stop at epoch 3');
  throwsNamed(() => new SGD(0.1, { decayType: 'cosine' as 'linear' }), RangeError, 'linear', 'exponential', 'cosine');
});

test('MeanSquaredError(normalize) divides predictions by their row sums first', () => {
  const mse = new MeanSquaredError(true);
  near(mse.forward(tensor([[1, 3]], f64), tensor([[0, 1]], f64)), 0.25 ** 2 + 0.25 ** 2, 1e-15, 'normalized MSE');
  assert.equal(flat(mse.backward()), [0.5, -0.5]);
});

interface LincolnRun { id: string; epochs: number; evalEvery: number; losses: number[]; stoppedAt: number | null; accuracy: number; restoredAccuracy: number; finalLr: number }
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/dlfs_lincoln.json', import.meta.url), 'utf8')) as {
  dense: { trainEvery: number; testEvery: number; mean: number; std: number; runs: LincolnRun[] };
};
const data = loadDlfsMnist({ trainEvery: fixture.dense.trainEvery, testEvery: fixture.dense.testEvery });

test('data: the scalar mean and std match numpy\'s', () => {
  near(data.mean, fixture.dense.mean, 1e-12, 'mean');
  near(data.std, fixture.dense.std, 1e-11, 'std');
  assert.equal([...generateBatches(data.XTrain, data.trainLabels, 60)].length, Math.ceil(data.XTrain.shape[0]! / 60));
});

test('every experiment reproduces the companion code on the same digits (losses to 1e-6, stop epoch, accuracies, final lr)', () => {
  assert.is(fixture.dense.runs.length, EXPERIMENTS.length);
  for (const f of fixture.dense.runs) {
    const e = EXPERIMENTS.find((x) => x.id === f.id)!;
    const r = runExperiment(e, data, { epochs: f.epochs, evalEvery: f.evalEvery });
    assert.is(r.losses.length, f.losses.length, `#${f.id}: number of evaluations`);
    r.losses.forEach((v, i) => near(v, f.losses[i]!, 1e-6, `#${f.id} loss ${i + 1}`));
    assert.is(r.stoppedAt ?? null, f.stoppedAt, `#${f.id} stop epoch`);
    assert.is(r.accuracy, f.accuracy, `#${f.id} accuracy`);
    assert.is(r.restoredAccuracy, f.restoredAccuracy, `#${f.id} restored accuracy`);
    near(r.finalLr + 1, f.finalLr + 1, 1e-14, `#${f.id} final lr`);
  }
});

// Band, measured over seeds 1–5 (3 epochs, same subset): MSE #1 8.2–14.4%, SCE + SGD #5 31.2–38.6%,
// momentum #7 66.2–72.0%, momentum + decay + glorot #11 81.0–87.0%. The chapter's story (softmax CE,
// then momentum, then init, each a large step) holds for every seed; the bands leave a few points
// of room on each side.
test('the chapter\'s ordering holds over 3 seeds: MSE < softmax CE < + momentum < + decay and glorot init', () => {
  const bands: [string, number, number][] = [['1', 0, 20], ['5', 25, 45], ['7', 58, 80], ['11', 74, 93]];
  for (const seed of [1, 2, 3]) {
    const accs = bands.map(([id, lo, hi]) => {
      const acc = runExperiment(EXPERIMENTS.find((x) => x.id === id)!, data, { epochs: 3, evalEvery: 1, seed }).accuracy;
      assert.ok(acc >= lo && acc <= hi, `seed ${seed}, #${id}: accuracy ${acc}% outside [${lo}, ${hi}]`);
      return acc;
    });
    assert.ok(accs.every((a, i) => i === 0 || a > accs[i - 1]!), `seed ${seed}: accuracies ${accs} should increase`);
  }
});

test.run();
