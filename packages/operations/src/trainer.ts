// Trainer: batches, an evaluation every k epochs on the whole test set, and early stopping that
// restores the snapshot taken at the start of the evaluation window (Weidman ch3/ch4).
import { numpyRandom, ShapeError, tensor, type RandomState, type Tensor } from '@groundup/tensor';
import type { NeuralNetwork } from './network.ts';
import type { Optimizer } from './optimizer.ts';

/** The same permutation of the rows of X and y, drawn from the (numpy-compatible) RNG. */
export function permuteData(X: Tensor, y: Tensor, rng: RandomState = numpyRandom): [Tensor, Tensor] {
  const perm = tensor(rng.permutation(X.shape[0]!).data, { dtype: 'int32' });
  return [X.indexSelect(0, perm), y.indexSelect(0, perm)];
}

/** Consecutive batches, the last one partial (354 rows → 11 of 32 and one of 2). */
export function* generateBatches(X: Tensor, y: Tensor, size = 32): Generator<[Tensor, Tensor]> {
  if (X.shape[0] !== y.shape[0]) throw new ShapeError(`generateBatches: features and target must have the same number of rows, got ${X.shape[0]} and ${y.shape[0]}`);
  const n = X.shape[0]!;
  for (let i = 0; i < n; i += size) yield [X.narrow(0, i, Math.min(size, n - i)), y.narrow(0, i, Math.min(size, n - i))];
}

export interface FitOptions {
  epochs?: number; evalEvery?: number; batchSize?: number; seed?: number; restart?: boolean;
  /** stop at the first evaluation whose loss is not below the best, restoring the snapshot (default true) */
  earlyStopping?: boolean;
  /** Weidman ch5: log the batch loss (inference mode) every 10 batches and the test accuracy every 100 */
  convTesting?: boolean;
  log?: (line: string) => void;
  /** called after each epoch's batches (progress display) */
  onEpoch?: (epoch: number) => void;
}
export interface FitResult {
  validationLosses: { epoch: number; loss: number }[];
  stoppedEarly: boolean;
  /** with convTesting: the batch losses every 10 batches and the test accuracies (%) every 100 */
  batchLosses: { batch: number; loss: number }[];
  batchAccuracies: { batch: number; accuracy: number }[];
}

/** The share (in %) of rows whose argmax matches the argmax of the one-hot targets. */
export function accuracyPercent(predictions: Tensor, oneHotTargets: Tensor): number {
  return (predictions.argmax(1).eq(oneHotTargets.argmax(1)).sum().item() * 100) / predictions.shape[0]!;
}

export class Trainer {
  bestLoss = 1e9;
  constructor(public net: NeuralNetwork, readonly optim: Optimizer, readonly rng: RandomState = numpyRandom) {
    this.optim.net = net;
  }

  fit(XTrain: Tensor, yTrain: Tensor, XTest: Tensor, yTest: Tensor, opts: FitOptions = {}): FitResult {
    const { epochs = 100, evalEvery = 10, batchSize = 32, seed = 1, restart = true, earlyStopping = true, convTesting = false,
      log = console.log, onEpoch } = opts;
    this.optim.maxEpochs = epochs;
    this.optim.setupDecay();
    this.rng.seed(seed);
    if (restart) {
      for (const l of this.net.layers) { l.first = true; l.rng = this.rng; }
      this.bestLoss = 1e9;
    }
    const result: FitResult = { validationLosses: [], stoppedEarly: false, batchLosses: [], batchAccuracies: [] };
    let X = XTrain, y = yTrain;
    for (let e = 0; e < epochs; e++) {
      const evaluate = (e + 1) % evalEvery === 0;
      const snapshot = evaluate ? this.net.clone() : null;
      // The book permutes the already-permuted data each epoch; the digits depend on it.
      [X, y] = permuteData(X, y, this.rng);
      let ii = 0;
      for (const [xb, yb] of generateBatches(X, y, batchSize)) {
        this.net.trainBatch(xb, yb);
        this.optim.step();
        if (convTesting) this.convTest(ii, xb, yb, XTest, yTest, result, log);
        ii++;
      }
      onEpoch?.(e + 1);
      if (evaluate) {
        const loss = this.net.loss.forward(this.net.forward(XTest, true), yTest);
        if (!earlyStopping || loss < this.bestLoss) {
          log(`Validation loss after ${e + 1} epochs is ${loss.toFixed(3)}`);
          if (loss < this.bestLoss) this.bestLoss = loss;
          result.validationLosses.push({ epoch: e + 1, loss });
        } else {
          log(`Loss increased after epoch ${e + 1}, final loss was ${this.bestLoss.toFixed(3)}, using the model from epoch ${e + 1 - evalEvery}`);
          this.net = snapshot!;
          this.optim.net = this.net;
          result.stoppedEarly = true;
          break;
        }
      }
      // Decay only when finalLr is truthy, after the epoch, and never after an early stop.
      if (this.optim.finalLr) this.optim.decayLr();
    }
    return result;
  }

  /** conv_testing: the batch's loss re-evaluated in inference mode after the step, and the test accuracy. */
  private convTest(ii: number, xb: Tensor, yb: Tensor, XTest: Tensor, yTest: Tensor, result: FitResult, log: (line: string) => void): void {
    if (ii % 10 === 0) {
      const loss = this.net.loss.forward(this.net.forward(xb, true), yb);
      log(`batch ${ii} loss ${loss}`);
      result.batchLosses.push({ batch: ii, loss });
    }
    if (ii % 100 === 0 && ii > 0) {
      const accuracy = accuracyPercent(this.net.forward(XTest, true), yTest);
      log(`Validation accuracy after ${ii} batches is ${accuracy.toFixed(2)}%`);
      result.batchAccuracies.push({ batch: ii, accuracy });
    }
  }
}

/** MAE and RMSE of a regression model on a test set. */
export function evalRegressionModel(model: NeuralNetwork, XTest: Tensor, yTest: Tensor): { mae: number; rmse: number } {
  const preds = model.forward(XTest, true).reshape(-1, 1);
  const err = preds.sub(yTest.reshape(-1, 1));
  return { mae: err.abs().mean().item(), rmse: Math.sqrt(err.pow(2).mean().item()) };
}
