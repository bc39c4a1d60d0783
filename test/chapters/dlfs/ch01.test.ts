// Weidman ch1: the exact values of shared/book/weidman.md §2.1, against autograd and finite differences.
import { arange, fromArray, gradcheck, RandomState, ShapeError, tensor, type Tensor } from 'groundup';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../../helpers/assert.ts';
import { chainDeriv2, chainDeriv3, deriv, leakyRelu, matmulForward, matrixFunctionBackward1, matrixFunctionBackwardSum1,
  matrixFunctionForwardSum, multipleInputsAdd, multipleInputsAddBackward, sigmoid, square } from '../../../book/dlfs/ch01/functions.ts';

const near = (got: Tensor, want: number[][] | number[], tol: number): void => {
  const g = (got.toArray() as number[][] | number[]).flat() as number[];
  const w = want.flat() as number[];
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= tol, `element ${i}: ${v} vs ${w[i]}`));
};
const f64 = { dtype: 'float64' } as const;

test('deriv of square is 2x; of leakyRelu 1 or 0.2', () => {
  near(deriv(square, tensor([-2, 0.5, 3], f64)), [-4, 1, 6], 1e-9);
  near(deriv(leakyRelu, tensor([-2, 3], f64)), [0.2, 1], 1e-9);
});
test('chain rule by finite differences equals autograd (2 and 3 functions)', () => {
  const r = arange(-3, 3, 0.25, f64);
  const a = r.clone().requiresGrad_();
  sigmoid(square(a)).sum().backward();
  near(chainDeriv2([square, sigmoid], r), a.grad!.toArray() as number[], 1e-6);
  const b = r.add(0.1).requiresGrad_(); // off the leaky ReLU kink at 0
  sigmoid(square(leakyRelu(b))).sum().backward();
  near(chainDeriv3([leakyRelu, square, sigmoid], r.add(0.1)), b.grad!.toArray() as number[], 1e-5);
});
test('multiple inputs: both partials of σ(x + y) are σ\'(x + y)', () => {
  const x = tensor([0.5, -1], f64).requiresGrad_(), y = tensor([0.25, 2], f64).requiresGrad_();
  multipleInputsAdd(x, y, sigmoid).sum().backward();
  const [dx, dy] = multipleInputsAddBackward(x.detach(), y.detach(), sigmoid);
  near(dx, x.grad!.toArray() as number[], 1e-6); // central differences with Δ = 0.001
  near(dy, y.grad!.toArray() as number[], 1e-6);
  throwsNamed(() => multipleInputsAdd(x, tensor([1, 2, 3], f64), sigmoid), ShapeError, '[2] vs [3]');
});
test('seed 190203: X = randn(1,3), W = randn(3,1) as numpy draws them; backward gives [[0.0852, -0.0557, -0.1121]]', () => {
  const rs = new RandomState(190203);
  const X = fromArray(rs.randn(1, 3)), W = fromArray(rs.randn(3, 1));
  near(X, [[0.4723, 0.6151, -1.7262]], 1e-4);
  near(W, [[0.9282], [-0.6075], [-1.2214]], 1e-4);
  near(matrixFunctionBackward1(X, W, sigmoid), [[0.0852, -0.0557, -0.1121]], 1e-4);
  const Xg = X.clone().requiresGrad_();
  sigmoid(Xg.matmul(W)).sum().backward();
  near(Xg.grad!, [[0.0852, -0.0557, -0.1121]], 1e-4);
  // a finite difference on x13 (step 0.01) gives -0.11
  const bump = X.clone();
  bump.setAt([0, 2], X.at(0, 2).item() + 0.01);
  const fd = (sigmoid(bump.matmul(W)).item() - sigmoid(X.matmul(W)).item()) / 0.01;
  assert.ok(Math.abs(fd - -0.11) < 0.005, `finite difference ${fd}`);
});
test('seed 190204: L = 2.3755 and dL/dX as printed; bumping x11 changes L by 0.2489 per unit', () => {
  const rs = new RandomState(190204);
  const X = fromArray(rs.randn(3, 3)), W = fromArray(rs.randn(3, 2));
  near(X.at(0), [-1.5775, -0.6664, 0.6391], 1e-4);
  const L = matrixFunctionForwardSum(X, W, sigmoid);
  assert.ok(Math.abs(L.item() - 2.3755) < 1e-4, `L = ${L.item()}`);
  const want = [[0.2489, -0.3748, 0.0112], [0.126, -0.2781, -0.1395], [0.2299, -0.3662, -0.0225]];
  near(matrixFunctionBackwardSum1(X, W, sigmoid), want, 1e-4);
  const Xg = X.clone().requiresGrad_();
  matrixFunctionForwardSum(Xg, W, sigmoid).backward();
  near(Xg.grad!, want, 1e-4);
  const bumped = X.clone();
  bumped.setAt([0, 0], X.at(0, 0).item() + 0.001);
  assert.ok(Math.abs((matrixFunctionForwardSum(bumped, W, sigmoid).item() - L.item()) / 0.001 - 0.2489) < 2e-4);
  assert.ok(gradcheck((x) => matrixFunctionForwardSum(x, W, sigmoid), [X.clone().requiresGrad_()]));
});
test('matmulForward refuses mismatched shapes, naming both sizes', () => {
  throwsNamed(() => matmulForward(tensor([[1, 2]], f64), tensor([[1, 2]], f64)), ShapeError, 'columns of the first array (2)', 'rows of the second (1)');
});
test.run();
