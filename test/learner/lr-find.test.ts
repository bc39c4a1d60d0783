// lrFind: an exponential sweep that stops on divergence, fastai's suggestions, the plot, and a
// learner left exactly as it was (weights, BatchNorm buffers, optimizer state and hypers).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@groundup/tensor';
import { BatchNorm1d, F, Linear, ReLU, Sequential } from '@groundup/nn';
import { Learner, lrSuggest } from '@groundup/learner';
import { paramBits, toyData } from './helpers/toy.ts';

const dir = mkdtempSync(join(tmpdir(), 'groundup-lrfind-'));
const bitsOf = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.contiguous().dataSync() as Float32Array).buffer));

function learner(): Learner {
  const model = new Sequential(new Linear(4, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 3));
  const learn = new Learner(toyData({ n: 320, nValid: 32, bs: 16 }), model, { lossFunc: F.crossEntropy, progress: false });
  learn.logger = () => {};
  return learn;
}

const s = suite('learner: lrFind');
s.after(() => rmSync(dir, { recursive: true, force: true }));
s('leaves weights, buffers, optimizer state and hyperparameters exactly as they were', () => {
  const learn = learner();
  learn.fit(1, { lr: 1e-2 }); // Adam now has state for every parameter
  const opt = learn.opt!;
  const before = { params: paramBits(learn.model), buffers: learn.model.buffers().map(bitsOf), hypers: JSON.stringify(opt.hypers) };
  const state = [...opt.state].map(([p, st]) => [p, Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v instanceof Tensor ? bitsOf(v) : v]))] as const);
  const r = learn.lrFind({ plot: false });
  assert.ok(r.lrs.length > 10);
  assert.is(learn.opt, opt, 'the same optimizer object');
  assert.equal(paramBits(learn.model), before.params);
  assert.equal(learn.model.buffers().map(bitsOf), before.buffers);
  assert.is(JSON.stringify(opt.hypers), before.hypers);
  assert.is(opt.state.size, state.length);
  for (const [p, st] of state) {
    const now = opt.state.get(p)!;
    for (const [k, v] of Object.entries(st)) assert.equal(now[k] instanceof Tensor ? bitsOf(now[k] as Tensor) : now[k], v, `state ${k}`);
  }
});
s('the sweep grows exponentially from startLr, stops when the loss diverges, and suggests lrs inside it', () => {
  const learn = learner();
  const r = learn.lrFind({ startLr: 1e-6, endLr: 100, numIt: 60, plot: join(dir, 'lrFind.svg') });
  const ratio = (100 / 1e-6) ** (1 / 60);
  assert.ok(Math.abs(r.lrs[0]! - 1e-6) < 1e-18);
  r.lrs.slice(1).forEach((lr, i) => assert.ok(Math.abs(lr / r.lrs[i]! - ratio) < 1e-9, `step ${i}`));
  assert.ok(r.lrs.length <= 60);
  const last = r.losses.at(-1)!, best = Math.min(...r.losses);
  // It stopped either at numIt or because the smoothed loss passed 4× its best.
  assert.ok(r.lrs.length === 60 || !(last <= 4 * best), `stopped at ${r.lrs.length} with loss ${last} vs best ${best}`);
  for (const k of ['valley', 'steep'] as const) assert.ok(r[k] >= r.lrs[0]! && r[k] <= r.lrs.at(-1)!, `${k} ${r[k]}`);
  assert.ok(Math.abs(r.minimum * 10 - r.points.minimum[0]) < 1e-12);
  const svg = readFileSync(r.plot!, 'utf8');
  assert.match(svg, /Learning rate finder/);
  assert.match(svg, /valley: /);
  assert.match(svg, /steep: /);
  assert.match(svg, /minimum\/10: /);
});
s('the suggestion functions follow fastai', () => {
  const lrs = Array.from({ length: 20 }, (_, i) => 1e-4 * 10 ** (i / 5));
  // Flat, then a long decrease from index 4 to 14 (steepest from 9 to 10), then a blow-up.
  const losses = lrs.map((_, i) => (i < 4 ? 2 : i <= 14 ? 2 - 0.1 * (i - 3) - (i >= 10 ? 0.3 : 0) : 1 + 0.5 * (i - 14)));
  const v = lrSuggest.valley(lrs, losses);
  // fastai: lds[14] = 12 (the run 3..14), so max_end = 14, max_start = 14 − 12 = 2,
  // sections = 12/3 = 4 and idx = 2 + int(4) + int(4/2) = 8.
  assert.is(v.lr, lrs[8]);
  assert.equal(v.point, [lrs[8], losses[8]]);
  const st = lrSuggest.steep(lrs, losses);
  assert.is(st.lr, lrs[9], 'the start of the steepest step');
  const m = lrSuggest.minimum(lrs, losses);
  assert.is(m.point[0], lrs[14]);
  assert.ok(Math.abs(m.lr - lrs[14]! / 10) < 1e-18);
});
s.run();
