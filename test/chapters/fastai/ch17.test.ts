// fastai ch17: the chapter's exact examples (shared/book/fastai.md §12.3, §16.1 items 11–12), the
// questionnaire's implement-items, and the hand-written backward pass against autograd.
import { arange, conv2d, einsum, gradcheck, manualSeed, randn, ShapeError, tensor, unfold, zeros, type Tensor } from 'groundup';
import { forwardAndBackward, initParams, lin, LinLF, Model, mse, MseLF, MyLinear, MyRelu, relu, ReluLF } from '../../../book/fastai/ch17/backprop.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../../helpers/assert.ts';

const close = (t: Tensor, want: number[] | number[][], tol = 1e-4): void => {
  const got = t.toArray() as number[] | number[][];
  const flat = (x: number[] | number[][]): number[] => (x as (number | number[])[]).flat() as number[];
  const g = flat(got), w = flat(want);
  assert.is(g.length, w.length, `length ${g.length} vs ${w.length}`);
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= tol, `element ${i}: ${v} vs ${w[i]}`));
};

const elementwise = suite('ch17 elementwise arithmetic');
const a = tensor([10, 6, -4]), b = tensor([2, 8, 7]);
elementwise('a + b = [12, 14, 3]', () => close(a.add(b), [12, 14, 3]));
elementwise('a < b = [F, T, T]; all() false; (a == b).all() false', () => {
  assert.equal(a.lt(b).toArray(), [false, true, true]);
  assert.is(a.lt(b).all().item(), 0);
  assert.is(a.eq(b).all().item(), 0);
});
elementwise('(a + b).mean().item() = 9.6667', () => assert.ok(Math.abs(a.add(b).mean().item() - 9.6667) < 1e-4));
elementwise('m * m squares; m * n with n [2,3] throws ShapeError naming both shapes', () => {
  const m = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  close(m.mul(m), [[1, 4, 9], [16, 25, 36], [49, 64, 81]]);
  assert.throws(() => m.mul(tensor([[1, 2, 3], [4, 5, 6]])), (e: Error) => e instanceof ShapeError && /\[3,3\] with \[2,3\]: axis 0 has 3 vs 2/.test(e.message));
});
elementwise('Q11: "a > b for every element" is (a > b).all()', () => {
  assert.is(tensor([3, 4]).gt(tensor([1, 2])).all().item(), 1);
  assert.is(tensor([3, 1]).gt(tensor([1, 2])).all().item(), 0);
});
elementwise.run();

