// RNN, LSTM, GRU and their cells against PyTorch (test/fixtures/rnn.json, from
// scripts/fixtures/rnn.py): each case builds the module, loads torch's state dict, runs forward
// from torch's input (and initial state), then backward with torch's upstream gradients for the
// output and the final state(s); the outputs, final states and the gradients of the input, the
// initial states and every parameter must match. Then gradcheck in float64, safetensors files both
// ways with PyTorch, initialisation, dropout between layers, and the ShapeErrors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gradcheck, manualSeed, noGrad, ones, randn, Generator, ShapeError, Tensor } from 'groundup';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, deserializeSafetensors, loadSafetensors, serializeSafetensors, torchKey, F, type AnyModule } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { close, dec, fixturePath, readFixture, type TensorJson } from './helpers/fixtures.ts';

interface Config { input: number; hidden: number; numLayers?: number; nonlinearity?: 'tanh' | 'relu'; bias?: boolean; batchFirst?: boolean; bidirectional?: boolean; dropout?: number }
interface Case {
  name: string; kind: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell'; config: Config; train: boolean;
  state: Record<string, TensorJson>; input: TensorJson; h0?: TensorJson; c0?: TensorJson;
  output?: TensorJson; hN: TensorJson; cN?: TensorJson; gradOutput?: TensorJson; gradHN: TensorJson; gradCN?: TensorJson;
  gradInput: TensorJson; gradH0?: TensorJson; gradC0?: TensorJson; gradParams: Record<string, TensorJson>;
}
const fx = readFixture<{ cases: Case[] }>('rnn.json');

function build(c: Case): AnyModule {
  const k = c.config, dtype = c.input.dtype === 'float64' ? 'float64' as const : 'float32' as const;
  const layer = { numLayers: k.numLayers ?? 1, bias: k.bias ?? true, batchFirst: k.batchFirst ?? false, bidirectional: k.bidirectional ?? false, dropout: k.dropout ?? 0, dtype };
  switch (c.kind) {
    case 'RNN': return new RNN(k.input, k.hidden, { ...layer, nonlinearity: k.nonlinearity ?? 'tanh' }) as unknown as AnyModule;
    case 'LSTM': return new LSTM(k.input, k.hidden, layer) as unknown as AnyModule;
    case 'GRU': return new GRU(k.input, k.hidden, layer) as unknown as AnyModule;
    case 'RNNCell': return new RNNCell(k.input, k.hidden, { bias: k.bias ?? true, nonlinearity: k.nonlinearity ?? 'tanh', dtype }) as unknown as AnyModule;
    case 'LSTMCell': return new LSTMCell(k.input, k.hidden, { bias: k.bias ?? true, dtype }) as unknown as AnyModule;
    case 'GRUCell': return new GRUCell(k.input, k.hidden, { bias: k.bias ?? true, dtype }) as unknown as AnyModule;
  }
}

/** Σ output·gradOutput over every returned tensor: its backward is torch.autograd.backward(outputs, grads). */
const weighted = (pairs: [Tensor, TensorJson | undefined][]): Tensor =>
  pairs.filter(([, g]) => g).map(([t, g]) => t.mul(dec(g!)).sum()).reduce((a, b) => a.add(b));

