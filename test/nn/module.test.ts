// Module: registration by assignment and explicitly (a plain tensor is not a parameter, ch8),
// dotted names, the ch13 and ch19 parameter counts, train/eval reaching every child, zeroGrad,
// apply, to(dtype), Sequential and ModuleList, forward and backward hooks (removable), and the
// PyTorch-style printed tree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, noGrad, ones, randn, tensor, zeros, IndexError, type Tensor } from 'groundup';
import {
  AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Identity, Linear, Module, ModuleList, Parameter, ReLU, Sequential, Sigmoid,
  F, init, type AnyModule,
} from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';

const count = (m: AnyModule): number => m.parameters().reduce((a, p) => a + p.numel(), 0);

// ---------------------------------------------------------------- registration
const reg = suite('nn: Module registration');

reg('assignment registers Modules and Parameters; a plain tensor attribute is not a parameter (ch8)', () => {
  class T extends Module {
    plain: Tensor = zeros(3);
    constructor() { super(); }
  }
  assert.is(new T().parameters().length, 0);
  class P extends Module {
    w = new Parameter(zeros(3));
  }
  assert.is(new P().parameters().length, 1);
  class L extends Module {
    lin: Linear;
    constructor() { super(); this.lin = new Linear(2, 3); }
  }
  const l = new L();
  assert.equal(l.namedParameters().map(([n]) => n), ['lin.weight', 'lin.bias']);
  assert.ok(l.parameters()[0] instanceof Parameter);
  assert.ok(l.parameters().every((p) => p.requiresGrad));
});

reg('explicit registration: registerParameter, registerBuffer, registerModule, with order kept', () => {
  class E extends Module {
    a = new Linear(1, 1);
    constructor() {
      super();
      this.registerModule('b', new ReLU());
      this.registerBuffer('count', zeros(1));
      this.registerParameter('scale', new Parameter(ones(1)));
      this.registerBuffer('scratch', zeros(2), false);
    }
  }
  const e = new E();
  assert.equal(e.namedChildren().map(([n]) => n), ['a', 'b']);
  assert.equal(e.namedParameters().map(([n]) => n), ['scale', 'a.weight', 'a.bias']);
  assert.equal(e.namedBuffers().map(([n]) => n), ['count', 'scratch']);
  assert.equal(Object.keys(e.stateDict()), ['scale', 'count', 'a.weight', 'a.bias'], 'parameters, then buffers, then children');
  assert.ok((e as unknown as { b: unknown }).b instanceof ReLU, 'registerModule also sets the attribute');
  throwsNamed(() => e.registerParameter('w', zeros(2) as unknown as Parameter), TypeError, 'new Parameter');
  throwsNamed(() => e.registerModule('forward', new ReLU()), TypeError, 'already a method');
  throwsNamed(() => e.registerBuffer('a.b', zeros(1)), TypeError, "without '.'");
});

reg('reassigning replaces, null removes; a shared parameter or module is listed once', () => {
  class S extends Module {
    one = new Linear(2, 2);
    two: Linear | null = null;
    bias: Parameter | null = new Parameter(zeros(2));
  }
  const s = new S();
  s.two = s.one;
  assert.is(s.parameters().length, 3);
  assert.is(s.children().length, 1);
  s.bias = null;
  assert.is(s.parameters().length, 2);
  s.one = new Linear(2, 2);
  assert.is(s.parameters().length, 4);
  assert.equal(s.namedParameters().map(([n]) => n), ['one.weight', 'one.bias', 'two.weight', 'two.bias']);
});

reg('Parameter shares memory, is a leaf, and prints like PyTorch', () => {
  const t = tensor([1, 2]);
  const p = new Parameter(t);
  assert.ok(p.isLeaf && p.requiresGrad && p.dataPtrEquals(t));
  assert.is(String(p), 'Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  assert.is(new Parameter(tensor([1, 2], { dtype: 'int32' }), false).requiresGrad, false);
  throwsNamed(() => new Parameter(tensor([1, 2], { dtype: 'int32' })), Error, 'floating');
  const y = randn(2).requiresGrad_().mul(2);
  assert.ok(new Parameter(y).isLeaf, 'wrapping cuts history');
});

// ---------------------------------------------------------------- counts and names
const counts = suite('nn: parameter counts and names');

counts('ch13 3-vs-7 CNN: 40, 296, 1168, 4640, 578 = 6722; output [64, 2]', () => {
  const conv = (ni: number, nf: number, act = true): AnyModule =>
    act ? new Sequential(new Conv2d(ni, nf, 3, { stride: 2, padding: 1 }), new ReLU()) : new Conv2d(ni, nf, 3, { stride: 2, padding: 1 });
  const cnn = new Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, false), new Flatten());
  assert.equal(cnn.children().slice(0, 5).map(count), [40, 296, 1168, 4640, 578]);
  assert.is(count(cnn), 6722);
  assert.equal([...noGrad(() => cnn.call(randn(64, 1, 28, 28))).shape], [64, 2]);
  assert.equal(cnn.namedParameters().map(([n]) => n).slice(0, 3), ['0.0.weight', '0.0.bias', '1.0.weight']);
});

