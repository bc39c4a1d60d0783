// Mistakes a user can make with the Learner get a named error that says what was wrong and the fix.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SerializationError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { F, Linear, save, Sequential } from '@groundup/nn';
import { Learner, LearnerError, SaveModelCallback } from '@groundup/learner';
import { toyData, toyLearner } from './helpers/toy.ts';

const dir = mkdtempSync(join(tmpdir(), 'groundup-errors-'));
const throwsNamed = (f: () => unknown, cls: new (...a: never[]) => Error, re: RegExp): void =>
  assert.throws(f, (e: Error) => {
    assert.instance(e, cls);
    assert.match(e.message, re);
    return true;
  });

const s = suite('learner: errors');
s.after(() => rmSync(dir, { recursive: true, force: true }));
s('a metric that returns a tensor per item', () => {
  const perItem = (p: Tensor, t: Tensor): Tensor => p.argmax(-1).eq(t).float();
  throwsNamed(() => toyLearner({ bs: 16, metrics: [perItem] }).fit(1), LearnerError,
    /metric 'per_item' returned a tensor of shape \[16\], not one number; a metric must reduce the batch to one number, e\.g\. end it with \.mean\(\)/);
});
s('a metric that returns something else', () => {
  throwsNamed(() => toyLearner({ metrics: [(() => 'high') as never] }).fit(1), LearnerError, /returned string, not a number or a one-element Tensor/);
});
s('a lossFunc that does not reduce', () => {
  const lossFunc = (p: Tensor, t: Tensor): Tensor => F.crossEntropy(p, t, { reduction: 'none' });
  throwsNamed(() => toyLearner({ bs: 16, lossFunc }).fit(1), LearnerError,
    /lossFunc returned a tensor of shape \[16\], not a scalar; .*reduce it \(e\.g\. \.mean\(\), or the loss's default reduction 'mean' instead of 'none'\)/);
});
s('a missing resume path', () => {
  throwsNamed(() => toyLearner().fit(2, { resume: join(dir, 'nope.ckpt') }), SerializationError, /nope\.ckpt: no such file; pass the path a SaveModelCallback wrote/);
});
s('a corrupt resume path: garbage, a truncated checkpoint, plain weights, weights without training state', () => {
  const junk = join(dir, 'junk.ckpt');
  writeFileSync(junk, 'not a checkpoint at all');
  throwsNamed(() => toyLearner().fit(2, { resume: junk }), SerializationError, /junk\.ckpt: the file is corrupt or not a checkpoint/);
  const good = join(dir, 'good.ckpt');
  toyLearner().fit(1, { cbs: [new SaveModelCallback({ path: good })] });
  const bytes = readFileSync(good);
  const cut = join(dir, 'cut.ckpt');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  throwsNamed(() => toyLearner().fit(1, { resume: cut }), SerializationError, /cut\.ckpt: the file is corrupt or not a checkpoint/);
  const plain = join(dir, 'plain.safetensors');
  save(toyLearner().model, plain);
  throwsNamed(() => toyLearner().fit(1, { resume: plain }), SerializationError, /without the 'groundup\.learner' metadata, so not a Learner checkpoint/);
  const weights = join(dir, 'weights.ckpt');
  toyLearner().save(weights);
  throwsNamed(() => toyLearner().fit(1, { resume: weights }), SerializationError, /holds weights but no training state.*learn\.load\(path\)/);
});
s('resuming with another epoch count', () => {
  const p = join(dir, 'three.ckpt');
  toyLearner().fit(3, { cbs: [new SaveModelCallback({ path: p })] });
  throwsNamed(() => toyLearner().fit(5, { resume: p }), LearnerError, /written by a fit of 3 epochs, this fit asks for 5/);
});
s('a checkpoint of another model', () => {
  const p = join(dir, 'other.ckpt');
  toyLearner().fit(1, { cbs: [new SaveModelCallback({ path: p })] });
  const other = new Learner(toyData(), new Sequential(new Linear(4, 3)), { lossFunc: F.crossEntropy, progress: false });
  throwsNamed(() => other.load(p), SerializationError, /other\.ckpt: its weights do not fit this model: .*unexpected key\(s\)/s);
  throwsNamed(() => other.fit(1, { resume: p }), SerializationError, /its weights do not fit this model/);
  // The same model with its first layer frozen: the optimizer holds 2 of the 4 parameters.
  const frozen = toyLearner();
  frozen.model.at(0).requiresGrad_(false);
  throwsNamed(() => frozen.load(p), SerializationError, /its optimizer has groups of \[4\] parameters, this learner's has \[2\]; load with \{ withOpt: false \}/);
  frozen.load(p, { withOpt: false });
});
s('reading batch state outside a batch, and a missing lossFunc', () => {
  throwsNamed(() => toyLearner().pred, LearnerError, /learn\.pred is only set during a batch \(from afterPred on\)/);
  throwsNamed(() => toyLearner({ lossFunc: undefined as never }), LearnerError, /lossFunc is required/);
});
s.run();