const parity = suite('nn: RNN / LSTM / GRU and cells vs PyTorch (forward and gradients)');
for (const c of fx.cases) {
  parity(`${c.kind}: ${c.name}`, () => {
    const m = build(c);
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([key, v]) => [key, dec(v)])));
    m.train(c.train);
    const f64 = c.input.dtype === 'float64';
    const [atol, rtol] = f64 ? [1e-10, 1e-8] : [2e-5, 1e-4];
    const x = dec(c.input).requiresGrad_();
    const h0 = c.h0 ? dec(c.h0).requiresGrad_() : null, c0 = c.c0 ? dec(c.c0).requiresGrad_() : null;
    const isLstm = c.kind === 'LSTM' || c.kind === 'LSTMCell';
    const state = isLstm ? (h0 ? [h0, c0] : null) : h0;
    const res = m.call(x, state) as Tensor | [Tensor, Tensor] | [Tensor, [Tensor, Tensor]];
    let out: Tensor | null = null, hN: Tensor, cN: Tensor | null = null;
    if (c.kind === 'LSTM') [out, [hN, cN]] = res as [Tensor, [Tensor, Tensor]];
    else if (c.kind === 'LSTMCell') [hN, cN] = res as [Tensor, Tensor];
    else if (c.kind.endsWith('Cell')) hN = res as Tensor;
    else [out, hN] = res as [Tensor, Tensor];
    if (out) close(out, c.output!, 'output', atol, rtol);
    close(hN, c.hN, 'hN', atol, rtol);
    if (cN) close(cN, c.cN!, 'cN', atol, rtol);
    weighted([...(out ? [[out, c.gradOutput]] as [Tensor, TensorJson | undefined][] : []), [hN, c.gradHN], ...(cN ? [[cN, c.gradCN]] as [Tensor, TensorJson | undefined][] : [])]).backward();
    close(x.grad, c.gradInput, 'input gradient', atol, rtol);
    if (h0) close(h0.grad, c.gradH0!, 'h0 gradient', atol, rtol);
    if (c0) close(c0.grad, c.gradC0!, 'c0 gradient', atol, rtol);
    const names = m.namedParameters().map(([n]) => torchKey(n));
    assert.equal(names, Object.keys(c.gradParams), 'parameter names, in PyTorch\'s order');
    for (const [n, p] of m.namedParameters()) close(p.grad, c.gradParams[torchKey(n)]!, `gradient of ${torchKey(n)}`, atol, rtol);
  });
}
parity.run();

// ---------------------------------------------------------------- gradcheck (float64)
const gc = suite('nn: gradcheck of the recurrent layers (float64)');
const gen = new Generator(31);
const R = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64', generator: gen }).requiresGrad_();
gc('RNN tanh and relu, 2 layers, bidirectional: input and initial state', () => {
  for (const nl of ['tanh', 'relu'] as const) {
    const m = new RNN(3, 4, { numLayers: 2, bidirectional: true, nonlinearity: nl, dtype: 'float64' });
    assert.ok(gradcheck((x, h) => m.call(x, h)[0], [R(4, 2, 3), R(4, 2, 4)]), nl);
  }
});
gc('LSTM: output and both final states, from the input, h0 and c0', () => {
  const m = new LSTM(3, 4, { numLayers: 2, batchFirst: true, dtype: 'float64' });
  assert.ok(gradcheck((x, h, c) => { const [o, [hn, cn]] = m.call(x, [h, c]); return o.sum().add(hn.mul(2).sum()).add(cn.square().sum()); },
    [R(2, 5, 3), R(2, 2, 4), R(2, 2, 4)]));
});
gc('GRU and the weights themselves (through F.rnnLayer)', () => {
  const m = new GRU(2, 3, { dtype: 'float64' });
  assert.ok(gradcheck((x) => m.call(x)[0], [R(3, 2, 2)]));
  for (const mode of ['GRU', 'LSTM', 'RNN_TANH'] as const) {
    const G = mode === 'GRU' ? 3 : mode === 'LSTM' ? 4 : 1;
    const x = R(4, 2, 3), h0 = R(2, 3).detach(), c0 = mode === 'LSTM' ? R(2, 3).detach() : null;
    assert.ok(gradcheck((wIh, wHh, bIh, bHh) => F.rnnLayer(mode, x, h0, c0, { wIh, wHh, bIh, bHh })[0],
      [R(G * 3, 3), R(G * 3, 3), R(G * 3), R(G * 3)]), mode);
  }
});
gc('the cells', () => {
  const rc = new RNNCell(3, 2, { dtype: 'float64' }), lc = new LSTMCell(3, 2, { dtype: 'float64' }), gcell = new GRUCell(3, 2, { dtype: 'float64' });
  assert.ok(gradcheck((x, h) => rc.call(x, h), [R(2, 3), R(2, 2)]));
  assert.ok(gradcheck((x, h, c) => { const [a, b] = lc.call(x, [h, c]); return a.add(b.mul(3)); }, [R(2, 3), R(2, 2), R(2, 2)]));
  assert.ok(gradcheck((x, h) => gcell.call(x, h), [R(2, 3), R(2, 2)]));
});
gc.run();

