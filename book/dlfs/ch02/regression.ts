// Weidman ch2: linear regression and a one-hidden-layer network trained by hand (no autograd),
// with the companion code's conventions, so the printed numbers reproduce. Float64, numpy's RNG.
import { fromArray, numpyRandom, ShapeError, type RandomState, type Tensor } from 'groundup';
import { permuteData } from '@groundup/operations';

export type Weights = Record<string, Tensor>;

function assertRows(op: string, X: Tensor, y: Tensor): void {
  if (X.shape[0] !== y.shape[0]) throw new ShapeError(`${op}: X has ${X.shape[0]} rows but y has ${y.shape[0]}`);
}

/** X[start : start + batchSize], truncated at the end of the data. */
export function generateBatch(X: Tensor, y: Tensor, start = 0, batchSize = 10): [Tensor, Tensor] {
  if (X.ndim !== 2 || y.ndim !== 2) throw new ShapeError(`generateBatch: X and y must be 2-D, got [${X.shape}] and [${y.shape}]`);
  const n = Math.min(batchSize, X.shape[0]! - start);
  return [X.narrow(0, start, n), y.narrow(0, start, n)];
}

// ---------------- linear regression ----------------
export function initWeights(nIn: number, rng: RandomState = numpyRandom): Weights {
  return { W: fromArray(rng.randn(nIn, 1)), B: fromArray(rng.randn(1, 1)) };
}

export interface LinearInfo { X: Tensor; N: Tensor; P: Tensor; y: Tensor }
export function forwardLinearRegression(X: Tensor, y: Tensor, w: Weights): { loss: number; info: LinearInfo } {
  assertRows('forwardLinearRegression', X, y);
  if (X.shape[1] !== w.W!.shape[0]) throw new ShapeError(`forwardLinearRegression: X has ${X.shape[1]} columns but W has ${w.W!.shape[0]} rows`);
  const N = X.matmul(w.W!), P = N.add(w.B!);
  return { loss: y.sub(P).pow(2).mean().item(), info: { X, N, P, y } };
}

/** dL/dP = −2(y − P): the gradient of the SUM of squared errors (the book does not divide by the batch). */
export function lossGradients(info: LinearInfo): Weights {
  const dLdP = info.y.sub(info.P).mul(-2);
  return { W: info.X.t().matmul(dLdP), B: dLdP.sum(0) };
}

export interface TrainOptions { nIter?: number; learningRate?: number; batchSize?: number; seed?: number; rng?: RandomState }

/**
 * The chapter's training loop: seed → init weights → permute; re-permute whenever the data runs
 * out; w ← w − lr·grad in place for each weight.
 */
function trainLoop(X: Tensor, y: Tensor, o: Required<Omit<TrainOptions, 'rng'>> & { rng: RandomState }, init: () => Weights,
  step: (xb: Tensor, yb: Tensor, w: Weights) => { loss: number; grads: Weights }): { weights: Weights; losses: number[] } {
  if (o.seed) o.rng.seed(o.seed);
  const weights = init();
  [X, y] = permuteData(X, y, o.rng);
  let start = 0;
  const losses: number[] = [];
  for (let i = 0; i < o.nIter; i++) {
    if (start >= X.shape[0]!) {
      [X, y] = permuteData(X, y, o.rng);
      start = 0;
    }
    const [xb, yb] = generateBatch(X, y, start, o.batchSize);
    start += o.batchSize;
    const { loss, grads } = step(xb, yb, weights);
    losses.push(loss);
    for (const k of Object.keys(weights)) weights[k]!.sub_(grads[k]!.mul(o.learningRate));
  }
  return { weights, losses };
}

const withDefaults = (o: TrainOptions): Required<Omit<TrainOptions, 'rng'>> & { rng: RandomState } =>
  ({ nIter: 1000, learningRate: 0.01, batchSize: 100, seed: 1, ...o, rng: o.rng ?? numpyRandom });

