// summary(model, inputShape): fastai's table. ch13's simple_cnn for 3s and 7s has 40 / 296 / 1168
// / 4640 / 578 parameters in its convolutions, 6722 in all (shared/book/fastai.md §16.1 item 9).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchNorm2d, Conv2d, Flatten, ReLU, Sequential } from '@groundup/nn';
import { summary } from '@groundup/learner';
import { toyLearner } from './helpers/toy.ts';

const conv = (ni: number, nf: number, ks = 3, act = true): Sequential =>
  act ? new Sequential(new Conv2d(ni, nf, ks, { stride: 2, padding: Math.floor(ks / 2) }), new ReLU())
    : new Sequential(new Conv2d(ni, nf, ks, { stride: 2, padding: Math.floor(ks / 2) }));
const simpleCnn = (): Sequential => new Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, 3, false), new Flatten());

const s = suite('learner: summary');
s('ch13 simple_cnn: 40/296/1168/4640/578 = 6722, output shapes, the table', () => {
  const sm = summary(simpleCnn(), [64, 1, 28, 28]);
  const convs = sm.rows.filter((r) => r.layer === 'Conv2d');
  assert.equal(convs.map((r) => r.params), [40, 296, 1168, 4640, 578]);
  assert.is(sm.totalParams, 6722);
  assert.is(sm.trainableParams, 6722);
  assert.equal(convs.map((r) => r.outputShape), [[64, 4, 14, 14], [64, 8, 7, 7], [64, 16, 4, 4], [64, 32, 2, 2], [64, 2, 1, 1]]);
  assert.equal(sm.rows.at(-1), { layer: 'Flatten', outputShape: [64, 2], params: 0, trainable: false });
  const text = String(sm);
  assert.ok(text.startsWith(`Sequential (Input shape: ['64 x 1 x 28 x 28'])\n${'='.repeat(64)}\nLayer (type)         Output Shape         Param #    Trainable\n${'='.repeat(64)}\nConv2d               64 x 4 x 14 x 14     40         True\n${'_'.repeat(64)}\nReLU                 64 x 4 x 14 x 14     0          False\n`), text);
  assert.ok(text.endsWith('Total params: 6,722\nTotal trainable params: 6,722\nTotal non-trainable params: 0'), text);
});
s('frozen parameters count as non-trainable; BatchNorm running stats do not move; the mode is restored', () => {
  const bn = new BatchNorm2d(4);
  const m = new Sequential(conv(1, 4), bn);
  m.at(0).requiresGrad_(false);
  const mean = bn.runningMean!.clone();
  const sm = summary(m, [8, 1, 28, 28]);
  assert.is(sm.totalParams, 40 + 8);
  assert.is(sm.trainableParams, 8);
  assert.match(String(sm), /Total non-trainable params: 40$/);
  assert.ok(bn.runningMean!.equal(mean));
  assert.is(m.training, true);
});
s('learn.summary() uses one training batch', () => {
  const sm = toyLearner({ bs: 16 }).summary();
  assert.equal(sm.inputShape, [16, 4]);
  assert.equal(sm.rows.map((r) => [r.layer, r.outputShape, r.params]), [['Linear', [16, 8], 40], ['ReLU', [16, 8], 0], ['Linear', [16, 3], 27]]);
});
s.run();