counts('ch13 full-MNIST simple_cnn with BatchNorm: 30,282 conv + 260 BN parameters', () => {
  const conv = (ni: number, nf: number, ks = 3): AnyModule => new Sequential(new Conv2d(ni, nf, ks, { stride: 2, padding: Math.floor(ks / 2) }), new BatchNorm2d(nf), new ReLU());
  const cnn = new Sequential(conv(1, 8, 5), conv(8, 16), conv(16, 32), conv(32, 64), conv(64, 10), new Flatten());
  const convs = cnn.modules().filter((m) => m instanceof Conv2d);
  assert.is(convs.map(count).reduce((a, b) => a + b), 30282);
  assert.is(cnn.modules().filter((m) => m instanceof BatchNorm2d).map(count).reduce((a, b) => a + b), 260);
});

counts('ch19: ConvLayer 2 params, test module 4, simple_cnn 10 parameter tensors and [N,10] output', () => {
  class ConvLayer extends Module {
    weight: Parameter; bias: Parameter;
    constructor(ni: number, nf: number, readonly stride = 2) {
      super();
      this.weight = new Parameter(zeros(nf, ni, 3, 3));
      this.bias = new Parameter(zeros(nf));
      init.kaimingNormal_(this.weight);
    }
    override forward(x: Tensor): Tensor { return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: 1 }).relu(); }
  }
  assert.is(new ConvLayer(3, 4).parameters().length, 2);
  class TestModule extends Module { c = new ConvLayer(3, 4); l = new Linear(4, 2); }
  assert.is(new TestModule().parameters().length, 4);
  const simple = new Sequential(new ConvLayer(3, 16), new ConvLayer(16, 32), new ConvLayer(32, 64), new ConvLayer(64, 128),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(128, 10));
  assert.is(simple.parameters().length, 10);
  assert.equal([...noGrad(() => simple.call(randn(2, 3, 64, 64))).shape], [2, 10]);
});

counts('modules(), namedModules() and getSubmodule', () => {
  const m = new Sequential(new Linear(2, 3), new Sequential(new ReLU(), new Linear(3, 1)));
  assert.equal(m.namedModules().map(([n]) => n), ['', '0', '1', '1.0', '1.1']);
  assert.is(m.modules().length, 5);
  assert.ok(m.getSubmodule('1.1') instanceof Linear);
  throwsNamed(() => m.getSubmodule('1.7'), IndexError, "no submodule '7'", '0, 1');
});

// ---------------------------------------------------------------- modes and bulk operations
const modes = suite('nn: train/eval, zeroGrad, apply, to');

modes('train() and eval() reach every descendant', () => {
  const m = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5), new BatchNorm2d(2)));
  assert.ok(m.modules().every((x) => x.training));
  m.eval();
  assert.ok(m.modules().every((x) => !x.training));
  m.train();
  assert.ok(m.modules().every((x) => x.training));
  m.getSubmodule('1').eval();
  assert.equal(m.modules().map((x) => x.training), [true, true, false, false, false]);
});

modes('zeroGrad zeroes grads in place by default (PyTorch 1.13), or sets them to null; requiresGrad_ freezes', () => {
  const m = new Linear(3, 2);
  m.call(randn(4, 3)).sum().backward();
  assert.ok(m.weight.grad && m.bias!.grad);
  const g = m.weight.grad!;
  m.zeroGrad();
  assert.is(m.weight.grad, g, 'the same tensor, zeroed');
  assert.is(m.weight.grad!.abs().sum().item(), 0);
  m.zeroGrad(true);
  assert.is(m.weight.grad, null);
  m.call(randn(4, 3)).sum().backward();
  m.zeroGrad({ setToNone: true });
  assert.is(m.weight.grad, null);
  m.requiresGrad_(false);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
});