const broadcasting = suite('ch17 broadcasting');
const m = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
const c = tensor([10, 20, 30]);
broadcasting('a > 0 → [T, T, F]', () => assert.equal(a.gt(0).toArray(), [true, true, false]));
broadcasting('(m − 5)/2.73', () => close(m.sub(5).div(2.73), [[-1.4652, -1.0989, -0.7326], [-0.3663, 0, 0.3663], [0.7326, 1.0989, 1.4652]]));
broadcasting('m + c adds c to every row; c + m the same', () => {
  close(m.add(c), [[11, 22, 33], [14, 25, 36], [17, 28, 39]]);
  close(c.add(m), [[11, 22, 33], [14, 25, 36], [17, 28, 39]]);
});
broadcasting('Q17, Q20, Q22: c.expandAs(m) is [3,3] with stride (0, 1) over a 3-float storage', () => {
  const t = c.expandAs(m);
  assert.equal(t.shape, [3, 3]);
  assert.equal(t.stride(), [0, 1]);
  assert.equal(t.untypedStorage(), [10, 20, 30]);
  assert.ok(t.dataPtrEquals(c), 'no copy was made');
});
broadcasting('with m [2,3]: c + m works; [10, 20] + m fails on dim 1', () => {
  const m23 = tensor([[1, 2, 3], [4, 5, 6]]);
  close(c.add(m23), [[11, 22, 33], [14, 25, 36]]);
  assert.throws(() => tensor([10, 20]).add(m23), (e: Error) => e instanceof ShapeError && /\[2\] with \[2,3\]: axis 1 has 2 vs 3/.test(e.message));
});
broadcasting('c.unsqueeze(1) + m adds down columns; expand stride (1, 0)', () => {
  close(c.unsqueeze(1).add(m), [[11, 12, 13], [24, 25, 26], [37, 38, 39]]);
  assert.equal(c.unsqueeze(1).expandAs(m).stride(), [1, 0]);
});
broadcasting('Q19: None-indexing shapes', () => {
  assert.equal(c.shape, [3]);
  for (const t of [c.unsqueeze(0), c.at(null, ':'), c.at(null)]) assert.equal(t.shape, [1, 3]);
  for (const t of [c.unsqueeze(1), c.at(':', null), c.at('...', null)]) assert.equal(t.shape, [3, 1]);
});
broadcasting('rule layouts: [256,256,3]×[3] ok, ×[256,256] error, [3,3]+[3] ok', () => {
  assert.equal(zeros(256, 256, 3).mul(zeros(3)).shape, [256, 256, 3]);
  throwsNamed(() => zeros(256, 256, 3).mul(zeros(256, 256)), ShapeError, '[256,256,3] with [256,256]');
  assert.equal(zeros(3, 3).add(zeros(3)).shape, [3, 3]);
});
broadcasting('Q13, Q14: [1,2] + [1] → [2,3]; [1,2] + [1,2,3] → error', () => {
  close(tensor([1, 2]).add(tensor([1])), [2, 3]);
  throwsNamed(() => tensor([1, 2]).add(tensor([1, 2, 3])), ShapeError, '[2] with [3]');
});
broadcasting('Q21: a vector of 3 plus a 3×3 matrix adds to each row', () => close(tensor([1, 2, 3]).add(zeros(3, 3)), [[1, 2, 3], [1, 2, 3], [1, 2, 3]]));
broadcasting('exercise: per-channel normalisation of [N,3,H,W] with [3,1,1] stats', () => {
  manualSeed(3);
  const x = randn(8, 3, 6, 6).mul(tensor([1, 2, 3]).view(3, 1, 1)).add(tensor([5, -1, 0]).view(3, 1, 1));
  const mean = x.mean([0, 2, 3]), std = x.std([0, 2, 3]);
  const y = x.sub(mean.view(3, 1, 1)).div(std.view(3, 1, 1));
  close(y.mean([0, 2, 3]), [0, 0, 0], 1e-5);
  close(y.std([0, 2, 3]), [1, 1, 1], 1e-5);
  throwsNamed(() => x.sub(mean), ShapeError, '[8,3,6,6] with [3]'); // the 3 does not line up with W
});
broadcasting.run();