export function trainLinear(X: Tensor, y: Tensor, o: TrainOptions = {}): { weights: Weights; losses: number[] } {
  const opts = withDefaults(o);
  return trainLoop(X, y, opts, () => initWeights(X.shape[1]!, opts.rng), (xb, yb, w) => {
    const { loss, info } = forwardLinearRegression(xb, yb, w);
    return { loss, grads: lossGradients(info) };
  });
}

export const predictLinear = (X: Tensor, w: Weights): Tensor => X.matmul(w.W!).add(w.B!);
export const mae = (preds: Tensor, actuals: Tensor): number => preds.sub(actuals).abs().mean().item();
export const rmse = (preds: Tensor, actuals: Tensor): number => Math.sqrt(preds.sub(actuals).pow(2).mean().item());

// ---------------- the neural network ----------------
export function initWeightsNN(inputSize: number, hiddenSize: number, rng: RandomState = numpyRandom): Weights {
  return {
    W1: fromArray(rng.randn(inputSize, hiddenSize)), B1: fromArray(rng.randn(1, hiddenSize)),
    W2: fromArray(rng.randn(hiddenSize, 1)), B2: fromArray(rng.randn(1, 1)),
  };
}

export interface NNInfo { X: Tensor; M1: Tensor; N1: Tensor; O1: Tensor; M2: Tensor; P: Tensor; y: Tensor }
const sigmoid = (x: Tensor): Tensor => x.neg().exp().add(1).reciprocal();

export function forwardLossNN(X: Tensor, y: Tensor, w: Weights): { loss: number; info: NNInfo } {
  assertRows('forwardLoss', X, y);
  const M1 = X.matmul(w.W1!), N1 = M1.add(w.B1!), O1 = sigmoid(N1), M2 = O1.matmul(w.W2!), P = M2.add(w.B2!);
  return { loss: y.sub(P).pow(2).mean().item(), info: { X, M1, N1, O1, M2, P, y } };
}

/**
 * The book's 17 steps, with dL/dP = −(y − P). With `replicateBiasBug` (the companion code's
 * behaviour, needed for its printed numbers) the B1 and B2 gradients are summed over the batch
 * AND the hidden units, so every hidden bias gets the same update.
 */
export function lossGradientsNN(info: NNInfo, w: Weights, replicateBiasBug = true): Weights {
  const dLdP = info.y.sub(info.P).neg();
  const dLdW2 = info.O1.t().matmul(dLdP);
  let dLdB2 = dLdP.sum(0);
  const dLdO1 = dLdP.matmul(w.W2!.t());
  const s = sigmoid(info.N1);
  const dLdN1 = dLdO1.mul(s.mul(s.neg().add(1)));
  let dLdB1 = dLdN1.sum(0);
  const dLdW1 = info.X.t().matmul(dLdN1);
  if (replicateBiasBug) {
    dLdB1 = dLdB1.sum();
    dLdB2 = dLdB2.sum();
  }
  return { W1: dLdW1, B1: dLdB1, W2: dLdW2, B2: dLdB2 };
}

export function trainNN(X: Tensor, y: Tensor, o: TrainOptions & { hiddenSize?: number; replicateBiasBug?: boolean } = {}): { weights: Weights; losses: number[] } {
  const { hiddenSize = 13, replicateBiasBug = true } = o;
  const opts = withDefaults(o);
  return trainLoop(X, y, opts, () => initWeightsNN(X.shape[1]!, hiddenSize, opts.rng), (xb, yb, w) => {
    const { loss, info } = forwardLossNN(xb, yb, w);
    return { loss, grads: lossGradientsNN(info, w, replicateBiasBug) };
  });
}

export const predictNN = (X: Tensor, w: Weights): Tensor => sigmoid(X.matmul(w.W1!).add(w.B1!)).matmul(w.W2!).add(w.B2!);