modes('apply visits children first, then the module itself', () => {
  const seen: string[] = [];
  const m = new Sequential(new Linear(2, 2), new ReLU());
  m.apply((x) => { seen.push(x.constructor.name); });
  assert.equal(seen, ['Linear', 'ReLU', 'Sequential']);
  m.apply((x) => { if (x instanceof Linear) init.zeros_(x.weight); });
  assert.is((m.at(0) as Linear).weight.abs().sum().item(), 0);
});

modes('double() converts parameters and floating buffers, keeping int buffers', () => {
  const m = new Sequential(new Linear(2, 2), new BatchNorm2d(2)).double();
  assert.ok(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad && p instanceof Parameter));
  const bn = m.at(1) as BatchNorm2d;
  assert.is(bn.runningMean!.dtype, 'float64');
  assert.is(bn.numBatchesTracked!.dtype, 'int32');
  assert.is(noGrad(() => (m.at(0) as Linear).call(randn([3, 2], { dtype: 'float64' }))).dtype, 'float64');
});

// ---------------------------------------------------------------- containers
const cont = suite('nn: Sequential and ModuleList');

cont('Sequential: call chains, at/length/slice/append/iteration, named children from a record', () => {
  manualSeed(1);
  const l1 = new Linear(3, 4), l2 = new Linear(4, 1);
  const s = new Sequential(l1, new ReLU(), l2);
  const x = randn(5, 3);
  assert.ok(s.call(x).allclose(l2.call(l1.call(x).relu())));
  assert.is(s.length, 3);
  assert.is(s.at(-1), l2);
  assert.is(s.slice(0, 2).length, 2);
  assert.is(s.slice(1).at(1), l2);
  assert.equal([...s].map((m) => m.constructor.name), ['Linear', 'ReLU', 'Linear']);
  s.append(new Sigmoid());
  assert.is(s.length, 4);
  throwsNamed(() => s.at(4), IndexError, 'out of range');
  const named = new Sequential({ body: new Linear(2, 2), act: new ReLU() });
  assert.equal(named.namedChildren().map(([n]) => n), ['body', 'act']);
  assert.equal(Object.keys(named.stateDict()), ['body.weight', 'body.bias']);
});

cont('Sequential runs a layer given twice twice, and counts its parameters once', () => {
  const l = new Linear(2, 2);
  const s = new Sequential(l, l);
  const x = randn(1, 2);
  assert.ok(s.call(x).allclose(l.call(l.call(x))));
  assert.is(s.parameters().length, 2);
});

