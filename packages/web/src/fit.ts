// Training as in ch13's fit_one_cycle: fastai's Adam (β2 0.99, eps 1e-5, decoupled weight decay
// 0.01) under the one-cycle schedules of lr and β1, cross-entropy loss, accuracy on the
// validation set after each epoch. A generator: every next() runs one batch and reports it, so
// the caller (the page's worker, a Node script) decides when to draw, yield or stop.
// DOM-free, so that Node and the browser train the same way.
import {
  Adam, DataLoader, F, Generator, TensorDataset, manualSeed, noGrad, oneCycle, type Module, type Tensor,
} from 'groundup';

export interface FitOptions {
  epochs: number;
  lrMax: number;
  batchSize: number;
  /** seeds the weights' initialisation (when the caller builds the model after manualSeed) and the shuffling */
  seed: number;
  /** stop after this many batches: the one-cycle schedule then spans them (a short, complete run) */
  maxSteps?: number;
}

export interface Split { x: Tensor; y: Tensor }

export interface BatchEvent {
  kind: 'batch';
  epoch: number;
  /** batches done in all, and how many the run will take */
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  /** time of this training step (forward, backward, optimizer), in ms */
  ms: number;
}
export interface EpochEvent {
  kind: 'epoch';
  epoch: number;
  trainLoss: number;
  validLoss: number;
  accuracy: number;
  seconds: number;
}
export type FitEvent = BatchEvent | EpochEvent;

const now = (): number => performance.now();

/** Mean loss and accuracy over a split, in eval mode, without gradients. */
export function evaluate(model: Module<[Tensor], Tensor>, data: Split, batchSize = 500): { loss: number; accuracy: number } {
  const was = model.training;
  model.eval();
  let loss = 0, correct = 0;
  const n = data.x.shape[0]!;
  noGrad(() => {
    for (let s = 0; s < n; s += batchSize) {
      const len = Math.min(batchSize, n - s);
      const xb = data.x.narrow(0, s, len), yb = data.y.narrow(0, s, len);
      const out = model.call(xb);
      loss += F.crossEntropy(out, yb).item() * len;
      correct += out.argmax(1).eq(yb).sum().item();
    }
  });
  model.train(was);
  return { loss: loss / n, accuracy: correct / n };
}

/** Class probabilities for images [N, 1, 28, 28] (already normalised), in eval mode. */
export function predictProbs(model: Module<[Tensor], Tensor>, x: Tensor): Tensor {
  const was = model.training;
  model.eval();
  const p = noGrad(() => model.call(x).softmax(1));
  model.train(was);
  return p;
}

/** Seeds the global generator (weights' init) for a model built right after. */
export function seeded<T>(seed: number, build: () => T): T {
  manualSeed(seed);
  return build();
}

export function* fitOneCycle(model: Module<[Tensor], Tensor>, train: Split, valid: Split, opts: FitOptions): IterableIterator<FitEvent> {
  const dl = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: opts.batchSize, shuffle: true, generator: new Generator(opts.seed) });
  const totalSteps = Math.min(opts.maxSteps ?? Infinity, opts.epochs * dl.length);
  const epochs = Math.ceil(totalSteps / dl.length);
  const sched = oneCycle({ lrMax: opts.lrMax });
  const opt = new Adam(model.parameters(), { lr: sched.lr(0), betas: [sched.mom(0), 0.99], eps: 1e-5, weightDecay: 0.01, decoupled: true });
  let step = 0;
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = now();
    let lossSum = 0, seen = 0;
    for (const [xb, yb] of dl) {
      if (step >= totalSteps) break;
      const pos = step / totalSteps;
      opt.setHyper('lr', sched.lr(pos));
      opt.setHyper('mom', sched.mom(pos));
      const s0 = now();
      const loss = F.crossEntropy(model.call(xb!), yb!);
      loss.backward();
      opt.step();
      opt.zeroGrad();
      const l = loss.item();
      const ms = now() - s0;
      step++;
      lossSum += l * xb!.shape[0]!;
      seen += xb!.shape[0]!;
      yield { kind: 'batch', epoch, step, totalSteps, loss: l, lr: opt.lr, ms };
    }
    const v = evaluate(model, valid);
    yield { kind: 'epoch', epoch, trainLoss: lossSum / seen, validLoss: v.loss, accuracy: v.accuracy, seconds: (now() - t0) / 1000 };
  }
}
