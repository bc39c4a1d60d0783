// Weidman Appendix A (deep dive): the matrix chain rule element by element on the book's 3×3 by 3×2
// example (seed 190204), checked against the closed forms and autograd; the bias gradient; the
// im2col convolution against the chapter-5 loops and central differences, and the companion
// code's two backward bugs caught by those checks.
import { BiasAdd, flipKernel } from '@groundup/operations';
import { fromArray, numpyRandom, type Tensor } from 'groundup';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chainRuleByElements, partialOfElementWrtX, sigmoid, sigmoidPrime } from '../../../book/dlfs/appendix/chain-rule.ts';
import { convMatmulInputGrad, convMatmulOutput, convMatmulParamGrad, getImagePatches } from '../../../book/dlfs/appendix/conv-matmul.ts';
import { inputGrad, output, paramGrad } from '../../../book/dlfs/ch05/conv2d-loops.ts';

const randn = (...shape: number[]): Tensor => fromArray(numpyRandom.standardNormal(shape));
const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();
const round4 = (t: Tensor): number[][] => (t.toArray() as number[][]).map((r) => r.map((v) => Math.round(v * 1e4) / 1e4));

numpyRandom.seed(190204);
const X = randn(3, 3), W = randn(3, 2);

test('matrix chain rule: the six partial-derivative matrices add up to σ\'(XW)·Wᵀ (the book\'s dL/dX) and to autograd', () => {
  assert.equal(round4(X)[0], [-1.5775, -0.6664, 0.6391]);
  assert.is(Math.round(sigmoid(X.matmul(W)).sum().item() * 1e4) / 1e4, 2.3755);
  // ∂σ(XW_ij)/∂X is zero outside row i.
  const p = partialOfElementWrtX(X, W, 1, 0);
  assert.equal(round4(p)[0], [0, 0, 0]);
  assert.equal(round4(p)[2], [0, 0, 0]);
  const { dLdX, dLdW } = chainRuleByElements(X, W);
  assert.equal(round4(dLdX), [[0.2489, -0.3748, 0.0112], [0.126, -0.2781, -0.1395], [0.2299, -0.3662, -0.0225]]);
  const s = sigmoidPrime(X.matmul(W));
  assert.ok(maxDiff(dLdX, s.matmul(W.t())) < 1e-15);
  assert.ok(maxDiff(dLdW, X.t().matmul(s)) < 1e-15);
  const Xg = X.clone().requiresGrad_(), Wg = W.clone().requiresGrad_();
  sigmoid(Xg.matmul(Wg)).sum().backward();
  assert.ok(maxDiff(dLdX, Xg.grad!) < 1e-14 && maxDiff(dLdW, Wg.grad!) < 1e-14);
});

test('the bias gradient is the column sum of the output gradient, shaped (1, n): by hand, BiasAdd and autograd', () => {
  const B = randn(1, 2), N = X.matmul(W).add(B);
  const byHand = sigmoidPrime(N).sum(0, true);
  assert.equal(byHand.shape, [1, 2]);
  const op = new BiasAdd(B.clone());
  op.forward(X.matmul(W));
  op.backward(sigmoidPrime(N));
  assert.ok(maxDiff(op.paramGrad, byHand) === 0);
  const Bg = B.clone().requiresGrad_();
  sigmoid(X.matmul(W).add(Bg)).sum().backward();
  assert.ok(maxDiff(Bg.grad!, byHand) < 1e-15);
});

numpyRandom.seed(20190402);
const imgs = randn(4, 3, 7, 7), param = randn(3, 5, 3, 3), G = randn(4, 5, 7, 7);

test('convolution via matrix multiplication equals the loops, forward and both (fixed) gradients', () => {
  assert.equal(getImagePatches(imgs, 3).shape, [49, 4, 3, 3, 3]);
  assert.ok(maxDiff(convMatmulOutput(imgs, param), output(imgs, param)) < 1e-12);
  assert.ok(maxDiff(convMatmulInputGrad(imgs, G, param), inputGrad(imgs, G, param)) < 1e-12);
  assert.ok(maxDiff(convMatmulParamGrad(imgs, G, param), paramGrad(imgs, G, param)) < 1e-12);
});

test('central differences of Σ conv(x, w)·G agree with the fixed im2col gradients', () => {
  const L = (x: Tensor, w: Tensor): number => convMatmulOutput(x, w).mul(G).sum().item();
  const bump = (t: Tensor, idx: number[], by: number): Tensor => { const c = t.clone(); c.setAt(idx, t.at(...idx).item() + by); return c; };
  const gi = convMatmulInputGrad(imgs, G, param), gw = convMatmulParamGrad(imgs, G, param);
  for (let k = 0; k < 8; k++) {
    const xi = imgs.shape.map((n) => numpyRandom.randint(0, n)), wi = param.shape.map((n) => numpyRandom.randint(0, n));
    const fdX = (L(bump(imgs, xi, 1e-6), param) - L(bump(imgs, xi, -1e-6), param)) / 2e-6;
    const fdW = (L(imgs, bump(param, wi, 1e-6)) - L(imgs, bump(param, wi, -1e-6))) / 2e-6;
    assert.ok(Math.abs(fdX - gi.at(...xi).item()) < 1e-6, `input grad at [${xi}]: ${gi.at(...xi).item()} vs ${fdX}`);
    assert.ok(Math.abs(fdW - gw.at(...wi).item()) < 1e-6, `param grad at [${wi}]: ${gw.at(...wi).item()} vs ${fdW}`);
  }
});

test('the companion code\'s bugs: no flip in the input grad, (position, batch) rows in the param grad; each hides in one special case', () => {
  const loopGi = inputGrad(imgs, G, param), loopGw = paramGrad(imgs, G, param);
  assert.ok(maxDiff(convMatmulInputGrad(imgs, G, param, { flip: false }), loopGi) > 1, 'an unflipped kernel gives a wrong input gradient');
  assert.ok(maxDiff(convMatmulParamGrad(imgs, G, param, { batchMajor: false }), loopGw) > 1, 'mis-paired rows give a wrong param gradient');
  const symmetric = param.add(flipKernel(param));
  assert.ok(maxDiff(convMatmulInputGrad(imgs, G, symmetric, { flip: false }), inputGrad(imgs, G, symmetric)) < 1e-12, 'symmetric kernel');
  const one = imgs.narrow(0, 0, 1), G1 = G.narrow(0, 0, 1);
  assert.ok(maxDiff(convMatmulParamGrad(one, G1, param, { batchMajor: false }), paramGrad(one, G1, param)) < 1e-12, 'batch of one');
});

test.run();
