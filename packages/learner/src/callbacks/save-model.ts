// SaveModelCallback: checkpoints during a fit, written atomically (temp file, fsync, rename).
//   new SaveModelCallback({ path: 'models/model.ckpt' })   after every epoch: model, optimizer
//       state, epoch, training position (the schedules' position) and random states; a killed
//       run continues with learn.fit(n, { resume: 'models/model.ckpt' }) (same n), ending with
//       the same weights, bit for bit, as a run that was never stopped.
//   new SaveModelCallback({ path, monitor: 'valid_loss' })   only when the monitored value
//       improves, and the best model is loaded back at the end of the fit (fastai's default).
import { makeParentDir } from '#learner-host';
import { Callback } from '../callback.ts';
import { loadCheckpointInto, readCheckpoint, writeCheckpoint } from '../checkpoint.ts';
import { LearnerError } from '../errors.ts';
import { LRFinder } from './lr-finder.ts';

export interface SaveModelOptions {
  /** the checkpoint file (default 'models/model.ckpt') */
  path?: string;
  /** keep only the best epoch by this column of the results table (e.g. 'valid_loss', 'accuracy'); default: save every epoch */
  monitor?: string;
  /** for monitor: 'min' or 'max' (default: 'max' for accuracy-like names, else 'min') */
  comp?: 'min' | 'max';
  /** an improvement must exceed this (default 0) */
  minDelta?: number;
  /** also save the optimizer state (default true: needed to resume) */
  withOpt?: boolean;
}

export class SaveModelCallback extends Callback {
  override order = 61;
  readonly path: string;
  readonly monitor: string | null;
  readonly comp: 'min' | 'max';
  readonly minDelta: number;
  readonly withOpt: boolean;
  best = NaN;
  /** the epochs at which a checkpoint was written in the last fit */
  saved: number[] = [];

  constructor(opts: SaveModelOptions = {}) {
    super();
    this.path = opts.path ?? 'models/model.ckpt';
    this.monitor = opts.monitor ?? null;
    this.comp = opts.comp ?? (this.monitor && /acc|accuracy|f1|r2|auc|dice/i.test(this.monitor) ? 'max' : 'min');
    this.minDelta = opts.minDelta ?? 0;
    this.withOpt = opts.withOpt ?? true;
  }

  /** Not in validate() / getPreds(), and not during lrFind(), whose weights are thrown away. */
  get #active(): boolean { return this.learn.mode === 'fit' && !this.learn.getCb(LRFinder); }

  override beforeFit(): void {
    if (!this.#active) return;
    this.best = this.comp === 'min' ? Infinity : -Infinity;
    this.saved = [];
    makeParentDir(this.path);
  }

  override afterEpoch(): void {
    const l = this.learn;
    if (!this.#active) return;
    if (this.monitor !== null) {
      const names = l.recorder.metricNames.slice(1);
      const i = names.indexOf(this.monitor);
      if (i < 0) throw new LearnerError(`SaveModelCallback: monitor '${this.monitor}' is not a column of the results table; choose one of ${names.filter((n) => n !== 'time').join(', ')}`);
      const v = l.finalRecord?.[i];
      if (v === null || v === undefined) return;
      const better = this.comp === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta;
      if (!better) return;
      this.best = v;
    }
    writeCheckpoint(l, this.path, { withOpt: this.withOpt, training: true });
    this.saved.push(l.epoch);
  }

  override afterFit(): void {
    if (!this.#active || this.monitor === null || this.saved.length === 0) return;
    loadCheckpointInto(this.learn, readCheckpoint(this.path, { needTraining: false }), this.path, { withOpt: this.withOpt });
  }
}
