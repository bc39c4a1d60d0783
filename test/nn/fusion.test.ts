// Sequential runs Conv2d directly followed by ReLU as one fused op (the ReLU in place on the conv's
// output): the same values and gradients as the two layers one after the other, on every backend;
// a hook on either layer, or a subclass, turns the fusion off so the hook sees what it expects.
import { Conv2d, ReLU, Sequential } from '@groundup/nn';
import { conv2d, gradcheck, randn, Generator, type Tensor } from '@groundup/tensor';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';

const gen = new Generator(17);

describeBackends('Conv2d + ReLU fusion', (test) => {
  test('fused and unfused give the same output and gradients', () => {
    const conv = new Conv2d(3, 6, 3, { stride: 2, padding: 1 }), relu = new ReLU();
    const seq = new Sequential(conv, relu);
    const x = randn([4, 3, 12, 12], { generator: gen }).requiresGrad_();
    const g = randn([4, 6, 6, 6], { generator: gen });
    const fused = seq.call(x);
    assert.is(fused.gradFn?.name, 'ReluBackward0');
    fused.backward(g);
    const [gx, gw, gb] = [x.grad!.clone(), conv.weight.grad!.clone(), conv.bias!.grad!.clone()];
    x.grad = null; conv.weight.grad = null; conv.bias!.grad = null;
    const plain = relu.call(conv.call(x));
    assert.is(plain.gradFn?.name, 'ReluBackward0');
    plain.backward(g);
    assert.equal(Array.from(fused.dataSync()), Array.from(plain.dataSync()));
    assert.equal(Array.from(x.grad!.dataSync()), Array.from(gx.dataSync()));
    assert.equal(Array.from(conv.weight.grad!.dataSync()), Array.from(gw.dataSync()));
    assert.equal(Array.from(conv.bias!.grad!.dataSync()), Array.from(gb.dataSync()));
  });

  test('a hook on the ReLU (or the conv) runs: no fusion then', () => {
    const conv = new Conv2d(2, 3, 3), relu = new ReLU();
    const seen: Tensor[] = [];
    const h = relu.registerForwardHook((_m, input) => { seen.push(input[0]); });
    new Sequential(conv, relu).call(randn([1, 2, 5, 5], { generator: gen }));
    assert.is(seen.length, 1);
    assert.ok(seen[0]!.min().item() < 0, 'the hook saw the conv output before the ReLU');
    h.remove();
    const c2 = new Conv2d(2, 3, 3);
    let calls = 0;
    c2.registerForwardHook(() => { calls++; });
    new Sequential(c2, new ReLU()).call(randn([1, 2, 5, 5], { generator: gen }));
    assert.is(calls, 1);
  });

  test('gradcheck of the fused op in float64', () => {
    const f64 = { dtype: 'float64' as const, generator: gen };
    const x = randn([2, 2, 5, 5], f64).requiresGrad_(), w = randn([3, 2, 3, 3], f64).requiresGrad_(), b = randn([3], f64).requiresGrad_();
    assert.ok(gradcheck((a, ww, bb) => conv2d(a!, ww!, bb!, { padding: 1, activation: 'relu' }), [x, w, b]));
  });
});
