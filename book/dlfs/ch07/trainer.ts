// Weidman ch7's PyTorchTrainer (lincoln.pytorch.train), on groundup: per epoch, optionally step an
// ExponentialLR first (γ = (final_lr / initial_lr)^(1/(epochs + 1)), stepped at the start of each
// epoch, as the book does), shuffle the arrays (or take the DataLoader's batches), then
// zero_grad → forward → loss → backward → step per batch; every eval_every epochs (epochs 0,
// eval_every, ...) evaluate in eval mode under noGrad. Two quirks of the book are kept: the array
// path puts the model back in training mode at the start of each epoch, the DataLoader path
// never does (there, training after the first evaluation runs without dropout).
import { randomPermutation } from '@groundup/data';
import { ExponentialLR, type Optimizer } from '@groundup/optim';
import { noGrad, tensor, type Tensor } from '@groundup/tensor';
import { ShapeError } from '@groundup/kernels';
import type { PyTorchModel } from './layers.ts';

export type Criterion = (pred: Tensor, target: Tensor) => Tensor;
export interface EvalPoint { epoch: number; loss: number }
export interface FitOptions {
  XTrain?: Tensor; yTrain?: Tensor; XTest?: Tensor; yTest?: Tensor;
  trainDataloader?: Iterable<[Tensor, Tensor]>; testDataloader?: Iterable<[Tensor, Tensor]>;
  epochs?: number; evalEvery?: number; batchSize?: number; finalLrExp?: number | null;
  /** Where "The loss after ... epochs was ..." goes (default console.log). */
  log?: (line: string) => void;
}

/** The book's permute_data: the same random permutation of X's and y's rows (torch.randperm; here the global Generator). */
export function permuteData(X: Tensor, y: Tensor): [Tensor, Tensor] {
  const perm = tensor(randomPermutation(X.shape[0]!), { dtype: 'int32' });
  return [X.indexSelect(0, perm), y.indexSelect(0, perm)];
}

/** Batches of `size` rows in order, the last one shorter. */
export function* generateBatches(X: Tensor, y: Tensor, size = 32): Generator<[Tensor, Tensor]> {
  for (let i = 0; i < X.shape[0]!; i += size) {
    const n = Math.min(size, X.shape[0]! - i);
    yield [X.narrow(0, i, n), y.narrow(0, i, n)];
  }
}

export class PyTorchTrainer {
  constructor(readonly model: PyTorchModel<Tensor[]>, readonly optim: Optimizer, readonly loss: Criterion) {
    const a = optim.paramGroups[0]?.params ?? [], b = model.parameters();
    if (a.length !== b.length || a.some((p, i) => p !== b[i]))
      throw new ShapeError(`PyTorchTrainer: the optimizer's first parameter group must be model.parameters() (${a.length} vs ${b.length} tensors); build the optimizer from this model`);
  }

  fit(opts: FitOptions): EvalPoint[] {
    const { epochs = 100, evalEvery = 10, batchSize = 32, finalLrExp = null, log = console.log } = opts;
    const initLr = this.optim.paramGroups[0]!.lr;
    const scheduler = finalLrExp ? new ExponentialLR(this.optim, (finalLrExp / initLr) ** (1 / (epochs + 1))) : null;
    const evals: EvalPoint[] = [];
    let { XTrain, yTrain } = opts;
    for (let e = 0; e < epochs; e++) {
      scheduler?.step();
      let batches: Iterable<[Tensor, Tensor]>;
      if (!opts.trainDataloader) {
        if (!XTrain || !yTrain || !opts.XTest || !opts.yTest) throw new ShapeError('PyTorchTrainer.fit: pass XTrain, yTrain, XTest and yTest, or trainDataloader and testDataloader');
        [XTrain, yTrain] = permuteData(XTrain, yTrain);
        batches = generateBatches(XTrain, yTrain, batchSize);
        this.model.train();
      } else batches = opts.trainDataloader;
      for (const [xb, yb] of batches) {
        this.optim.zeroGrad();
        const loss = this.loss(this.model.call(xb)[0]!, yb);
        loss.backward();
        this.optim.step();
      }
      if (e % evalEvery === 0) {
        const loss = noGrad(() => {
          this.model.eval();
          if (!opts.testDataloader) return this.loss(this.model.call(opts.XTest!)[0]!, opts.yTest!).item();
          const losses = [...opts.testDataloader].map(([xb, yb]) => this.loss(this.model.call(xb)[0]!, yb).item());
          return losses.reduce((s, v) => s + v, 0) / losses.length;
        });
        evals.push({ epoch: e, loss });
        log(`The loss after ${e + 1} epochs was ${loss.toFixed(4)}`);
      }
    }
    return evals;
  }
}