// ---------------------------------------------------------------- safetensors with PyTorch
interface LstmIo { config: { input: number; hidden: number; numLayers: number; batchFirst: boolean }; keys: string[]; input: TensorJson; h0?: TensorJson; c0?: TensorJson; output: TensorJson; hN: TensorJson; cN: TensorJson }
const io = suite('nn: LSTM safetensors files both ways with PyTorch');
const lstmFor = (k: LstmIo['config']): LSTM => new LSTM(k.input, k.hidden, { numLayers: k.numLayers, batchFirst: k.batchFirst });
io('a 2-layer LSTM written by PyTorch loads strictly, gives torch\'s outputs, and saves back to the same tensors', () => {
  const ref = readFixture<LstmIo>('rnn-torch-lstm.json');
  const { tensors } = loadSafetensors(fixturePath('rnn-torch-lstm.safetensors'));
  assert.equal(Object.keys(tensors), ref.keys);
  const m = lstmFor(ref.config);
  assert.equal(Object.keys(m.stateDict()), ref.keys, 'groundup names its parameters as PyTorch');
  assert.equal(m.loadStateDict(tensors), { missingKeys: [], unexpectedKeys: [] });
  const [out, [hN, cN]] = noGrad(() => m.call(dec(ref.input), [dec(ref.h0!), dec(ref.c0!)]));
  close(out, ref.output, 'output');
  close(hN, ref.hN, 'hN');
  close(cN, ref.cN, 'cN');
  const again = deserializeSafetensors(serializeSafetensors(m.stateDict())).tensors;
  for (const k of ref.keys) assert.ok(again[k]!.equal(tensors[k]!), k);
});
io('the LSTM groundup wrote for PyTorch (checked by rnn.py in torch) reads back with its outputs', () => {
  const ref = readFixture<LstmIo>('rnn-groundup-lstm.json');
  const { tensors, metadata } = loadSafetensors(fixturePath('rnn-groundup-lstm.safetensors'));
  assert.equal({ ...metadata }, { format: 'pt', writer: 'groundup' });
  const m = lstmFor(ref.config);
  m.loadStateDict(tensors);
  const [out, [hN, cN]] = noGrad(() => m.call(dec(ref.input)));
  close(out, ref.output, 'output', 1e-6, 1e-6);
  close(hN, ref.hN, 'hN', 1e-6, 1e-6);
  close(cN, ref.cN, 'cN', 1e-6, 1e-6);
});
io.run();

// ---------------------------------------------------------------- init, dropout, shapes
const beh = suite('nn: recurrent layers: initialisation, dropout, layouts');
beh('every parameter is drawn from U(−1/√hidden, 1/√hidden), repeatably under manualSeed', () => {
  manualSeed(5);
  const m = new LSTM(30, 64, { numLayers: 2 });
  const k = 1 / 8;
  const all = m.parameters().flatMap((p) => Array.from(p.dataSync()));
  assert.ok(all.every((v) => v >= -k && v <= k));
  const mean = all.reduce((a, b) => a + b, 0) / all.length, sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  assert.ok(Math.abs(mean) < 2e-3 && Math.abs(sd - (2 * k) / Math.sqrt(12)) < 1e-3, `mean ${mean}, sd ${sd}`);
  manualSeed(5);
  assert.ok(new LSTM(30, 64, { numLayers: 2 }).weightHhL1!.equal(m.weightHhL1!));
  assert.equal([...m.weightIhL0!.shape], [256, 30]);
  assert.equal([...new GRU(3, 5).weightIhL0!.shape], [15, 3]);
  assert.equal([...new RNNCell(3, 5).weightHh.shape], [5, 5]);
  assert.equal(String(new LSTM(64, 64, { numLayers: 2, batchFirst: true, dropout: 0.4 })), 'LSTM(64, 64, num_layers=2, batch_first=True, dropout=0.4)');
});
beh('dropout acts between layers in training only: with p = 1 the second layer sees zeros', () => {
  const m = new RNN(3, 4, { numLayers: 2, dropout: 1 });
  const x = randn(5, 2, 3);
  const [yTrain] = m.call(x);
  const ref = new RNN(4, 4);
  ref.loadStateDict({ weight_ih_l0: m.weightIhL1!, weight_hh_l0: m.weightHhL1!, bias_ih_l0: m.biasIhL1!, bias_hh_l0: m.biasHhL1! });
  assert.ok(yTrain.allclose(ref.call(randn(5, 2, 4).mul(0))[0], 1e-5, 1e-6));
  m.eval();
  assert.not.ok(m.call(x)[0].allclose(yTrain));
  const d = new LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
  manualSeed(9);
  const a = d.call(x)[0];
  manualSeed(9);
  assert.ok(d.call(x)[0].equal(a), 'masks come from the seeded generator');
});
beh('batchFirst transposes the input and output only; the state stays [layers, batch, hidden]', () => {
  const a = new GRU(3, 4, { numLayers: 2 }), b = new GRU(3, 4, { numLayers: 2, batchFirst: true });
  b.loadStateDict(a.stateDict());
  const x = randn(6, 2, 3), h0 = randn(2, 2, 4);
  const [ya, ha] = a.call(x, h0), [yb, hb] = b.call(x.transpose(0, 1).contiguous(), h0);
  assert.ok(yb.transpose(0, 1).allclose(ya) && hb.allclose(ha));
  assert.equal([...yb.shape], [2, 6, 4]);
});
beh('the layers are the cells run over time; an unbatched sequence matches a batch of one', () => {
  const lstm = new LSTM(3, 4), cell = new LSTMCell(3, 4);
  cell.loadStateDict({ weight_ih: lstm.weightIhL0!, weight_hh: lstm.weightHhL0!, bias_ih: lstm.biasIhL0!, bias_hh: lstm.biasHhL0! });
  const x = randn(5, 2, 3);
  let s: [Tensor, Tensor] | null = null;
  const outs: Tensor[] = [];
  for (const xt of x.unbind(0)) { s = cell.call(xt, s); outs.push(s[0]); }
  const [y, [hN, cN]] = lstm.call(x);
  outs.forEach((o, t) => assert.ok(o.allclose(y.at(t), 1e-6, 1e-6)));
  assert.ok(hN.at(0).allclose(s![0]) && cN.at(0).allclose(s![1]));
  const [yu, [hu]] = lstm.call(x.at(':', 0));
  assert.ok(yu.allclose(y.at(':', 0), 1e-6, 1e-6) && hu.allclose(hN.at(':', 0), 1e-6, 1e-6));
  assert.equal([...new GRUCell(3, 4).call(ones(3)).shape], [4]);
});
beh.run();

