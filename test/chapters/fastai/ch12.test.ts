// fastai ch12, "A Language Model from Scratch": the deterministic Human Numbers checks of
// shared/book/fastai.md §16.1 item 8 (9,998 lines, 63,095 tokens, a vocab of 30 in first-seen
// order, 21,031 three-token examples, m = 328, "thousand" (id 29) at 15.17% of the validation
// targets), the loaders the book builds, the models' contracts, LMModel1-7's forward and backward
// on the first batches against PyTorch 1.13's from the same weights, the from-scratch LSTM and GRU
// against the library's, and a shortened LMModel6 run against PyTorch's
// (test/fixtures/ch12_lm.json, from scripts/fixtures/ch12_lm.py).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, noGrad, ones, randn, type Tensor } from 'groundup';
import * as nn from '@groundup/nn';
import {
  chapterLoaders, groupChunksOrder, humanNumbers, humanNumbersFiles, numberWords, readlines,
} from '../../../book/fastai/ch12/human-numbers.ts';
import { baseline, Dropout, LMModel1, LMModel2, LMModel3, LMModel4, LMModel5, LMModel6, LMModel7 } from '../../../book/fastai/ch12/models.ts';
import { cellWeights, LSTMCell, LSTMCellChunked, LSTMFromScratch, loadFromLibrary } from '../../../book/fastai/ch12/lstm-cell.ts';
import { GRUCell, GRUFromScratch, libraryGRU } from '../../../book/fastai/ch12/gru.ts';
import { numpyInit } from '../../../book/fastai/ch12/numpy-init.ts';
import { fitRun, learnerFor, run } from '../../../book/fastai/ch12/runs.ts';

