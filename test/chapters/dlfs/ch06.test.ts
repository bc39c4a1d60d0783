// Weidman ch6: the scalar autodiff toy's fixtures and its documented over-count, every node's and
// layer's explicit backward against finite differences (and the notebook's GRU failing the same
// check), the data layout of the character model, the carried state, and a short training run
// whose loss must fall. The book prints no numbers for this chapter (book/weidman.md §3.7).
import { AutogradError, numpyRandom, ShapeError, tensor } from 'groundup';
import { NumberWithGrad, rnn } from '@groundup/operations';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { experiments, trainCharModel } from '../../../book/dlfs/ch06/experiments.ts';
import { checkLayer, checkNode } from '../../../book/dlfs/ch06/finite-differences.ts';
import { NotebookGRUNode } from '../../../book/dlfs/ch06/notebook-gru.ts';
import { playText } from '../../../book/dlfs/play-text.ts';
import { throwsNamed } from '../../helpers/assert.ts';

test('NumberWithGrad: the book\'s fixtures (4 and 1; 35), accumulation, and the over-count of a reused non-leaf', () => {
  const a = new NumberWithGrad(3), b = a.mul(4), c = b.add(3);
  c.backward();
  assert.is(a.grad, 4);
  assert.is(b.grad, 1);
  const a2 = new NumberWithGrad(3);
  a2.mul(4).add(3).mul(a2.add(2)).backward();
  assert.is(a2.grad, 35);
  const x = new NumberWithGrad(3);
  x.mul(x).backward();
  assert.is(x.grad, 6, 'a leaf reused directly is right');
  const x2 = new NumberWithGrad(3), z = x2.mul(x2);
  z.add(z).backward();
  assert.is(x2.grad, 18, 'the toy over-counts (true: 12), as book/weidman.md §2.6 says');
  const x3 = new NumberWithGrad(3), y3 = x3.add(1);
  y3.mul(y3).backward();
  assert.is(x3.grad, 12, 'true: 8');
  const xt = tensor([3], { dtype: 'float64' }).requiresGrad_(), zt = xt.mul(xt);
  zt.add(zt).sum().backward();
  assert.is(xt.grad!.item(), 12, 'the tensor autograd sorts the graph first');
});

test('every node\'s and layer\'s backward matches central differences; the notebook\'s GRU does not', () => {
  for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
    for (const r of [checkNode(kind), checkNode(kind, 11, [2, 3, 2, 4]), checkLayer(kind)]) {
      assert.ok(r.maxRelError < 1e-6, `${r.name}: ${r.maxRelError} at ${r.worst}`);
      assert.ok(r.checked > 30, `${r.name} checked ${r.checked}`);
    }
  }
  assert.ok(checkNode('GRU', 6, undefined, new NotebookGRUNode()).maxRelError > 0.1);
});

test('the text: 62 symbols in play format, ~100 KB, the same every time', () => {
  const t = playText();
  assert.is(new Set(t).size, 62);
  assert.ok(t.length >= 100_000 && t.length < 101_000, `${t.length}`);
  assert.match(t, /^[A-Z ]+:\n[A-Z']/);
  assert.is(playText(), t);
});

test('batches: overlapping one-hot windows, targets shifted by one; the state carries as the batch mean', () => {
  const text = playText(2000);
  const V = new Set(text).size;
  const model = new rnn.RNNModel([new rnn.RNNLayer(8, V, 0.1)], 5, V, new rnn.SoftmaxCrossEntropy());
  const tr = new rnn.RNNTrainer(text, model, new rnn.SGD(0.01), 4);
  assert.equal(tr.chars, [...new Set(text)].sort());
  const [xi, yi] = tr.generateInputsTargets(7);
  assert.equal(Array.from(xi[1]!), Array.from(text.slice(8, 13), (ch) => tr.charToIdx.get(ch)!));
  assert.equal(Array.from(yi[0]!.slice(0, 4)), Array.from(xi[0]!.slice(1)));
  const oh = tr.generateOneHotArray(xi);
  assert.equal([...oh.shape], [4, 5, V]);
  assert.is(oh.sum().item(), 20);
  numpyRandom.seed(1);
  const layer = model.layers[0]!;
  model.forward(oh);
  const h = layer.startH;
  assert.equal([...h.shape], [1, 8]);
  assert.ok(h.abs().sum().item() > 0, 'start_H moved off zero');
  throwsNamed(() => model.forward(oh.narrow(2, 0, V - 1)), ShapeError, `${V} features`);
  throwsNamed(() => new rnn.RNNLayer(4, 3).backward(tensor([[[1]]], { dtype: 'float64' })), AutogradError, 'call forward first');
});

test('float32 runs (the lesson\'s): the parameters follow the input\'s dtype, and sampling works', () => {
  const text = playText(2000), V = new Set(text).size;
  const model = new rnn.RNNModel([new rnn.LSTMLayer(8, V, 0.1)], 5, V, new rnn.SoftmaxCrossEntropy());
  const tr = new rnn.RNNTrainer(text, model, new rnn.AdaGrad(0.05), 4, { dtype: 'float32' });
  numpyRandom.seed(2);
  tr.train(3);
  assert.is(model.layers[0]!.params.W_f!.value.dtype, 'float32');
  const s = tr.sampleOutput(0, 30);
  assert.is(s.length, 30);
});

test('a short LSTM character model learns: the moving-average loss falls by more than 15% in 100 iterations', () => {
  const text = playText(20_000);
  const e = { ...experiments[1]!, layers: () => [new rnn.LSTMLayer(32, 62, 0.1)], sequenceLength: 10, optim: () => new rnn.AdaGrad(0.05), batchSize: 16 };
  const samples: string[] = [];
  const { history, trainer } = trainCharModel(text, e, { iterations: 100, sampleEvery: 99, sampleLength: 40, onSample: (_, __, s) => samples.push(s) });
  const first = history[0]!.loss, last = history[99]!.movingAverage;
  assert.ok(last < 0.85 * first, `loss ${first} → ${last}`);
  assert.is(samples.length, 2);
  assert.ok(samples.every((s) => s.length === 40 && [...s].every((ch) => trainer.charToIdx.has(ch))));
});

test.run();
