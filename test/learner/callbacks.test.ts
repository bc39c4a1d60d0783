// The smaller callbacks: ActivationStats (numbers, plots), ModelResetter, RNNRegularizer (AR and
// TAR added to the loss that is backpropagated), GradientClip, SaveModelCallback keeping the best
// epoch, and learn.save / learn.load.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@groundup/tensor';
import { Dropout, F, Linear, Module } from '@groundup/nn';
import {
  ActivationStats, activationStats, Callback, GradientClip, Learner, LearnerError, ModelResetter, RNNRegularizer,
  SaveModelCallback, type RNNOutput,
} from '@groundup/learner';
import { paramBits, toyData, toyLearner, toyModel } from './helpers/toy.ts';

const dir = mkdtempSync(join(tmpdir(), 'groundup-cbs-'));
const near = (a: number, b: number, tol: number, what = ''): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

const s = suite('learner: callbacks');
s.after(() => rmSync(dir, { recursive: true, force: true }));

s('ActivationStats: per layer and batch, mean / std / near zero / histogram of the outputs', () => {
  const outs: Tensor[] = [];
  const stats = new ActivationStats({ withHist: true });
  const learn = toyLearner({ n: 64, bs: 16, cbs: [stats] });
  learn.model.at(0).registerForwardHook((_m, _i, o) => { if (learn.training) outs.push((o as Tensor).detach().clone()); });
  learn.fit(1, { lr: 1e-2 });
  assert.equal(stats.modules.map((m) => m.constructor.name), ['Linear', 'Linear']);
  assert.is(stats.stats.length, 4);
  const [means, stds, near0] = stats.layerStats(0);
  outs.forEach((o, i) => {
    near(means[i]!, o.mean().item(), 1e-5, 'mean');
    near(stds[i]!, o.std().item(), 1e-5, 'std');
    near(near0[i]!, o.le(0.05).float().mean().item(), 1e-7, 'near zero');
  });
  const h = activationStats(tensor1([0, 0.1, 0.26, 9.99, 10, 11, -1]), true);
  assert.equal(Array.from(h.hist!).map((v, i) => [i, v]).filter(([, v]) => v), [[0, 2], [1, 1], [39, 2]]);
  const hist = stats.hist(0);
  assert.is(hist.length, 40);
  assert.is(hist[0]!.length, 4);
  const svg = readFileSync(stats.plotLayerStats(0, join(dir, 'ls.svg')), 'utf8');
  assert.match(svg, /% near zero/);
  const png = readFileSync(stats.colorDim(0, join(dir, 'cd.png')));
  assert.equal([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.throws(() => new ActivationStats().hist(0), (e: Error) => e instanceof LearnerError);
  // A negative layer counts from the end, as the book's color_dim(-2).
  assert.equal(stats.layerStats(-2), stats.layerStats(0));
  assert.equal(stats.hist(-1), stats.hist(1));
  assert.throws(() => stats.layerStats(-3), /layer -3 does not exist/);
  assert.throws(() => stats.layerStats(2), /layer 2 does not exist/);
});
s('ActivationStats removes its hooks after the fit, and when the fit fails', () => {
  const stats = new ActivationStats();
  class Boom extends Callback { override afterBatch(): void { if (this.learn.iter === 1) throw new RangeError('boom'); } }
  let during = 0;
  class Count extends Callback { override afterBatch(): void { during = stats.hooked; } }
  const learn = toyLearner({ cbs: [stats, new Count()] });
  learn.fit(1);
  assert.is(during, 2);
  assert.is(stats.hooked, 0);
  learn.addCb(new Boom());
  assert.throws(() => learn.fit(1), /boom/);
  assert.is(during, 2);
  assert.is(stats.hooked, 0, 'cleanup() removed the hooks');
});
const tensor1 = (v: number[]): Tensor => Tensor.fromData(Float32Array.from(v), [v.length]);

/** A toy "RNN": a hidden state the callbacks reset, and [pred, raw, dropped] as its output. */
class ToySeq extends Module<[Tensor], RNNOutput> {
  lin = new Linear(4, 6);
  head = new Linear(6, 3);
  drop = new Dropout(0.5);
  resets = 0;
  reset(): void { this.resets++; }
  override forward(x: Tensor): RNNOutput {
    const raw = this.lin.call(x).view(-1, 2, 3);  // [bs, sl = 2, nh = 3]
    const dropped = this.drop.call(raw);
    return [this.head.call(dropped.view(-1, 6)), raw, dropped];
  }
}

s('ModelResetter resets before training and before validation; RNNRegularizer adds α·AR + β·TAR in training', () => {
  const model = new ToySeq();
  let seen: { loss: number; grad: number; raw: Tensor; dropped: Tensor } | null = null;
  class Peek extends Callback {
    override order = 5; // after RNNRegularizer (1)
    override afterLoss(): void {
      if (!this.learn.training || seen) return;
      const [, raw, dropped] = this.learn.modelOutput as RNNOutput;
      seen = { loss: this.learn.loss.item(), grad: this.learn.lossGrad.item(), raw: raw as Tensor, dropped: dropped as Tensor };
    }
  }
  const reg = new RNNRegularizer(2, 1);
  const learn = new Learner(toyData({ n: 32, bs: 16 }), model, { lossFunc: F.crossEntropy, progress: false, cbs: [new ModelResetter(), reg, new Peek()] });
  learn.logger = () => {};
  learn.fit(2, { lr: 1e-2 });
  assert.is(model.resets, 1 + 2 * 2, 'once in beforeFit (TrainEval), then before each training and validation phase');
  const { loss, grad, raw, dropped } = seen!;
  const ar = 2 * dropped.pow(2).mean().item();
  const tar = 1 * raw.narrow(1, 1, 1).sub(raw.narrow(1, 0, 1)).pow(2).mean().item();
  near(grad, loss + ar + tar, 1e-5, 'lossGrad = loss + AR + TAR');
  assert.ok(ar > 0 && tar > 0);
  assert.throws(() => toyLearner({ cbs: [new RNNRegularizer(1, 1)] }).fit(1), (e: Error) => e instanceof LearnerError && /must return \[pred, raw, dropped\]/.test(e.message));
  assert.throws(() => toyLearner({ cbs: [new ModelResetter()] }).fit(1), (e: Error) => e instanceof LearnerError && /has no reset\(\) method/.test(e.message));
});

s('GradientClip: every step sees gradients with a total norm ≤ maxNorm', () => {
  const norms: number[] = [];
  class After extends Callback {
    override order = 10;
    override beforeStep(): void {
      norms.push(Math.sqrt(this.learn.model.parameters().reduce((a, p) => a + p.grad!.pow(2).sum().item(), 0)));
    }
  }
  const clip = new GradientClip(0.05);
  toyLearner({ cbs: [clip, new After()] }).fit(1, { lr: 1e-2 });
  assert.ok(norms.length > 0);
  norms.forEach((n) => assert.ok(n <= 0.05 + 1e-6, `norm ${n}`));
  assert.ok(clip.lastNorm > 0.05, 'the raw norm was larger, so clipping happened');
});

s('SaveModelCallback with a monitor keeps the best epoch and loads it back at the end', () => {
  const path = join(dir, 'best.ckpt');
  const atEpoch: number[][] = [];
  class Snap extends Callback { override order = 70; override afterEpoch(): void { atEpoch.push(paramBits(this.learn.model)); } }
  const save = new SaveModelCallback({ path, monitor: 'valid_loss' });
  const learn = toyLearner({ cbs: [save, new Snap()] });
  learn.fit(4, { lr: 0.5 }); // a large lr: the validation loss goes up and down
  const vl = learn.recorder.values.map((r) => r[1]!);
  const best = vl.indexOf(Math.min(...vl));
  assert.is(save.saved.at(-1), best);
  assert.equal(paramBits(learn.model), atEpoch[best]!);
  assert.throws(() => toyLearner({ cbs: [new SaveModelCallback({ path, monitor: 'nope' })] }).fit(1), /monitor 'nope' is not a column.*valid_loss/);
});

s('a callback may replace the batch (beforeBatch), the prediction (afterPred) and the loss backpropagated (afterLoss)', () => {
  const seen: string[] = [];
  class Replace extends Callback {
    override beforeBatch(): void { this.learn.xb = [this.learn.x.mul(0)]; }           // every input becomes zeros
    override afterPred(): void { this.learn.pred = this.learn.pred.mul(0); }         // every prediction becomes zeros
    override afterLoss(): void {
      seen.push(this.learn.loss.item().toFixed(4));
      if (this.learn.training) this.learn.lossGrad = this.learn.lossGrad.mul(0);     // nothing to learn from
    }
  }
  const learn = toyLearner({ cbs: [new Replace()] });
  const before = paramBits(learn.model);
  learn.fit(1, { lr: 0.1, wd: 0 });
  // Zero logits over 3 classes: every loss is ln 3; a zero loss gives zero gradients.
  assert.ok(seen.every((v) => v === Math.log(3).toFixed(4)), seen.join());
  assert.equal(paramBits(learn.model), before);
});

s('lrFind does not write or reload SaveModelCallback checkpoints (its weights are thrown away)', () => {
  const path = join(dir, 'kept.ckpt');
  const learn = toyLearner({ cbs: [new SaveModelCallback({ path })] });
  learn.fit(1, { lr: 1e-2 });
  const before = readFileSync(path), weights = paramBits(learn.model);
  learn.lrFind({ plot: false, numIt: 30 }); // 5 epochs of 6 batches: the epochs end, afterEpoch runs
  assert.ok(readFileSync(path).equals(before));
  assert.equal(paramBits(learn.model), weights);
});

s('learn.save / learn.load round-trip the weights and the optimizer state', () => {
  const path = join(dir, 'model.ckpt');
  const a = toyLearner({ shuffle: false });
  a.fit(1, { lr: 1e-2 });
  a.save(path);
  const b = new Learner(toyData({ shuffle: false }), toyModel(5), { lossFunc: F.crossEntropy, progress: false });
  b.logger = () => {};
  assert.not.equal(paramBits(b.model), paramBits(a.model));
  b.load(path);
  assert.equal(paramBits(b.model), paramBits(a.model));
  const pa = a.opt!.paramGroups[0]!.params, pb = b.opt!.paramGroups[0]!.params;
  pa.forEach((p, i) => {
    const sa = a.opt!.state.get(p)!, sb = b.opt!.state.get(pb[i]!)!;
    assert.equal(Object.keys(sb).sort(), Object.keys(sa).sort());
    for (const k of Object.keys(sa)) assert.equal(sb[k] instanceof Tensor ? (sb[k] as Tensor).toArray() : sb[k], sa[k] instanceof Tensor ? (sa[k] as Tensor).toArray() : sa[k]);
  });
  // Training on continues identically.
  a.fit(1, { lr: 1e-2 }); b.fit(1, { lr: 1e-2 });
  assert.equal(paramBits(b.model), paramBits(a.model));
});
s.run();
