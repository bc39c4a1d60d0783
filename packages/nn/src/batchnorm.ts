// BatchNorm1d and BatchNorm2d: per-channel normalisation by the batch statistics in training and
// by running statistics in eval, then γ·x̂ + β (weight, bias). The running mean and variance are
// buffers (saved, not trained), updated in training as PyTorch does: new = (1 − momentum)·old +
// momentum·batch, with the unbiased batch variance; momentum null gives the cumulative average.
// State-dict keys are PyTorch's: weight, bias, running_mean, running_var, num_batches_tracked.
import { ShapeError } from '@groundup/kernels';
import { full, noGrad, ones, zeros, type DType, type Tensor } from '@groundup/tensor';
import { batchNorm } from './functional/batchnorm.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { affineParameters, type Parameter } from './parameter.ts';
import { pyFloat } from './repr.ts';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running stats (0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learnable weight and bias (true). */
  affine?: boolean;
  /** Keep running stats and use them in eval (true); false uses batch statistics always. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module<[Tensor], Tensor> {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  runningMean!: Tensor | null;
  runningVar!: Tensor | null;
  numBatchesTracked!: Tensor | null;

  protected abstract checkInput(x: Tensor): void;

  constructor(readonly numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ShapeError(`${new.target.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = affineParameters([numFeatures], this.affine, dtype);
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures], { dtype }));
      this.registerBuffer('runningVar', ones([numFeatures], { dtype }));
      this.registerBuffer('numBatchesTracked', full([], 0, { dtype: 'int32' }));
    } else {
      this.registerBuffer('runningMean', null);
      this.registerBuffer('runningVar', null);
      this.registerBuffer('numBatchesTracked', null);
    }
  }

  /** Running mean 0, variance 1, count 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    init.zeros_(this.runningMean!);
    init.ones_(this.runningVar!);
    noGrad(() => this.numBatchesTracked!.zero_());
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) { init.ones_(this.weight!); init.zeros_(this.bias!); }
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures)
      throw new ShapeError(`${this.constructor.name}: the input [${x.shape}] has ${x.shape[1]} channels on dim 1 but the layer was built for ${this.numFeatures}`);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      const nbt = this.numBatchesTracked;
      nbt.data[nbt.offset]! += 1;
      nbt.markDirty();
      factor = this.momentum ?? 1 / nbt.data[nbt.offset]!;
    }
    const useBatch = this.training || !this.runningMean;
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(x, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, this.weight, this.bias,
      { training: useBatch, momentum: factor, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, ` +
      `affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}

/** Over [N, C] or [N, C, L]: statistics per C. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`BatchNorm1d: expected a 2D or 3D input [N, C] or [N, C, L], got ${x.ndim}D [${x.shape}]`);
  }
}

/** Over [N, C, H, W]: statistics per C. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected a 4D input [N, C, H, W], got ${x.ndim}D [${x.shape}]`);
  }
}