const matmuls = suite('ch17 matrix multiplication');
manualSeed(17);
const m1 = randn(5, 784), m2 = randn(784, 10);
function loop(x: Tensor, y: Tensor): Tensor {
  const [ar, ac] = x.shape as [number, number], [br, bc] = y.shape as [number, number];
  assert.is(ac, br);
  const out = zeros(ar, bc);
  for (let i = 0; i < ar; i++) for (let j = 0; j < bc; j++) for (let k = 0; k < ac; k++) out.data[i * bc + j]! += x.data[i * ac + k]! * y.data[k * bc + j]!;
  return out;
}
const ref = loop(m1, m2);
matmuls('loop == elementwise == broadcast == einsum == matmul (allclose)', () => {
  const ew = zeros(5, 10), bc = zeros(5, 10);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 10; j++) ew.setAt([i, j], m1.at(i).mul(m2.at(':', j)).sum());
    bc.setAt(i, m1.at(i).unsqueeze(-1).mul(m2).sum(0));
  }
  for (const t of [ew, bc, einsum('ik,kj->ij', m1, m2), m1.matmul(m2)]) assert.ok(t.allclose(ref, 1e-4, 1e-4));
});
matmuls('Q1 neuron and Q2 ReLU', () => {
  const x = tensor([1, 2, 3]), w = tensor([0.5, 1, 0.25]);
  assert.ok(Math.abs(x.mul(w).sum().add(0.1).relu().item() - 3.35) < 1e-6);
  close(tensor([-2, -0.5, 0, 0.5, 2]).relu(), [0, 0, 0, 0.5, 2]);
  close(tensor([-2, -0.5, 0, 0.5, 2]).clampMin(0), [0, 0, 0, 0.5, 2]);
});
matmuls('Q3, Q4: a linear layer as x @ wᵀ + b and as nested comprehensions', () => {
  manualSeed(4);
  const x = randn(4, 6), w = randn(3, 6), bias = randn(3);
  const y = x.matmul(w.t()).add(bias);
  const X = x.toArray() as number[][], W = w.toArray() as number[][], B = bias.toArray() as number[];
  const yl = X.map((row) => W.map((wr, j) => row.reduce((s, v, k) => s + v * wr[k]!, B[j]!)));
  close(y, yl, 1e-5);
});
matmuls('Q23: matmul via einsum, and the other book strings', () => {
  assert.ok(einsum('ik,kj->ij', m1, m2).allclose(ref, 1e-4, 1e-4));
  close(einsum('ij->ji', m), [[1, 4, 7], [2, 5, 8], [3, 6, 9]]);
  manualSeed(5);
  const x = randn(2, 3), W = randn(3, 4), y = randn(2, 4);
  const bilinear = einsum('bi,ij,bj->b', x, W, y);
  assert.ok(bilinear.allclose(x.matmul(W).mul(y).sum(1), 1e-5, 1e-5));
  const A = randn(4, 5, 6), Bm = randn(4, 6, 7);
  assert.ok(einsum('bik,bkj->bij', A, Bm).allclose(A.matmul(Bm), 1e-5, 1e-5));
  const cw = randn(2, 512), acts = randn(512, 7, 7);
  const cam = einsum('ck,kij->cij', cw, acts);
  assert.equal(cam.shape, [2, 7, 7]);
  assert.ok(cam.allclose(cw.matmul(acts.view(512, 49)).view(2, 7, 7), 1e-4, 1e-4));
});
matmuls('the matmul shape error names both shapes and suggests a transpose', () => {
  assert.throws(() => randn(5, 784).matmul(randn(10, 784)),
    (e: Error) => e instanceof ShapeError && e.message.includes('[5,784] and [10,784]') && e.message.includes('.t()'));
});
matmuls('further research: conv2d as unfold + matmul equals conv2d', () => {
  manualSeed(6);
  const x = randn(2, 3, 9, 9), w = randn(4, 3, 3, 3), bias = randn(4);
  const cols = unfold(x, 3, { stride: 2, padding: 1 });
  const viaMatmul = w.view(4, -1).matmul(cols).add(bias.view(4, 1)).view(2, 4, 5, 5);
  assert.ok(viaMatmul.allclose(conv2d(x, w, bias, { stride: 2, padding: 1 }), 1e-4, 1e-4));
});
matmuls.run();

const init = suite('ch17 initialisation (forward only)');
init('50 matmuls with randn(100,100) overflow to NaN; ×0.01 vanish to 0; ×0.1 stay sane', () => {
  manualSeed(1);
  const x0 = randn(200, 100);
  const run = (scale: number): Tensor => {
    let x = x0;
    for (let i = 0; i < 50; i++) x = x.matmul(randn(100, 100).mul(scale));
    return x;
  };
  assert.ok(run(1).isnan().any().item() === 1, 'std 1 explodes');
  assert.is(run(0.01).abs().max().item(), 0, 'std 0.01 vanishes to exactly 0 in float32');
  const sane = run(0.1);
  const s = sane.std().item();
  assert.ok(Number.isFinite(s) && s > 1e-3 && s < 1e3, `std 0.1 stays sane (${s})`);
});
init('one layer: x@w1 with w1 = randn(100,50) has std ≈ 10; scaled by 1/√100 ≈ 1', () => {
  manualSeed(2);
  const x = randn(200, 100);
  const s1 = x.matmul(randn(100, 50)).std().item(), s2 = x.matmul(randn(100, 50).div(10)).std().item();
  assert.ok(s1 > 9 && s1 < 11, `std ${s1}`);
  assert.ok(s2 > 0.9 && s2 < 1.1, `std ${s2}`);
});
init('arange and shapes', () => assert.equal(arange(6).view(2, 3).shape, [2, 3]));
init.run();