const errs = suite('nn: recurrent layers name the expected shapes in their ShapeErrors');
errs('wrong input rank or feature size', () => {
  throwsNamed(() => new LSTM(10, 20).call(randn(10)), ShapeError, 'LSTM', '[seq, batch, 10]', 'unbatched [seq, 10]', '1-D');
  throwsNamed(() => new LSTM(10, 20).call(randn(4, 5, 6, 10)), ShapeError, '4-D', '[4, 5, 6, 10]');
  throwsNamed(() => new GRU(10, 20, { batchFirst: true }).call(randn(3, 5, 8)), ShapeError, 'GRU', 'input_size = 10', '8 features', '[batch, seq, 10]');
  throwsNamed(() => new RNN(4, 2).call(randn(3, 2, 5)), ShapeError, 'RNN', 'input_size = 4');
  throwsNamed(() => new LSTMCell(4, 2).call(randn(3, 2, 4)), ShapeError, 'LSTMCell', '[batch, 4]', '3-D');
  throwsNamed(() => new GRUCell(4, 2).call(randn(3, 5)), ShapeError, 'GRUCell', 'input_size = 4');
});
errs('wrong state shapes', () => {
  throwsNamed(() => new LSTM(3, 4, { numLayers: 2 }).call(randn(5, 2, 3), [randn(1, 2, 4), randn(2, 2, 4)]), ShapeError,
    'hidden state h0 [2, 2, 4]', 'got [1, 2, 4]');
  throwsNamed(() => new LSTM(3, 4, { numLayers: 2 }).call(randn(5, 2, 3), [randn(2, 2, 4), randn(2, 3, 4)]), ShapeError, 'cell state c0 [2, 2, 4]');
  throwsNamed(() => new GRU(3, 4, { bidirectional: true }).call(randn(5, 2, 3), randn(1, 2, 4)), ShapeError, '[2, 2, 4]', 'num_layers·num_directions');
  throwsNamed(() => new RNN(3, 4).call(randn(5, 3), randn(1, 2, 4)), ShapeError, '[1, 4]', 'got [1, 2, 4]');
  throwsNamed(() => new RNNCell(3, 4).call(randn(2, 3), randn(4)), ShapeError, 'hidden state [2, 4]');
  throwsNamed(() => new LSTMCell(3, 4).call(randn(2, 3), [randn(2, 4), randn(2, 5)]), ShapeError, 'cell state [2, 4]', 'got [2, 5]');
  throwsNamed(() => new LSTM(3, 0), RangeError, 'hiddenSize');
  throwsNamed(() => new GRU(3, 4, { dropout: 2 }), RangeError, 'dropout');
});
errs.run();
