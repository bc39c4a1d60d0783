// torch.optim.lr_scheduler's ExponentialLR: every step() multiplies each group's lr by gamma, so
// after k steps lr = initial·γᵏ. Like PyTorch, the scheduler records each group's initial lr
// when it is made, and step() is meant to follow optimizer.step() (Weidman ch7 calls it at the
// start of each epoch, before any optimizer step, which skips the initial lr: PyTorch warns then).
import { OptimizerError } from './errors.ts';
import type { Optimizer } from './optimizer.ts';

export class ExponentialLR {
  /** How many times step() ran (PyTorch's last_epoch, which starts at 0 after construction). */
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(readonly optimizer: Optimizer, readonly gamma: number) {
    if (!(gamma > 0) || !Number.isFinite(gamma)) throw new OptimizerError(`ExponentialLR: gamma must be a positive number, got ${gamma}`);
    this.baseLrs = optimizer.paramGroups.map((g, i) => {
      if (typeof g.hypers['lr'] !== 'number') throw new OptimizerError(`ExponentialLR: parameter group ${i} has no lr`);
      return g.lr;
    });
  }

  /** Multiplies every group's lr by gamma. */
  step(): void {
    this.lastEpoch++;
    for (const g of this.optimizer.paramGroups) g.lr = g.lr * this.gamma;
  }

  /** The lrs in effect now, one per group (PyTorch's get_last_lr()). */
  getLastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }
}
