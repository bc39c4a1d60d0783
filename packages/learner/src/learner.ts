// The Learner (fastai ch16/ch19): a model, its data, a loss and an optimizer, and a training
// loop that does little itself: it fires events, and callbacks do the work.
//
//   const learn = new Learner(dls, model, { lossFunc: F.crossEntropy, metrics: [accuracy] });
//   learn.fitOneCycle(3, 3e-3);
//
// One batch:  beforeBatch, pred = model(...xb), afterPred, loss = lossFunc(pred, ...yb), afterLoss,
//             (training only) beforeBackward, backward, afterBackward, beforeStep, step, afterStep,
//             zeroGrad, afterBatch.
// fit(n):     beforeFit, then per epoch: beforeEpoch, beforeTrain, batches, afterTrain,
//             beforeValidate, batches (no grad), afterValidate, afterEpoch; then afterFit.
// A Cancel…Exception thrown from an event skips the rest of its stage; afterCancel… and after…
// run (see cancel.ts).
import { oneCycle, type Optimizer } from '@groundup/optim';
import { cat, noGrad, Tensor, type Device } from '@groundup/tensor';
import {
  CancelBackwardException, CancelBatchException, CancelEpochException, CancelException, CancelFitException,
  CancelStepException, CancelTrainException, CancelValidException,
} from './cancel.ts';
import { Callback, INNER_LOOP, type EventName } from './callback.ts';
import { DeviceCallback } from './callbacks/device.ts';
import { ParamScheduler } from './callbacks/param-scheduler.ts';
import { ProgressCallback } from './callbacks/progress.ts';
import { Recorder } from './callbacks/recorder.ts';
import { TrainEvalCallback } from './callbacks/train-eval.ts';
import { applyResume, loadCheckpointInto, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { LearnerError } from './errors.ts';
import { lrFind, type LrFindOptions, type LrFindResult } from './lr-find.ts';
import { toMetric, type Metric } from './metrics.ts';
import { fastaiAdam } from './opt-func.ts';
import {
  isRNNOutput, makeOptimizer, type Batch, type FitOneCycleOptions, type FitOptions, type LearnerModel, type LearnerOptions, type Loader,
  type LoadersLike, type LogRow, type LossFunc, type ModelOutput, type OptFunc, type Preds,
} from './types.ts';
import { summary, type ModelSummary } from './summary.ts';

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

export class Learner<M extends LearnerModel = LearnerModel> {
  readonly dls: LoadersLike;
  readonly model: M;
  lossFunc: LossFunc;
  optFunc: OptFunc;
  lr: number;
  wd: number | undefined;
  moms: readonly [number, number, number];
  metrics: Metric[];
  nInp: number;
  opt: Optimizer | null = null;
  cbs: Callback[] = [];
  /** Where Recorder sends each epoch's row (ProgressCallback prints it as a table); noLogging() silences it. */
  logger: (row: LogRow) => void = (row) => console.log(row.map((v, i) => (typeof v === 'number' && i > 0 ? v.toFixed(6) : v ?? '')).join('  '));
  /** false inside noLogging (lrFind, validate, getPreds) */
  logging = true;
  /** 'fit', 'validate' or 'getPreds' while one runs; null otherwise. */
  mode: 'fit' | 'validate' | 'getPreds' | null = null;

  // ---- state the callbacks read (and may change)
  nEpoch = 1;
  epoch = 0;
  /** batches in the current loader */
  nIter = 0;
  /** index of the batch within the epoch's phase */
  iter = 0;
  /** training batches done in this fit (TrainEvalCallback) */
  trainIter = 0;
  /** position in the fit, 0..1, for schedules (TrainEvalCallback) */
  pctTrain = 0;
  training = false;
  dl: Loader | null = null;
  /** what the model returned this batch (a Tensor, or an RNNOutput tuple) */
  modelOutput: ModelOutput | null = null;
  /** the recorder's smoothed training loss (Recorder) */
  smoothLoss: number | null = null;
  /** the last epoch's row without epoch and time: [train_loss, valid_loss, ...metrics] (Recorder) */
  finalRecord: (number | null)[] | null = null;
  #xb: Tensor[] | null = null;
  #yb: Tensor[] | null = null;
  #pred: Tensor | null = null;
  #loss: Tensor | null = null;
  #lossGrad: Tensor | null = null;

  constructor(dls: LoadersLike, model: M, opts: LearnerOptions) {
    if (!dls || !dls.train || !dls.valid) throw new LearnerError('Learner: dls must have a train and a valid loader, e.g. new DataLoaders(trainDl, validDl)');
    if (typeof opts?.lossFunc !== 'function') throw new LearnerError('Learner: lossFunc is required, e.g. { lossFunc: F.crossEntropy }');
    this.dls = dls;
    this.model = model;
    this.lossFunc = opts.lossFunc;
    this.optFunc = opts.optFunc ?? fastaiAdam;
    this.lr = opts.lr ?? 1e-3;
    this.wd = opts.wd;
    this.moms = opts.moms ?? [0.95, 0.85, 0.95];
    this.metrics = (opts.metrics ?? []).map(toMetric);
    this.nInp = opts.nInp ?? 1;
    const progress = opts.progress ?? true;
    const defaults: Callback[] = [new TrainEvalCallback(), new Recorder()];
    if (progress !== false) defaults.push(new ProgressCallback(progress === true ? {} : progress));
    this.addCbs([...defaults, ...(opts.cbs ?? [])]);
    this.event('afterCreate');
  }

  // ---------------------------------------------------------------- batch state
  #need<T>(v: T | null, what: string): T {
    if (v === null) throw new LearnerError(`learn.${what} is only set during a batch (${what === 'pred' ? 'from afterPred on' : what.startsWith('loss') ? 'from afterLoss on' : 'from beforeBatch on'})`);
    return v;
  }
  get xb(): Tensor[] { return this.#need(this.#xb, 'xb'); }
  set xb(v: Tensor[]) { this.#xb = v; }
  get yb(): Tensor[] { return this.#need(this.#yb, 'yb'); }
  set yb(v: Tensor[]) { this.#yb = v; }
  /** the first input */
  get x(): Tensor { return this.xb[0]!; }
  /** the first target */
  get y(): Tensor { return this.yb[0]!; }
  get pred(): Tensor { return this.#need(this.#pred, 'pred'); }
  set pred(v: Tensor) { this.#pred = v; }
  /** the loss of this batch, detached: what Recorder and metrics see */
  get loss(): Tensor { return this.#need(this.#loss, 'loss'); }
  set loss(v: Tensor) { this.#loss = v; }
  /** the loss backward() differentiates; callbacks add to it (RNNRegularizer) */
  get lossGrad(): Tensor { return this.#need(this.#lossGrad, 'lossGrad'); }
  set lossGrad(v: Tensor) { this.#lossGrad = v; }
  /** whether the current batch has produced a loss yet */
  get hasLoss(): boolean { return this.#loss !== null; }

  // ---------------------------------------------------------------- callbacks
  /** Callbacks sorted by order (stable). */
  get sortedCbs(): Callback[] {
    return this.cbs.map((cb, i) => [cb, i] as const).sort((a, b) => a[0].order - b[0].order || a[1] - b[1]).map(([cb]) => cb);
  }
  addCb(cb: Callback): this {
    if (!(cb instanceof Callback)) throw new LearnerError(`addCb: expected a Callback instance, got ${typeof cb === 'function' ? `the class ${(cb as { name: string }).name} (call new on it)` : typeof cb}`);
    cb.learn = this;
    this.cbs.push(cb);
    return this;
  }
  addCbs(cbs: readonly Callback[]): this { for (const cb of cbs) this.addCb(cb); return this; }
  removeCb(cb: Callback): this {
    const i = this.cbs.indexOf(cb);
    if (i >= 0) this.cbs.splice(i, 1);
    return this;
  }
  removeCbs(cbs: readonly Callback[]): this { for (const cb of cbs) this.removeCb(cb); return this; }
  /** The first callback of a class, or undefined. */
  getCb<C extends Callback>(cls: abstract new (...args: never[]) => C): C | undefined {
    return this.cbs.find((cb): cb is C => cb instanceof cls);
  }
  /** Runs fn with extra callbacks, removed afterwards (fastai's added_cbs). */
  withCbs<T>(cbs: readonly Callback[] | undefined, fn: () => T): T {
    const added = [...(cbs ?? [])];
    this.addCbs(added);
    try { return fn(); } finally { this.removeCbs(added); }
  }
  /** Runs fn with the logger silenced (fastai's no_logging). */
  noLogging<T>(fn: () => T): T {
    const old = this.logger, was = this.logging;
    this.logger = () => {};
    this.logging = false;
    try { return fn(); } finally { this.logger = old; this.logging = was; }
  }
  get recorder(): Recorder {
    const r = this.getCb(Recorder);
    if (!r) throw new LearnerError('learn.recorder: this learner has no Recorder callback; add one: learn.addCb(new Recorder())');
    return r;
  }

  /** Fires an event on every callback that defines it (fastai's learn('before_fit')). */
  event(name: EventName): void {
    for (const cb of this.sortedCbs) {
      const runs = !INNER_LOOP.has(name) || (cb.runTrain && this.training) || (cb.runValid && !this.training);
      const f = cb[name];
      if (cb.run && runs && f) {
        try {
          f.call(cb);
        } catch (e) {
          if (!(e instanceof CancelException) && e instanceof Error && !e.message.includes('\n  (in callback '))
            e.message += `\n  (in callback ${cb.constructor.name}, event ${name})`;
          throw e;
        }
      }
      if (name === 'afterFit') cb.run = true;
    }
  }

  #withEvents(f: () => void, stage: string, Cancel: new () => CancelException, final?: () => void): void {
    const S = cap(stage);
    try {
      this.event(`before${S}` as EventName);
      f();
    } catch (e) {
      if (!(e instanceof Cancel)) throw e;
      this.event(`afterCancel${S}` as EventName);
    }
    this.event(`after${S}` as EventName);
    final?.();
  }

  // ---------------------------------------------------------------- the loop
  /** Moves the model to `device` and each batch with it (a DeviceCallback), as fastai's learn.to(device); to('cpu') takes that callback out again. */
  to(device: Device): this {
    for (const cb of this.cbs.filter((c) => c instanceof DeviceCallback)) this.removeCb(cb);
    (this.model as { to?: (d: Device) => unknown }).to?.(device);
    if (device !== 'cpu') this.addCb(new DeviceCallback(device));
    return this;
  }

  createOpt(): Optimizer {
    const params = this.model.parameters().filter((p) => p.requiresGrad);
    if (params.length === 0) throw new LearnerError('Learner: the model has no parameters that require grad; nothing to train (did you freeze all of it?)');
    this.opt = makeOptimizer(this.optFunc, params, { lr: this.lr });
    return this.opt;
  }

  /** Trains for nEpoch epochs (each: training, then validation). */
  fit(nEpoch: number, opts: FitOptions = {}): void {
    if (!Number.isInteger(nEpoch) || nEpoch < 0) throw new LearnerError(`fit: nEpoch must be a non-negative integer, got ${nEpoch}`);
    // A checkpoint is read and checked in full before anything changes.
    const ckpt = opts.resume !== undefined ? readCheckpoint(opts.resume, { needTraining: true }) : null;
    if (ckpt && ckpt.meta.nEpoch !== undefined && ckpt.meta.nEpoch !== nEpoch)
      throw new LearnerError(`fit: the checkpoint ${opts.resume} was written by a fit of ${ckpt.meta.nEpoch} epochs, this fit asks for ${nEpoch}; resume with the same count (the schedules depend on it), or load the weights with learn.load() and start a new fit`);
    this.withCbs(opts.cbs, () => {
      if (opts.resetOpt || !this.opt) this.createOpt();
      const wd = opts.wd ?? this.wd;
      if (wd !== undefined) this.opt!.setHyper('wd', wd);
      this.opt!.setHyper('lr', opts.lr ?? this.lr);
      this.nEpoch = nEpoch;
      this.mode = 'fit';
      this.#guard(() => this.#withEvents(() => {
        let start = 0;
        if (ckpt) start = applyResume(this, ckpt, opts.resume!);
        for (let epoch = start; epoch < nEpoch; epoch++) {
          this.epoch = epoch;
          this.#withEvents(() => { this.#doEpochTrain(); this.#doEpochValidate(this.dls.valid); }, 'epoch', CancelEpochException);
        }
      }, 'fit', CancelFitException, () => this.#endCleanup()));
    });
  }

  /** Runs fn; when an error escapes it, every callback's cleanup() runs (progress bars stop) before it propagates. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      for (const cb of this.sortedCbs) {
        try { cb.cleanup?.(); } catch { /* the first error is the one to report */ }
      }
      this.#endCleanup();
      throw e;
    }
  }

  /**
   * fastai's fit_one_cycle: lr from lrMax/div up to lrMax over pctStart of the iterations, then
   * down to lrMax/divFinal, both along half cosines; momentum the other way (moms).
   */
  fitOneCycle(nEpoch: number, lrMax?: number, opts: FitOneCycleOptions = {}): void {
    const { div = 25, divFinal = 1e5, pctStart = 0.25, moms = this.moms, cbs = [], ...rest } = opts;
    const { lr, mom } = oneCycle({ lrMax: lrMax ?? this.lr, div, divFinal, pctStart, moms });
    this.fit(nEpoch, { ...rest, lr: lrMax ?? this.lr, cbs: [new ParamScheduler({ lr, mom }), ...cbs] });
  }

  /**
   * fastai's lr_find: an exponential lr sweep over numIt batches (startLr 1e-7 to endLr 10),
   * stopping when the loss diverges; the model and optimizer are restored afterwards. Returns the
   * valley / steep / minimum suggestions and writes the plot (opts.plot, default 'lrFind.svg').
   */
  lrFind(opts: LrFindOptions = {}): LrFindResult { return lrFind(this, opts); }

  #doEpochTrain(): void {
    this.dl = this.dls.train;
    this.#withEvents(() => this.#allBatches(), 'train', CancelTrainException);
  }

  #doEpochValidate(dl: Loader): void {
    this.dl = dl;
    noGrad(() => this.#withEvents(() => this.#allBatches(), 'validate', CancelValidException));
  }

  #allBatches(): void {
    const dl = this.dl!;
    this.nIter = dl.length;
    let i = 0;
    for (const b of dl) this.#oneBatch(i++, b);
  }

  #oneBatch(i: number, b: Batch): void {
    this.iter = i;
    this.#split(b);
    this.#withEvents(() => this.#doOneBatch(), 'batch', CancelBatchException);
  }

  #split(b: Batch): void {
    if (!Array.isArray(b)) {
      if (b instanceof Tensor) { this.xb = [b]; this.yb = []; return; }
      throw new LearnerError(`Learner: a batch must be an array of tensors ([x, y]), got ${typeof b}; give the DataLoader a dataset of (x, y) pairs, e.g. new TensorDataset(x, y)`);
    }
    if (b.length < this.nInp) throw new LearnerError(`Learner: a batch has ${b.length} tensor(s) but nInp is ${this.nInp}`);
    this.xb = b.slice(0, this.nInp);
    this.yb = b.slice(this.nInp);
  }

  #doOneBatch(): void {
    this.#pred = this.#loss = this.#lossGrad = null;
    const out = (this.model.call as (...xs: Tensor[]) => ModelOutput)(...this.xb);
    this.modelOutput = out;
    this.pred = isRNNOutput(out) ? out[0] : out;
    this.event('afterPred');
    if (this.yb.length > 0) {
      const l = (this.lossFunc as (pred: Tensor, ...yb: Tensor[]) => Tensor)(this.pred, ...this.yb);
      if (!(l instanceof Tensor) || l.numel() !== 1)
        throw new LearnerError(`Learner: lossFunc returned ${l instanceof Tensor ? `a tensor of shape [${l.shape.join(', ')}]` : typeof l}, not a scalar; the Learner backpropagates one number per batch: reduce it (e.g. .mean(), or the loss's default reduction 'mean' instead of 'none')`);
      this.lossGrad = l;
      this.loss = l.detach().clone();
    }
    this.event('afterLoss');
    if (!this.training || this.yb.length === 0) return;
    this.#withEvents(() => this.lossGrad.backward(), 'backward', CancelBackwardException);
    this.#withEvents(() => this.opt!.step(), 'step', CancelStepException);
    this.opt!.zeroGrad();
  }

  #endCleanup(): void {
    this.dl = null;
    this.#xb = this.#yb = this.#pred = this.#loss = this.#lossGrad = null;
    this.modelOutput = null;
    this.mode = null;
  }

  // ---------------------------------------------------------------- evaluation
  /**
   * The validation loss and metrics on dl (default the validation loader): [valid_loss, ...metrics].
   * Runs beforeFit, beforeEpoch, the validate events, afterEpoch, afterFit, as fastai does, with
   * logging off; the Recorder's history of the last fit is kept.
   */
  validate(opts: { dl?: Loader; cbs?: readonly Callback[] } = {}): (number | null)[] {
    this.#evaluate('validate', opts.dl ?? this.dls.valid, opts.cbs);
    return [...(this.finalRecord ?? [])];
  }

  /** Predictions and targets over dl (default valid); the loss's activation applies unless act is given. */
  getPreds(opts: { dl?: Loader; act?: ((x: Tensor) => Tensor) | null; withInput?: boolean; withDecoded?: boolean } = {}): Preds {
    const dl = opts.dl ?? this.dls.valid;
    const preds: Tensor[] = [], targs: Tensor[] = [], inputs: Tensor[] = [];
    const gather = new GatherPreds((learn) => {
      preds.push(learn.pred.detach());
      if (learn.yb.length) targs.push(learn.yb[0]!);
      if (opts.withInput) inputs.push(learn.xb[0]!);
    });
    this.#evaluate('getPreds', dl, [gather]);
    if (preds.length === 0) throw new LearnerError('getPreds: the loader gave no batches');
    const act = opts.act === undefined ? this.lossFunc.activation : opts.act ?? undefined;
    const raw = catRows(preds);
    const out: Preds = { preds: act ? act(raw) : raw, targs: targs.length ? catRows(targs) : null };
    if (opts.withInput) out.inputs = catRows(inputs);
    if (opts.withDecoded) out.decoded = this.lossFunc.decodes ? this.lossFunc.decodes(out.preds) : out.preds.argmax(-1);
    return out;
  }

  #evaluate(mode: 'validate' | 'getPreds', dl: Loader, cbs: readonly Callback[] | undefined): void {
    this.withCbs(cbs, () => this.noLogging(() => {
      this.mode = mode;
      this.#guard(() => {
        this.event('beforeFit');
        this.event('beforeEpoch');
        this.#doEpochValidate(dl);
        this.event('afterEpoch');
        this.event('afterFit');
      });
      this.#endCleanup();
    }));
  }

  /** fastai's learn.summary(): the layer table for one training batch. */
  summary(): ModelSummary {
    const b = this.dls.train[Symbol.iterator]().next();
    if (b.done) throw new LearnerError('summary: the training loader gave no batch');
    this.#split(b.value);
    const x = this.xb[0]!;
    this.#xb = this.#yb = null;
    return summary(this.model, x);
  }

  // ---------------------------------------------------------------- files
  /** Writes the model (and, withOpt, the optimizer state) to path, atomically. */
  save(path: string, opts: { withOpt?: boolean } = {}): string {
    writeCheckpoint(this, path, { withOpt: opts.withOpt ?? true });
    return path;
  }
  /** Loads what save() (or SaveModelCallback) wrote: the model, and the optimizer state when present and withOpt. */
  load(path: string, opts: { withOpt?: boolean } = {}): this {
    loadCheckpointInto(this, readCheckpoint(path, { needTraining: false }), path, { withOpt: opts.withOpt ?? true });
    return this;
  }
}


const catRows = (ts: Tensor[]): Tensor => (ts.length === 1 ? ts[0]! : cat(ts, 0));

/** Hands every validation batch to fn (getPreds). */
class GatherPreds extends Callback {
  override order = 100;
  constructor(private readonly fn: (learn: Learner) => void) { super(); }
  override afterBatch(): void { this.fn(this.learn); }
}
