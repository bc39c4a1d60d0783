// fastai ch4's training pieces, shared by the lesson and the chapter test: the MNIST loss, the
// metric, one epoch of SGD, validation, and BasicOptim.
import { cat, noGrad, randn, where, type Tensor } from 'groundup';
import { DataLoader, mnistSample, TensorDataset } from '@groundup/data';

/** sigmoid, then how far each prediction is from its target: where(target == 1, 1 − p, p).mean(). */
export function mnistLoss(predictions: Tensor, targets: Tensor): Tensor {
  const p = predictions.sigmoid();
  return where(targets.eq(1), p.neg().add(1), p).mean();
}

/** sigmoid(x) > 0.5 counts as "a 3" (target 1). */
export const batchAccuracy = (xb: Tensor, yb: Tensor): Tensor => xb.sigmoid().gt(0.5).eq(yb.bool()).float().mean();

export type Model = (x: Tensor) => Tensor;
export type Batches = Iterable<[Tensor, Tensor]>;

export function calcGrad(xb: Tensor, yb: Tensor, model: Model): Tensor {
  const loss = mnistLoss(model(xb), yb);
  loss.backward();
  return loss;
}

/** Unweighted mean of the per-batch accuracies, rounded to 4 places (as the book does). */
export function validateEpoch(model: Model, valid: Batches): number {
  const accs = noGrad(() => [...valid].map(([xb, yb]) => batchAccuracy(model(xb), yb).item()));
  return Math.round((accs.reduce((a, b) => a + b, 0) / accs.length) * 1e4) / 1e4;
}

export interface Optim { step(): void; zeroGrad(): void }

/** The ch4 optimizer: p ← p − lr·grad, then forget the gradients. */
export class BasicOptim implements Optim {
  constructor(readonly params: Tensor[], readonly lr: number) {}
  step(): void { noGrad(() => { for (const p of this.params) p.sub_(p.grad!.mul(this.lr)); }); }
  zeroGrad(): void { for (const p of this.params) p.grad = null; }
}

export function trainEpoch(model: Model, train: Batches, opt: Optim): number[] {
  const losses: number[] = [];
  for (const [xb, yb] of train) {
    losses.push(calcGrad(xb, yb, model).item());
    opt.step();
    opt.zeroGrad();
  }
  return losses;
}

export const initParams = (shape: number[], std = 1): Tensor => randn(shape).mul(std).requiresGrad_();

/** The 3s and 7s as the book lays them out: x [n, 784] floats, y [n, 1] with 3 → 1, 7 → 0. */
export function threesSevens(): { trainX: Tensor; trainY: Tensor; validX: Tensor; validY: Tensor; raw: ReturnType<typeof mnistSample> } {
  const raw = mnistSample();
  const xy = (threes: Tensor, sevens: Tensor): [Tensor, Tensor] => [
    cat([threes, sevens]).view(-1, 28 * 28),
    cat([threes.at(':', 0, 0).mul(0).add(1), sevens.at(':', 0, 0).mul(0)]).unsqueeze(1),
  ];
  const [trainX, trainY] = xy(raw.train.threes, raw.train.sevens);
  const [validX, validY] = xy(raw.valid.threes, raw.valid.sevens);
  return { trainX, trainY, validX, validY, raw };
}

/** (x, y) pairs in batches of bs, gathered a batch at a time; shuffled each epoch when asked. */
export const loader = (x: Tensor, y: Tensor, bs: number, shuffle: boolean): DataLoader<[Tensor, Tensor], [Tensor, Tensor]> =>
  new DataLoader(new TensorDataset<[Tensor, Tensor]>(x, y), { batchSize: bs, shuffle });
