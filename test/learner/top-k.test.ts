// topKAccuracy (fastai's top_k_accuracy, ch14's exercise) against the same formula in torch 1.13
// (scripts/fixtures/vision.py), k = 1 equal to accuracy, as a Learner metric, and its errors.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, Tensor } from '@groundup/tensor';
import { accuracy, AvgMetric, topKAccuracy } from '@groundup/learner';

interface TJ { shape: number[]; data: number[]; dtype?: string }
const dec = (j: TJ): Tensor => Tensor.fromData(j.dtype === 'int32' ? Int32Array.from(j.data) : Float32Array.from(j.data), j.shape);
const fx = JSON.parse(readFileSync(new URL('../fixtures/vision.json', import.meta.url), 'utf8')) as { topk: { name: string; k: number; pred: TJ; targ: TJ; value: number }[] };

const s = suite('learner: topKAccuracy');
for (const c of fx.topk) s(`matches torch: ${c.name}`, () => {
  const v = topKAccuracy(dec(c.pred), dec(c.targ), c.k).item();
  assert.ok(Math.abs(v - c.value) < 1e-6, `${v} vs torch ${c.value}`);
});
s('k = 1 is accuracy; k = classes is 1; the metric is named top_k_accuracy', () => {
  const p = tensor([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]]);
  const t = tensor([2, 0, 1, 1], { dtype: 'int32' });
  assert.is(topKAccuracy(p, t, 1).item(), accuracy(p, t).item());
  assert.is(topKAccuracy(p, t, 2).item(), 0.75); // item 2: 0.3, 0.3 then 0.4, the target 1 ties at 2nd
  assert.is(topKAccuracy(p, t, 3).item(), 1);
  assert.is(new AvgMetric(topKAccuracy).name, 'top_k_accuracy');
});
s('errors: k out of range, targets of the wrong shape', () => {
  const p = tensor([[0.1, 0.9], [0.8, 0.2]]);
  assert.throws(() => topKAccuracy(p, tensor([1, 0], { dtype: 'int32' }), 5), /k must be an integer from 1 to the 2 classes/);
  assert.throws(() => topKAccuracy(p, tensor([[1], [0]], { dtype: 'int32' }), 1), /one per prediction/);
});
s.run();