interface Step { loss: number; row0: number[]; grads: [string, number, number][]; loss2: number }
interface Fixture {
  step: Record<string, Step>;
  data: { lines: number; tokens: number; vocab: string[]; examples: number; m: number; baselineToken: number; baseline: number; sequences: number; batches: Record<string, [number, number]> };
  short: { runs: { seed: number; validLoss: number[]; accuracy: number[] }[] };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/ch12_lm.json', import.meta.url), 'utf8')) as Fixture;
const hn = humanNumbers();
const L = chapterLoaders(hn.nums);
const flat = (t: Tensor): number[] => t.toFlatArray() as number[];
const close = (a: Tensor, b: Tensor, tol: number, what: string): void => {
  const d = a.sub(b).abs().max().item();
  assert.ok(d < tol, `${what}: max |Δ| ${d} ≥ ${tol}`);
};

const data = suite('ch12 Human Numbers (deterministic, §16.1 item 8)');
data('the words for 1..9999 as the dataset writes them', () => {
  assert.is(numberWords(1), 'one');
  assert.is(numberWords(21), 'twenty one');
  assert.is(numberWords(100), 'one hundred');
  assert.is(numberWords(8001), 'eight thousand one');
  assert.is(numberWords(9999), 'nine thousand nine hundred ninety nine');
  assert.throws(() => numberWords(0), /1\.\.9999/);
  const files = humanNumbersFiles();
  const train = readlines(files['train.txt']), valid = readlines(files['valid.txt']);
  assert.is(train.length, 7999);
  assert.is(valid.length, 1999);
  assert.is(train[0], 'one \n');
  assert.is(valid[0], 'eight thousand one \n');
});
data('9,998 lines, 63,095 tokens, a vocab of 30 in first-seen order', () => {
  assert.is(hn.lines.length, 9998);
  assert.is(hn.text.slice(0, 100), 'one . two . three . four . five . six . seven . eight . nine . ten . eleven . twelve . thirteen . fo');
  assert.is(hn.tokens.length, 63095);
  assert.equal(hn.vocab, ['one', '.', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen',
    'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty',
    'ninety', 'hundred', 'thousand']);
  assert.is(hn.word2idx.get('thousand'), 29);
  assert.equal(hn.nums.slice(0, 10), [0, 1, 2, 1, 3, 1, 4, 1, 5, 1]);
});
data('21,031 three-token examples; the baseline "thousand" (id 29) is 15.17% of the validation targets', () => {
  assert.is(L.seqs.length, 21031);
  const [x, y] = L.seqs.getItem(0);
  assert.equal(flat(x), [0, 1, 2]);
  assert.is(y.item(), 1);
  assert.equal(flat(L.seqs.getItem(21030)[0]), hn.nums.slice(63090, 63093));
  const validY = L.seqs.tensors[1].narrow(0, 16824, 21031 - 16824);
  const b = baseline(validY);
  assert.is(b.token, 29);
  assert.is(b.acc, 638 / 4207); // the book's 0.15165200855716662
  assert.is(b.acc.toFixed(4), '0.1517');
});
data('group_chunks: m = 328; row r of each batch continues row r of the batch before', () => {
  assert.is(Math.floor(L.seqs.length / 64), 328);
  const order = groupChunksOrder(L.seqs.length, 64);
  assert.is(order.length, 328 * 64);
  assert.equal(order.slice(0, 3), [0, 328, 656]);
  assert.equal(order.slice(64, 66), [1, 329]);
  // The loaders: plain 262 + 66 batches (the last partial), grouped 262 + 65, sl = 16: 3943 sequences → 49 + 12.
  assert.equal([L.plain.train.length, L.plain.valid.length], [262, 66]);
  assert.equal([L.grouped.train.length, L.grouped.valid.length], [262, 65]);
  assert.is(L.seqsSl.length, 3943);
  assert.equal([L.sequences.train.length, L.sequences.valid.length], [49, 12]);
  const it = L.sequences.train[Symbol.iterator]();
  const [b0, b1] = [it.next().value!, it.next().value!];
  for (const r of [0, 5, 63]) {
    assert.equal(flat(b0[1].at(r)).slice(0, 15), flat(b0[0].at(r)).slice(1), 'y is x shifted by one token');
    assert.is(b1[0].at(r, 0).item(), b0[1].at(r, 15).item(), `row ${r} of batch 1 starts where row ${r} of batch 0 ended`);
  }
});
data('PyTorch\'s side (scripts/fixtures/ch12_lm.py) built the same data', () => {
  const d = fixture.data;
  assert.equal([d.lines, d.tokens, d.examples, d.m, d.sequences, d.baselineToken], [9998, 63095, 21031, 328, 3943, 29]);
  assert.equal(d.vocab, hn.vocab);
  assert.equal(d.batches, { plain: [262, 66], grouped: [262, 65], sequences: [49, 12] });
  assert.ok(Math.abs(d.baseline - 638 / 4207) < 1e-12);
});
data.run();

const models = suite('ch12 the models, the LSTM and the GRU from scratch');
for (const name of ['LMModel1', 'LMModel2', 'LMModel3', 'LMModel4', 'LMModel5', 'LMModel6', 'LMModel7']) {
  models(`${name}: loss, predictions and every gradient on the first batch, then the loss on the second (state carried), as PyTorch's`, () => {
    // From numpy_init(0) the computation is PyTorch's up to float32 rounding. LMModel7 in eval
    // mode: its dropout masks cannot be drawn alike.
    const want = fixture.step[name]!, r = run(name);
    const model = r.model(30);
    numpyInit(model, 0);
    if (name === 'LMModel7') model.eval();
    const lossFunc = r.lossFunc(30);
    const predOf = (out: unknown): Tensor => (Array.isArray(out) ? out[0] as Tensor : out as Tensor);
    const it = L[r.loaders].train[Symbol.iterator]();
    const [x0, y0] = it.next().value!, [x1, y1] = it.next().value!;
    const pred = predOf(model.call(x0));
    const loss = lossFunc(pred, y0);
    loss.backward();
    assert.ok(Math.abs(loss.item() - want.loss) < 1e-5, `loss ${loss.item()} vs PyTorch's ${want.loss}`);
    const row0 = flat(pred.at(0));
    assert.is(row0.length, want.row0.length);
    const dRow = Math.max(...row0.map((v, i) => Math.abs(v - want.row0[i]!)));
    assert.ok(dRow < 1e-5, `row 0 of the predictions: max |Δ| ${dRow}`);
    const named = model.namedParameters();
    // iH.weight is i_h.weight, rnn.weightIhL0 is rnn.weight_ih_l0 (stateDict() gives PyTorch's spelling).
    const norm = (n: string): string => n.replace(/_/g, '').toLowerCase();
    assert.equal(named.map(([n]) => norm(n)), want.grads.map(([n]) => norm(n)));
    named.forEach(([n, p], i) => {
      const [, sum, absSum] = want.grads[i]!, g = p.grad!;
      const tol = 1e-5 + 1e-4 * absSum;
      assert.ok(Math.abs(g.sum().item() - sum) < tol, `${n}: Σ grad ${g.sum().item()} vs ${sum}`);
      assert.ok(Math.abs(g.abs().sum().item() - absSum) < tol, `${n}: Σ |grad| ${g.abs().sum().item()} vs ${absSum}`);
    });
    const loss2 = noGrad(() => lossFunc(predOf(model.call(x1)), y1).item());
    assert.ok(Math.abs(loss2 - want.loss2) < 1e-5, `second batch's loss ${loss2} vs PyTorch's ${want.loss2}`);
  });
}
models('LMModel2, the loop, computes what LMModel1 writes out (same weights)', () => {
  manualSeed(1);
  const m1 = new LMModel1(30, 64);
  manualSeed(1);
  const m2 = new LMModel2(30, 64);
  const [x] = L.plain.train.oneBatch();
  assert.equal(flat(m1.call(x)), flat(m2.call(x)));
});
models('LMModel3 carries a detached state across batches; reset() clears it', () => {
  manualSeed(1);
  const m = new LMModel3(30, 64);
  const it = L.grouped.train[Symbol.iterator]();
  const [x0] = it.next().value!, [x1] = it.next().value!;
  m.call(x0);
  const h = m.h as Tensor;
  assert.equal(h.shape, [64, 64]);
  assert.ok(!h.requiresGrad && h.gradFn === null, 'the state is detached');
  const carried = m.call(x1);
  m.reset();
  assert.is(m.h, 0);
  const fresh = m.call(x1);
  assert.ok(carried.sub(fresh).abs().max().item() > 1e-3, 'the output depends on the state carried in');
});
models('LMModel4-7 predict after every token: [64, 16, 30]; the states are [2, 64, 64]', () => {
  manualSeed(1);
  const [x] = L.sequences.train.oneBatch();
  assert.equal(new LMModel4(30, 64).call(x).shape, [64, 16, 30]);
  const m5 = new LMModel5(30, 64, 2);
  assert.equal(m5.call(x).shape, [64, 16, 30]);
  assert.equal(m5.h.shape, [2, 64, 64]);
  const m6 = new LMModel6(30, 64, 2);
  assert.equal(m6.call(x).shape, [64, 16, 30]);
  assert.equal(m6.h.map((t) => t.shape), [[2, 64, 64], [2, 64, 64]]);
  m6.reset();
  assert.is(m6.h[0].abs().sum().item() + m6.h[1].abs().sum().item(), 0);
});
models('LMModel7: one tied Parameter for i_h and h_o; [pred, raw, dropped] with dropout in training only', () => {
  manualSeed(1);
  const m = new LMModel7(30, 64, 2, 0.4);
  assert.is(m.hO.weight, m.iH.weight);
  assert.is(m.parameters().length, 10, 'the tied weight counts once (LMModel6 has 11)');
  assert.is(new LMModel6(30, 64, 2).parameters().length, 11);
  const [x] = L.sequences.train.oneBatch();
  const [pred, raw, dropped] = m.call(x) as [Tensor, Tensor, Tensor];
  assert.equal([pred.shape, raw.shape, dropped.shape], [[64, 16, 30], [64, 16, 64], [64, 16, 64]]);
  const zeroed = dropped.eq(0).float().mean().item();
  assert.ok(zeroed > 0.35 && zeroed < 0.45, `dropout 0.4 zeroed ${zeroed}`);
  m.eval();
  m.reset();
  const [, raw2, dropped2] = m.call(x) as [Tensor, Tensor, Tensor];
  assert.equal(flat(raw2), flat(dropped2), 'no dropout in eval');
});
models('the book\'s Dropout: a Bernoulli(1 − p) mask ÷ (1 − p) in training, the identity in eval', () => {
  manualSeed(3);
  const d = new Dropout(0.5), x = ones(20000);
  const y = d.call(x);
  assert.ok(flat(y).every((v) => v === 0 || v === 2));
  assert.ok(Math.abs(y.mean().item() - 1) < 0.03, `mean ${y.mean().item()}`);
  d.eval();
  assert.is(d.call(x), x);
});
models('LSTMCell from scratch, both forms, equals nn.LSTMCell given its weights (forward and gradient)', () => {
  manualSeed(2);
  const lib = new nn.LSTMCell(5, 7), a = new LSTMCell(5, 7), b = new LSTMCellChunked(5, 7);
  loadFromLibrary(a, cellWeights(lib));
  loadFromLibrary(b, cellWeights(lib));
  const x = randn(3, 5), h = randn(3, 7), c = randn(3, 7);
  const grads = (f: (xi: Tensor) => readonly [Tensor, Tensor]): [Tensor, Tensor, Tensor] => {
    const xi = x.clone().requiresGrad_();
    const [h2, c2] = f(xi);
    h2.sum().add(c2.mul(c2).sum()).backward();
    return [h2, c2, xi.grad!];
  };
  const want = grads((xi) => lib.call(xi, [h, c]));
  for (const [name, cell] of [['LSTMCell', a], ['LSTMCellChunked', b]] as const) {
    const got = grads((xi) => cell.call(xi, [h, c])[1]);
    ['h', 'c', '∂/∂x'].forEach((w, i) => close(got[i]!, want[i]!, 1e-6, `${name} ${w}`));
  }
});
models('an LSTM and a GRU stacked from scratch equal nn.LSTM and nn.GRU (2 layers, batch first)', () => {
  manualSeed(4);
  const xs = randn(3, 6, 5), h0 = randn(2, 3, 7), c0 = randn(2, 3, 7);
  const lstm = new nn.LSTM(5, 7, { numLayers: 2, batchFirst: true }), ls = new LSTMFromScratch(5, 7, 2);
  ([...ls.cells] as LSTMCellChunked[]).forEach((cell, l) => { const w = lstm.layerWeights(l); loadFromLibrary(cell, { wIh: w.wIh, wHh: w.wHh, bIh: w.bIh!, bHh: w.bHh! }); });
  const [o1, [h1, c1]] = lstm.call(xs, [h0, c0]), [o2, [h2, c2]] = ls.call(xs, [h0, c0]);
  close(o2, o1, 1e-6, 'LSTM output');
  close(h2, h1, 1e-6, 'LSTM hN');
  close(c2, c1, 1e-6, 'LSTM cN');
  const gru = libraryGRU(5, 7, 2), gs = new GRUFromScratch(5, 7, 2).loadFromLibrary(gru);
  const [g1, gh1] = gru.call(xs, h0), [g2, gh2] = gs.call(xs, h0);
  close(g2, g1, 1e-6, 'GRU output');
  close(gh2, gh1, 1e-6, 'GRU hN');
  g1.pow(2).sum().add(gh1.sum()).backward();
  g2.pow(2).sum().add(gh2.sum()).backward();
  const cells = [...gs.cells] as GRUCell[];
  for (const l of [0, 1]) {
    const w = gru.layerWeights(l);
    close(cells[l]!.ih.weight.grad!, w.wIh.grad!, 1e-5, `∂/∂weight_ih_l${l}`);
    close(cells[l]!.hh.weight.grad!, w.wHh.grad!, 1e-5, `∂/∂weight_hh_l${l}`);
    close(cells[l]!.hh.bias!.grad!, w.bHh!.grad!, 1e-5, `∂/∂bias_hh_l${l}`);
  }
});
models.run();

const train = suite('ch12 a shortened LMModel6 run beside PyTorch 1.13');
train('LMModel6, fit_one_cycle(1, 1e-2), from numpy-drawn weights: PyTorch\'s valid loss and accuracy, inside the measured band', () => {
  // From the same weights, with no shuffling and no dropout, the run is deterministic up to float
  // rounding: PyTorch 1.13 running the book's code with fastai's loop (scripts/fixtures/ch12_lm.py)
  // is the oracle. Seeds 1–5, valid loss / accuracy; groundup measured on all five seeds agrees
  // with PyTorch within 2e-7 in the loss and exactly in the accuracy:
  //   1.9040 / 0.3223, 1.9566 / 0.3164, 1.9014 / 0.3659, 1.8507 / 0.3823, 1.8891 / 0.3801.
  // The tolerances allow for summation-order differences between backends over 49 Adam steps (a
  // few argmax flips among 12,288 predictions). The band is that range of the five seeds widened
  // by 0.04: one epoch lifts the LSTM from the 15% baseline to about a third right (the book's
  // 15-epoch 0.7585 is the lesson's run).
  const seed = 1;
  const want = fixture.short.runs.find((r) => r.seed === seed)!;
  const accs = fixture.short.runs.map((r) => r.accuracy[0]!);
  const band = [Math.min(...accs) - 0.04, Math.max(...accs) + 0.04] as const;
  const model = new LMModel6(30, 64, 2);
  numpyInit(model, seed);
  const r = run('LMModel6');
  const learn = learnerFor(r, L.sequences, 30, { model, progress: false });
  learn.logger = () => {};
  const acc = fitRun(r, learn, 1)[0]!;
  const loss = learn.recorder.values[0]![1]!;
  assert.ok(Math.abs(loss - want.validLoss[0]!) < 2e-3, `valid loss ${loss} vs PyTorch's ${want.validLoss[0]}`);
  assert.ok(Math.abs(acc - want.accuracy[0]!) < 5e-3, `accuracy ${acc} vs PyTorch's ${want.accuracy[0]}`);
  assert.ok(acc >= band[0] && acc <= band[1], `accuracy ${acc} outside [${band}]`);
});
train.run();