// ---- second half: the forward and backward passes (autograd) ----
const backprop = suite('ch17 forward and backward passes');
manualSeed(1717);
const X = randn([200, 100], { dtype: 'float64' }), Y = randn([200], { dtype: 'float64' });
const [W1, B1, W2, B2] = initParams(100, 50, 1) as [Tensor, Tensor, Tensor, Tensor];
const autogradGrads = (): Tensor[] => {
  const ps = [X, W1, B1, W2, B2].map((t) => t.clone().requiresGrad_());
  mse(lin(relu(lin(ps[0]!, ps[1]!, ps[2]!)), ps[3]!, ps[4]!), Y).backward();
  return ps.map((p) => p.grad!);
};
const agrads = autogradGrads();
const agree = (g: Map<Tensor, Tensor>, label: string): void =>
  [X, W1, B1, W2, B2].forEach((t, i) => assert.ok(g.get(t)!.allclose(agrads[i]!, 1e-5, 1e-8), `${label}: gradient ${i} differs from autograd`));

backprop('Q34: hand-written mse_grad, relu_grad, lin_grad equal autograd to 1e-5 (float64)', () => agree(forwardAndBackward(X, Y, W1, B1, W2, B2).g, 'by hand'));
backprop('the Model of Lin/Relu/Mse classes with backward gives the same gradients', () => {
  const m = new Model(W1, B1, W2, B2);
  m.call(X, Y);
  m.backward();
  agree(m.g, 'Model');
});
backprop('the LayerFunction refactor gives the same gradients', () => {
  const g = new Map<Tensor, Tensor>();
  const layers = [new LinLF(g, W1, B1), new ReluLF(g), new LinLF(g, W2, B2)];
  const loss = new MseLF(g);
  loss.call(layers.reduce((h, l) => l.call(h), X), Y);
  loss.backward();
  for (const l of [...layers].reverse()) l.backward();
  agree(g, 'LayerFunction');
});
backprop('Q35 and further research: MyRelu and MyLinear as autograd Functions', () => {
  const ps = [X, W1, B1, W2, B2].map((t) => t.clone().requiresGrad_());
  const out = MyLinear.apply(MyRelu.apply(MyLinear.apply(ps[0]!, ps[1]!, ps[2]!)), ps[3]!, ps[4]!);
  assert.is(String(out.gradFn), '<MyLinearBackward>');
  mse(out, Y).backward();
  ps.forEach((p, i) => assert.ok(p.grad!.allclose(agrads[i]!, 1e-5, 1e-8), `Function gradient ${i}`));
  assert.ok(gradcheck((t) => MyRelu.apply(t), [randn([4, 5], { dtype: 'float64' }).requiresGrad_()]));
});
backprop('Kaiming init keeps relu(lin) at mean ≈ 0.56, std ≈ 0.83 (book 0.5661, 0.8339); Xavier relu ≈ 0.40, 0.58', () => {
  const k = relu(lin(X, W1, B1));
  assert.ok(Math.abs(k.mean().item() - 0.564) < 0.05 && Math.abs(k.std().item() - 0.826) < 0.06, `${k.mean().item()} ${k.std().item()}`);
  const xv = relu(lin(X, randn([100, 50], { dtype: 'float64' }).div(10), B1));
  assert.ok(Math.abs(xv.mean().item() - 0.399) < 0.04 && Math.abs(xv.std().item() - 0.584) < 0.05);
});
backprop('parameters of a 10 → 2 layer are [2,10] and [2] (LinearLayer as a Module arrives with @groundup/nn)', () => {
  const w = randn(2, 10).mul(Math.sqrt(2 / 10)), b = zeros(2);
  assert.equal([w.shape, b.shape], [[2, 10], [2]]);
});
backprop.run();
