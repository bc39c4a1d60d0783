// Recorder (fastai): per training batch the smoothed loss, lr and momentum; per epoch one row of
// train_loss, valid_loss and the metrics (learn.finalRecord, recorder.values), sent to learn.logger
// with the epoch and the time (ProgressCallback prints it as the table). plotLoss and plotSched
// write SVG.
import { Callback } from '../callback.ts';
import { LearnerError } from '../errors.ts';
import { AvgLoss, AvgSmoothLoss, type Metric } from '../metrics.ts';
import { saveChart, type Series } from '../plot/chart.ts';

/** mm:ss (or h:mm:ss), as fastai's format_time. */
export function formatTime(seconds: number): string {
  const t = Math.round(seconds), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

export interface RecorderOptions {
  /** add a time column (default true) */
  addTime?: boolean;
  /** compute the metrics on the training set too (default false) */
  trainMetrics?: boolean;
  /** compute the validation loss and metrics (default true) */
  validMetrics?: boolean;
  /** smoothing of the training loss (default 0.98) */
  beta?: number;
}

export class Recorder extends Callback {
  override order = 50;
  readonly addTime: boolean;
  readonly trainMetrics: boolean;
  readonly validMetrics: boolean;
  readonly lossMetric = new AvgLoss();
  readonly smoothLoss: AvgSmoothLoss;
  /** per training batch */
  lrs: number[] = [];
  moms: number[] = [];
  losses: number[] = [];
  /** per epoch: the count of training batches so far (where validation losses sit on plotLoss's x axis) */
  iters: number[] = [];
  /** per epoch: [train_loss, valid_loss, ...metrics] */
  values: (number | null)[][] = [];
  /** the hyperparameters a ParamScheduler set, by name (fitOneCycle) */
  hps: Record<string, number[]> = {};
  metricNames: string[] = [];
  #log: (number | string | null)[] = [];
  #start = 0;
  #cancelTrain = false;
  #cancelValid = false;

  constructor(opts: RecorderOptions = {}) {
    super();
    this.addTime = opts.addTime ?? true;
    this.trainMetrics = opts.trainMetrics ?? false;
    this.validMetrics = opts.validMetrics ?? true;
    this.smoothLoss = new AvgSmoothLoss(opts.beta ?? 0.98);
  }

  get #fitting(): boolean { return this.learn.mode === 'fit'; }

  override beforeFit(): void {
    const names = this.learn.metrics.map((m) => m.name);
    let cols: string[];
    if (this.trainMetrics && this.validMetrics) cols = [...['loss', ...names].map((n) => `train_${n}`), ...['loss', ...names].map((n) => `valid_${n}`)];
    else if (this.validMetrics) cols = ['train_loss', 'valid_loss', ...names];
    else cols = ['train_loss', ...names];
    this.metricNames = ['epoch', ...cols, ...(this.addTime ? ['time'] : [])];
    if (!this.#fitting) return;
    this.lrs = []; this.moms = []; this.losses = []; this.iters = []; this.values = []; this.hps = {};
    this.smoothLoss.reset();
  }

  get #trainMets(): Metric[] { return [this.smoothLoss, ...(this.trainMetrics ? this.learn.metrics : [])]; }
  get #validMets(): Metric[] { return this.validMetrics ? [this.lossMetric, ...this.learn.metrics] : []; }

  override beforeEpoch(): void {
    this.#start = performance.now();
    this.#log = [this.learn.epoch];
    this.#cancelTrain = this.#cancelValid = false;
  }
  override beforeTrain(): void { for (const m of this.#trainMets.slice(1)) m.reset(); }
  override beforeValidate(): void { for (const m of this.#validMets) m.reset(); }

  override afterBatch(): void {
    const l = this.learn;
    if (l.yb.length === 0 || !l.hasLoss) return;
    for (const m of l.training ? this.#trainMets : this.#validMets) m.accumulate(l);
    if (!l.training) return;
    const h = l.opt!.hypers.at(-1)!;
    this.lrs.push(h['lr']!);
    if (h['mom'] !== undefined) this.moms.push(h['mom']);
    const s = this.smoothLoss.value!;
    this.losses.push(s);
    l.smoothLoss = s;
  }

  override afterCancelTrain(): void { this.#cancelTrain = true; }
  override afterCancelValidate(): void { this.#cancelValid = true; }
  // A cancelled phase leaves its columns empty (null) so the row stays aligned with the header.
  override afterTrain(): void { this.#log.push(...this.#trainMets.map((m) => (this.#cancelTrain ? null : m.value))); }
  override afterValidate(): void { this.#log.push(...this.#validMets.map((m) => (this.#cancelValid ? null : m.value))); }

  override afterEpoch(): void {
    const l = this.learn;
    if (!this.#fitting) {
      // validate() / getPreds(): no training columns, no history.
      l.finalRecord = this.#log.slice(1) as (number | null)[];
      return;
    }
    const width = this.metricNames.length - 1 - (this.addTime ? 1 : 0);
    while (this.#log.length < width + 1) this.#log.push(null);
    l.finalRecord = this.#log.slice(1) as (number | null)[];
    this.values.push([...l.finalRecord]);
    if (this.addTime) this.#log.push(formatTime((performance.now() - this.#start) / 1000));
    l.logger(this.#log);
    this.iters.push(this.losses.length); // (not smoothLoss.count, which restarts when a fit is resumed)
  }

  /** Restores the history of epochs before a resumed fit (the checkpoint keeps it). */
  restoreHistory(h: { values: (number | null)[][]; lrs: number[]; moms: number[]; losses: number[]; iters: number[] }): void {
    this.values = h.values.map((r) => [...r]);
    this.lrs = [...h.lrs]; this.moms = [...h.moms]; this.losses = [...h.losses]; this.iters = [...h.iters];
  }

  /**
   * Writes the smoothed training loss per batch and the validation loss per epoch as SVG
   * (skipStart batches left out, as fastai's plot_loss); returns the path.
   */
  plotLoss(path = 'plots/loss.svg', opts: { skipStart?: number; withValid?: boolean; title?: string } = {}): string {
    const skip = opts.skipStart ?? 5;
    if (this.losses.length === 0) throw new LearnerError('Recorder.plotLoss: nothing recorded yet; train first (learn.fit)');
    const series: Series[] = [{ x: this.losses.map((_, i) => i).slice(skip), y: this.losses.slice(skip), label: 'train (smoothed)' }];
    const vi = this.metricNames.indexOf('valid_loss') - 1;
    if ((opts.withValid ?? true) && vi >= 0 && this.values.length) {
      series.push({ x: this.iters.map((i) => i - 1), y: this.values.map((r) => r[vi] ?? NaN), label: 'valid', kind: 'both' });
    }
    return saveChart(path, [{ title: opts.title ?? 'Loss', xLabel: 'training batches', yLabel: 'loss', series }]);
  }

  /** Writes the lr and momentum of every training batch as SVG (fastai's plot_sched); returns the path. */
  plotSched(path = 'plots/sched.svg', opts: { title?: string } = {}): string {
    const hps = Object.keys(this.hps).length ? this.hps : { lr: this.lrs, ...(this.moms.length ? { mom: this.moms } : {}) };
    const names = Object.keys(hps).filter((k) => hps[k]!.length > 0);
    if (names.length === 0) throw new LearnerError('Recorder.plotSched: no schedule recorded yet; train first (learn.fitOneCycle)');
    const epochs = this.iters.slice(0, -1).map((i, k) => ({ x: i, label: `epoch ${k + 1}` }));
    return saveChart(path, names.map((n, k) => ({
      title: n, xLabel: 'training batches', yLabel: n,
      series: [{ x: hps[n]!.map((_, i) => i), y: hps[n]!, color: ['#1f77b4', '#2ca02c', '#9467bd'][k % 3] }],
      vlines: epochs,
    })), { title: opts.title ?? 'Schedule' });
  }
}
