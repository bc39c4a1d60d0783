// Weidman, Deep Learning from Scratch, Appendix A "Deep Dive": the matrix chain rule written out
// element by element, the gradient of the bias, and convolution as a matrix multiplication (with
// the companion code's two backward bugs shown, then fixed). Run it with `pnpm chapter dlfs/appendix`.
import { BiasAdd, flipKernel } from '@groundup/operations';
import { fromArray, numpyRandom, type Tensor } from 'groundup';
import { chainRuleByElements, partialOfElementWrtX, sigmoid, sigmoidPrime } from './appendix/chain-rule.ts';
import { convMatmulInputGrad, convMatmulOutput, convMatmulParamGrad, getImagePatches } from './appendix/conv-matmul.ts';
import { inputGrad, output, paramGrad } from './ch05/conv2d-loops.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const randn = (...shape: number[]): Tensor => fromArray(numpyRandom.standardNormal(shape));
const maxDiff = (a: Tensor, b: Tensor): string => a.sub(b).abs().max().item().toExponential(1);

console.log('# Appendix A: Deep Dive');

h('Matrix Chain Rule');
numpyRandom.seed(190204);
const X = randn(3, 3), W = randn(3, 2);
console.log(`X (seed 190204) =\n${X.toString()}\nW =\n${W.toString()}`);
console.log(`L = Σ σ(X·W) = ${sigmoid(X.matmul(W)).sum().item().toFixed(4)}  (book: 2.3755)`);
console.log('σ(XW_11) depends only on the first row of X; its derivative with respect to X is');
console.log(partialOfElementWrtX(X, W, 0, 0).toString());
console.log('and σ(XW_32)\'s lives in the third row:');
console.log(partialOfElementWrtX(X, W, 2, 1).toString());
const { dLdX, dLdW } = chainRuleByElements(X, W);
console.log(`adding all six such matrices:\ndL/dX =\n${dLdX.toString()}`);
console.log('(book: [[0.2489, -0.3748, 0.0112], [0.126, -0.2781, -0.1395], [0.2299, -0.3662, -0.0225]])');
const formulaX = sigmoidPrime(X.matmul(W)).matmul(W.t()), formulaW = X.t().matmul(sigmoidPrime(X.matmul(W)));
const Xg = X.clone().requiresGrad_(), Wg = W.clone().requiresGrad_();
sigmoid(Xg.matmul(Wg)).sum().backward();
console.log(`σ'(XW)·Wᵀ differs from the sum by ${maxDiff(dLdX, formulaX)}; autograd's X.grad by ${maxDiff(dLdX, Xg.grad!)}`);
console.log(`dL/dW = Xᵀ·σ'(XW) differs from its element-by-element sum by ${maxDiff(dLdW, formulaW)}; autograd's W.grad by ${maxDiff(dLdW, Wg.grad!)}`);

h('The Gradient of the Loss with Respect to the Bias Terms');
const B = randn(1, 2);
const N = X.matmul(W).add(B);
console.log(`B (1, 2) is added to every row of X·W. Each B_j feeds all three σ(N_ij), so`);
const dLdB = sigmoidPrime(N).sum(0, true);
console.log(`dL/dB = Σ_i σ'(N_ij) = the column sums of σ'(N) = ${dLdB.toString()}`);
const bias = new BiasAdd(B.clone());
bias.forward(X.matmul(W));
bias.backward(sigmoidPrime(N));
const Bg = B.clone().requiresGrad_();
sigmoid(X.matmul(W).add(Bg)).sum().backward();
console.log(`BiasAdd's param grad differs by ${maxDiff(bias.paramGrad, dLdB)}; autograd's B.grad by ${maxDiff(Bg.grad!, dLdB)}`);

h('Convolutions via Matrix Multiplication');
numpyRandom.seed(20190402);
const imgs = randn(4, 3, 7, 7), param = randn(3, 5, 3, 3), G = randn(4, 5, 7, 7);
console.log(`images [4,3,7,7], parameter [3,5,3,3] ([C_in, C_out, K, K]), an output gradient [4,5,7,7]`);
console.log(`the patches: [${getImagePatches(imgs, 3).shape}] = [H·W, batch, C_in, K, K]; as a matrix (batch·H·W, C_in·K·K) times the parameter (C_in·K·K, C_out)`);
console.log(`forward vs the chapter's loops: ${maxDiff(convMatmulOutput(imgs, param), output(imgs, param))}`);
const loopGi = inputGrad(imgs, G, param), loopGw = paramGrad(imgs, G, param);
console.log(`input gradient, kernel flipped:        ${maxDiff(convMatmulInputGrad(imgs, G, param), loopGi)}`);
console.log(`input gradient, unflipped (the code's): ${maxDiff(convMatmulInputGrad(imgs, G, param, { flip: false }), loopGi)}  ← bug 1`);
const symmetric = param.add(flipKernel(param));
console.log(`  with a symmetric kernel the bug hides: ${maxDiff(convMatmulInputGrad(imgs, G, symmetric, { flip: false }), inputGrad(imgs, G, symmetric))}`);
console.log(`param gradient, (batch, position) rows:        ${maxDiff(convMatmulParamGrad(imgs, G, param), loopGw)}`);
console.log(`param gradient, (position, batch) (the code's): ${maxDiff(convMatmulParamGrad(imgs, G, param, { batchMajor: false }), loopGw)}  ← bug 2`);
const one = imgs.narrow(0, 0, 1), G1 = G.narrow(0, 0, 1);
console.log(`  with a batch of one the bug hides: ${maxDiff(convMatmulParamGrad(one, G1, param, { batchMajor: false }), paramGrad(one, G1, param))}`);
// Central differences of L = Σ conv(x, w)·G at a few entries.
const L = (x: Tensor, w: Tensor): number => convMatmulOutput(x, w).mul(G).sum().item();
const bump = (t: Tensor, idx: number[], by: number): Tensor => { const c = t.clone(); c.setAt(idx, t.at(...idx).item() + by); return c; };
const fixedGi = convMatmulInputGrad(imgs, G, param), fixedGw = convMatmulParamGrad(imgs, G, param);
let worst = 0;
for (const [xi, wi] of [[[0, 0, 0, 0], [0, 0, 0, 0]], [[3, 2, 6, 1], [2, 4, 2, 1]], [[1, 1, 3, 5], [1, 2, 0, 2]]] as const) {
  const fdX = (L(bump(imgs, [...xi], 1e-6), param) - L(bump(imgs, [...xi], -1e-6), param)) / 2e-6;
  const fdW = (L(imgs, bump(param, [...wi], 1e-6)) - L(imgs, bump(param, [...wi], -1e-6))) / 2e-6;
  worst = Math.max(worst, Math.abs(fdX - fixedGi.at(...xi).item()), Math.abs(fdW - fixedGw.at(...wi).item()));
}
console.log(`central differences agree with the fixed gradients to ${worst.toExponential(1)}`);
