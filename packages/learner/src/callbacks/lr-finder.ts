// LRFinder (fastai ch16/ch19, Leslie Smith's LR range test): the lr grows exponentially from
// startLr to endLr over numIt training batches; the fit stops after numIt batches, or when the
// smoothed loss exceeds 4× the best so far or stops being finite. Validation is skipped. The
// model's weights and buffers and the optimizer's state and hyperparameters are snapshotted in
// beforeFit and restored in afterFit, so learn.lrFind() leaves the learner as it found it.
import { schedExp, type Hypers, type ParamState } from '@groundup/optim';
import type { StateDict } from '@groundup/nn';
import { noGrad, Tensor } from '@groundup/tensor';
import { CancelFitException, CancelValidException } from '../cancel.ts';
import { ParamScheduler } from './param-scheduler.ts';

export interface LRFinderOptions { startLr?: number; endLr?: number; numIt?: number; stopDiv?: boolean }

export class LRFinder extends ParamScheduler {
  readonly numIt: number;
  readonly stopDiv: boolean;
  bestLoss = Infinity;
  #model: StateDict | null = null;
  #opt: { state: Map<Tensor, ParamState>; hypers: Hypers[] } | null = null;

  constructor({ startLr = 1e-7, endLr = 10, numIt = 100, stopDiv = true }: LRFinderOptions = {}) {
    super({ lr: schedExp(startLr, endLr) });
    this.numIt = Math.max(numIt, 6);
    this.stopDiv = stopDiv;
  }

  override beforeFit(): void {
    super.beforeFit();
    const l = this.learn;
    this.#model = Object.fromEntries(Object.entries(l.model.stateDict()).map(([k, t]) => [k, t.clone()]));
    const opt = l.opt!;
    const state = new Map<Tensor, ParamState>();
    for (const [p, s] of opt.state) state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v])));
    this.#opt = { state, hypers: opt.hypers.map((h) => ({ ...h })) };
    this.bestLoss = Infinity;
  }

  override beforeBatch(): void { this.setPos(this.learn.trainIter / this.numIt); }

  override afterBatch(): void {
    super.afterBatch();
    const s = this.learn.smoothLoss;
    if (s === null) return;
    if (s < this.bestLoss) this.bestLoss = s;
    if (this.stopDiv && (!Number.isFinite(s) || s > 4 * this.bestLoss)) throw new CancelFitException();
    if (this.learn.trainIter >= this.numIt) throw new CancelFitException();
  }

  override beforeValidate(): void { throw new CancelValidException(); }

  override afterFit(): void {
    super.afterFit();
    const l = this.learn, opt = l.opt!;
    opt.zeroGrad({ setToNone: true });
    if (this.#model) noGrad(() => l.model.loadStateDict(this.#model!));
    if (this.#opt) {
      opt.state.clear();
      for (const [p, s] of this.#opt.state) opt.state.set(p, s);
      this.#opt.hypers.forEach((h, i) => Object.assign(opt.paramGroups[i]!.hypers, h));
    }
    this.#model = this.#opt = null;
  }
}
