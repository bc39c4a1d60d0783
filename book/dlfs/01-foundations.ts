// Weidman, Deep Learning from Scratch, chapter 1 "Foundations": functions and derivatives,
// nested functions and the chain rule, several inputs, vector and matrix functions with their
// backward passes. Finite differences and the chain rule by hand, checked against autograd.
// Run it with `pnpm chapter dlfs/01`.
import { arange, fromArray, RandomState, tensor } from 'groundup';
import { chainDeriv2, chainDeriv3, chainLength2, deriv, leakyRelu, matmulBackwardFirst, matrixFunctionBackward1,
  matrixFunctionBackwardSum1, matrixFunctionForwardSum, multipleInputsAdd, multipleInputsAddBackward, sigmoid, square } from './ch01/functions.ts';

const h = (title: string): void => console.log(`\n## ${title}\n`);
const f4 = (xs: number[] | number[][]): string => JSON.stringify(xs, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(4)) : v));

console.log('# Foundations');

h('Functions');
const x = tensor([-2, -1, 0, 1, 2], { dtype: 'float64' });
console.log(`square(x)      = ${f4(square(x).toArray() as number[])}`);
console.log(`leakyRelu(x)   = ${f4(leakyRelu(x).toArray() as number[])}`);

h('Derivatives');
console.log(`deriv(square, x) = ${f4(deriv(square, x).toArray() as number[])}  (exactly 2x)`);
const xg = x.clone().requiresGrad_();
square(xg).sum().backward();
console.log(`autograd:          ${f4(xg.grad!.toArray() as number[])}`);

h('Nested Functions and the Chain Rule');
const range = arange(-3, 3, 0.5, { dtype: 'float64' });
const viaChain = chainDeriv2([square, sigmoid], range);
const rg = range.clone().requiresGrad_();
chainLength2([square, sigmoid], rg).sum().backward();
console.log(`chainDeriv2([square, sigmoid]) vs autograd: max |diff| ${viaChain.sub(rg.grad!).abs().max().item().toExponential(2)}`);

h('A Slightly Longer Example');
const viaChain3 = chainDeriv3([leakyRelu, square, sigmoid], range);
const rg3 = range.clone().requiresGrad_();
sigmoid(square(leakyRelu(rg3))).sum().backward();
console.log(`chainDeriv3([leakyRelu, square, sigmoid]) vs autograd: max |diff| ${viaChain3.sub(rg3.grad!).abs().max().item().toExponential(2)}`);

h('Functions with Multiple Inputs');
const a = tensor([0.5, -1], { dtype: 'float64' }), b = tensor([0.25, 2], { dtype: 'float64' });
console.log(`σ(a + b) = ${f4(multipleInputsAdd(a, b, sigmoid).toArray() as number[])}; d/da = d/db = ${f4(multipleInputsAddBackward(a, b, sigmoid)[0].toArray() as number[])}`);

h('Functions with Multiple Vector Inputs');
const rs = new RandomState(190203);
const X = fromArray(rs.randn(1, 3)), W = fromArray(rs.randn(3, 1));
console.log(`seed 190203: X = ${f4(X.toArray() as number[][])}, W = ${f4(W.toArray() as number[][])}`);
console.log(`dN/dX = Wᵀ = ${f4(matmulBackwardFirst(X, W).toArray() as number[][])}`);

h('Vector Functions and Their Derivatives: The Backward Pass');
const back1 = matrixFunctionBackward1(X, W, sigmoid);
console.log(`matrixFunctionBackward1(X, W, sigmoid) = ${f4(back1.toArray() as number[][])}  (book: [[0.0852, -0.0557, -0.1121]])`);
const Xg = X.clone().requiresGrad_();
sigmoid(Xg.matmul(W)).sum().backward();
console.log(`autograd:                                ${f4(Xg.grad!.toArray() as number[][])}`);

h('Computational Graph with Two 2D Matrix Inputs');
rs.seed(190204);
const X2 = fromArray(rs.randn(3, 3)), W2 = fromArray(rs.randn(3, 2));
const L = matrixFunctionForwardSum(X2, W2, sigmoid);
console.log(`L = ${L.item().toFixed(4)}  (book: 2.3755)`);
const dLdX = matrixFunctionBackwardSum1(X2, W2, sigmoid);
console.log(`dL/dX = ${f4(dLdX.toArray() as number[][])}`);
const X2g = X2.clone().requiresGrad_();
matrixFunctionForwardSum(X2g, W2, sigmoid).backward();
console.log(`autograd: ${f4(X2g.grad!.toArray() as number[][])}`);
const bumped = X2.clone();
bumped.setAt([0, 0], X2.at(0, 0).item() + 0.001);
console.log(`bumping x11 by 0.001 changes L by ${((matrixFunctionForwardSum(bumped, W2, sigmoid).item() - L.item()) / 0.001).toFixed(4)} per unit (book: 0.2489)`);
