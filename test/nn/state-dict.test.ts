// stateDict / loadStateDict: PyTorch's keys (camelCase attributes in snake_case), tensors that
// share memory with the model, round trips, strict and non-strict loading, and errors that name
// every missing, unexpected and mis-shaped key while loading nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, randn, zeros, SerializationError, type Tensor } from 'groundup';
import { BatchNorm1d, Linear, Module, Parameter, Sequential, ReLU, torchKey } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';

class Net extends Module {
  hiddenLayer = new Linear(4, 3);
  norm = new BatchNorm1d(3);
  outputLayer = new Linear(3, 2);
  override forward(x: Tensor): Tensor { return this.outputLayer.call(this.norm.call(this.hiddenLayer.call(x)).relu()); }
}
const KEYS = ['hidden_layer.weight', 'hidden_layer.bias', 'norm.weight', 'norm.bias', 'norm.running_mean', 'norm.running_var',
  'norm.num_batches_tracked', 'output_layer.weight', 'output_layer.bias'];

const sd = suite('nn: stateDict');
sd('keys are PyTorch\'s: dotted paths with camelCase segments in snake_case', () => {
  assert.equal(Object.keys(new Net().stateDict()), KEYS);
  assert.is(torchKey('convBlock.0.runningMean'), 'conv_block.0.running_mean');
  assert.is(torchKey('HTTPServer.layer2Norm'), 'http_server.layer2_norm');
  assert.is(torchKey('already_snake.x'), 'already_snake.x');
});
sd('values share memory with the parameters and buffers, without history', () => {
  const n = new Net();
  const s = n.stateDict();
  assert.ok(s['hidden_layer.weight']!.dataPtrEquals(n.hiddenLayer.weight));
  assert.ok(!s['hidden_layer.weight']!.requiresGrad);
  noGrad(() => s['norm.running_mean']!.fill_(7));
  assert.equal(n.norm.runningMean!.toFlatArray(), [7, 7, 7]);
});
sd('non-persistent buffers are not saved; attribute names that collide are refused', () => {
  class B extends Module { constructor() { super(); this.registerBuffer('keep', zeros(1)); this.registerBuffer('scratch', zeros(1), false); } }
  assert.equal(Object.keys(new B().stateDict()), ['keep']);
  class C extends Module { fooBar = new Parameter(zeros(1)); foo_bar = new Parameter(zeros(1)); }
  throwsNamed(() => new C().stateDict(), SerializationError, "'foo_bar' and 'fooBar'", 'foo_bar');
});
sd.run();

const ld = suite('nn: loadStateDict');
ld('round trip: another model gives the same outputs; the Parameter objects stay the same', () => {
  const a = new Net(), b = new Net();
  a.train();
  noGrad(() => a.call(randn(8, 4)));
  a.eval(); b.eval();
  const w = b.hiddenLayer.weight;
  const r = b.loadStateDict(a.stateDict());
  assert.equal(r, { missingKeys: [], unexpectedKeys: [] });
  assert.is(b.hiddenLayer.weight, w);
  const x = randn(5, 4);
  assert.ok(a.call(x).allclose(b.call(x)));
  assert.is(b.norm.numBatchesTracked!.item(), 1);
});
ld('every missing, unexpected and mis-shaped key is named, and nothing is loaded', () => {
  const n = new Net();
  const before = n.hiddenLayer.bias!.clone();
  const s: Record<string, Tensor> = { ...new Net().stateDict() };
  delete s['norm.running_var'];
  delete s['output_layer.bias'];
  s['extra.weight'] = zeros(1);
  s['head.bias'] = zeros(1);
  s['hidden_layer.weight'] = zeros(4, 3);
  s['norm.weight'] = zeros(4);
  s['hidden_layer.bias'] = randn(3);
  throwsNamed(() => n.loadStateDict(s), SerializationError, 'into Net', 'nothing was loaded',
    "'norm.running_var'", "'output_layer.bias'", "'extra.weight'", "'head.bias'",
    "'hidden_layer.weight': the state dict has shape [4, 3], the model has [3, 4]", "'norm.weight': the state dict has shape [4], the model has [3]");
  assert.ok(n.hiddenLayer.bias!.equal(before), 'nothing was copied');
});
ld('strict: false loads what matches and reports the rest; a shape mismatch still throws', () => {
  const n = new Net();
  const src = new Net().stateDict();
  const partial = { 'hidden_layer.weight': src['hidden_layer.weight']!, 'unknown.key': zeros(2) };
  throwsNamed(() => n.loadStateDict(partial), SerializationError, 'strict: false');
  const r = n.loadStateDict(partial, { strict: false });
  assert.equal(r.unexpectedKeys, ['unknown.key']);
  assert.is(r.missingKeys.length, KEYS.length - 1);
  assert.ok(n.hiddenLayer.weight.equal(src['hidden_layer.weight']!));
  throwsNamed(() => n.loadStateDict({ 'hidden_layer.bias': zeros(5) }, { strict: false }), SerializationError, 'shape mismatch');
});
ld('camelCase keys and Maps are accepted; values are cast to the model\'s dtype; non-tensors are refused', () => {
  const n = new Sequential(new Linear(2, 2), new ReLU());
  const w = randn([2, 2], { dtype: 'float64' });
  n.loadStateDict(new Map([['0.weight', w], ['0.bias', zeros(2)]]));
  assert.is((n.at(0) as Linear).weight.dtype, 'float32');
  assert.ok((n.at(0) as Linear).weight.allclose(w.float()));
  const bn = new BatchNorm1d(2);
  bn.loadStateDict({ weight: zeros(2), bias: zeros(2), runningMean: zeros(2).add(3), runningVar: zeros(2).add(1), numBatchesTracked: zeros([], { dtype: 'int32' }) });
  assert.equal(bn.runningMean!.toFlatArray(), [3, 3]);
  throwsNamed(() => n.loadStateDict({ '0.weight': [[1, 2], [3, 4]] as unknown as Tensor, '0.bias': zeros(2) }), SerializationError, "'0.weight' is object, not a Tensor");
});
ld.run();