cont('ModuleList registers its items (a plain array would not be)', () => {
  class Tower extends Module {
    layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    loose = [new Linear(2, 2)];
    override forward(x: Tensor): Tensor { for (const l of this.layers) x = (l as Linear).call(x); return x; }
  }
  const t = new Tower();
  assert.equal(t.namedParameters().map(([n]) => n), ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  t.layers.append(new Identity());
  assert.is(t.layers.length, 3);
  assert.equal([...t.call(randn(1, 2)).shape], [1, 2]);
});

// ---------------------------------------------------------------- hooks
const hooks = suite('nn: forward and backward hooks');

hooks('forward pre-hook and forward hook see input and output; a hook may replace the output; remove() stops them', () => {
  const lin = new Linear(3, 2);
  const log: string[] = [];
  const pre = lin.registerForwardPreHook((m, input) => { log.push(`pre ${input[0].shape}`); });
  const h = lin.registerForwardHook((m, input, out) => { log.push(`${m.constructor.name} ${input[0].shape} -> ${out.shape}`); });
  const x = randn(4, 3);
  const y = lin.call(x);
  assert.equal(log, ['pre 4,3', 'Linear 4,3 -> 4,2']);
  lin.forward(x);
  assert.is(log.length, 2, 'forward() alone runs no hooks');
  const r = lin.registerForwardHook((_m, _i, out) => out.mul(0));
  assert.is(lin.call(x).abs().sum().item(), 0);
  r.remove(); h.remove(); pre.remove();
  assert.ok(lin.call(x).allclose(y));
  assert.is(log.length, 4);
  h.remove();
});

hooks('ch19-style stats hooks on every layer of a Sequential', () => {
  const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
  const stats: [number, number][] = [];
  const handles = model.children().map((m) => m.registerForwardHook((_m, _i, o) => { const t = o as Tensor; stats.push([t.mean().item(), t.std().item()]); }));
  noGrad(() => model.call(randn(16, 4)));
  assert.is(stats.length, 3);
  handles.forEach((h) => h.remove());
  noGrad(() => model.call(randn(16, 4)));
  assert.is(stats.length, 3);
});

hooks('full backward hook: gradInput and gradOutput equal the autograd gradients; removable', () => {
  manualSeed(3);
  const lin = new Linear(3, 2);
  const x = randn(4, 3).requiresGrad_();
  const g = randn(4, 2);
  let seen: { gi: (Tensor | null)[]; go: (Tensor | null)[] } | null = null;
  const h = lin.registerFullBackwardHook((_m, gi, go) => { seen = { gi, go }; });
  lin.call(x).backward(g);
  assert.ok(seen);
  const s = seen as unknown as { gi: Tensor[]; go: Tensor[] };
  assert.ok(s.go[0]!.allclose(g));
  assert.ok(s.gi[0]!.allclose(g.matmul(lin.weight.detach())));
  assert.ok(x.grad!.allclose(s.gi[0]!));
  h.remove();
  seen = null;
  lin.call(x).backward(g);
  assert.is(seen, null);
});

hooks('backward hook on a first layer (input without grad) fires with gradInput [null], like Grad-CAM hooks', () => {
  const conv = new Conv2d(1, 2, 3);
  let go: Tensor | null = null, gi: (Tensor | null)[] = [];
  conv.registerFullBackwardHook((_m, i, o) => { gi = i; go = o[0]!; });
  conv.call(randn(1, 1, 5, 5)).sum().backward();
  assert.equal(gi, [null]);
  assert.equal([...(go as unknown as Tensor).shape], [1, 2, 3, 3]);
});

hooks('a backward hook may replace gradInput; modules with two inputs see both gradients at once', () => {
  const lin = new Linear(2, 2);
  const x = randn(3, 2).requiresGrad_();
  lin.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(0)]);
  lin.call(x).sum().backward();
  assert.is(x.grad!.abs().sum().item(), 0);
  class Mul extends Module { override forward(a: Tensor, b: Tensor): Tensor { return a.mul(b); } }
  const m = new Mul();
  const a = randn(2, 3).requiresGrad_(), b = randn(3).requiresGrad_();
  let calls = 0;
  m.registerFullBackwardHook((_m, gi) => { calls++; assert.ok(gi[0] && gi[1]); return [gi[0]!.mul(2), gi[1]!]; });
  m.call(a, b).sum().backward();
  assert.is(calls, 1);
  assert.ok(a.grad!.allclose(b.expand(2, 3).mul(2)));
  assert.ok(b.grad!.allclose(a.detach().sum(0)));
});

// ---------------------------------------------------------------- printing
const print = suite('nn: toString');

print('the ch4 simple_net prints like PyTorch', () => {
  const net = new Sequential(new Linear(784, 30), new ReLU(), new Linear(30, 1));
  assert.is(String(net), 'Sequential(\n  (0): Linear(in_features=784, out_features=30, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=30, out_features=1, bias=True)\n)');
});

print('nested modules, extra lines and every layer line', () => {
  class Net extends Module {
    features = new Sequential(new Conv2d(3, 8, 3, { padding: 1, bias: false }), new BatchNorm2d(8), new ReLU());
    head = new Linear(8, 2, { bias: false });
  }
  assert.is(String(new Net()), [
    'Net(',
    '  (features): Sequential(',
    '    (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)',
    '    (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    '    (2): ReLU()',
    '  )',
    '  (head): Linear(in_features=8, out_features=2, bias=False)',
    ')',
  ].join('\n'));
  assert.is(String(new Dropout(0.25)), 'Dropout(p=0.25, inplace=False)');
  // A padding given by name prints as PyTorch 1.13 prints it.
  assert.is(String(new Conv2d(1, 4, 3, { padding: 'same' })), 'Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)');
  assert.is(String(new Conv2d(1, 4, 3, { padding: 'valid' })), 'Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=valid)');
  assert.is(String(new Flatten()), 'Flatten(start_dim=1, end_dim=-1)');
  assert.is(String(new AdaptiveAvgPool2d(1)), 'AdaptiveAvgPool2d(output_size=1)');
  assert.is(String(new BatchNorm2d(4, { momentum: null, eps: 1e-3 })), 'BatchNorm2d(4, eps=0.001, momentum=None, affine=True, track_running_stats=True)');
  assert.is(String(new Module()), 'Module()');
});

for (const s of [reg, counts, modes, cont, hooks, print]) s.run();
