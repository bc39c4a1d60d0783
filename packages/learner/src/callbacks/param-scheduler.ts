// ParamScheduler (fastai ch16): before every training batch, sets each scheduled hyperparameter
// of the optimizer to sched(pctTrain), and records what it set (hps); Recorder.plotSched draws it.
// fitOneCycle is a ParamScheduler with fastai's combined-cosine lr and mom schedules.
import type { Schedule } from '@groundup/optim';
import { Callback } from '../callback.ts';
import { LearnerError } from '../errors.ts';
import { Recorder } from './recorder.ts';

export class ParamScheduler extends Callback {
  override order = 60;
  override runValid = false;
  /** the values set before each training batch, by hyperparameter */
  hps: Record<string, number[]> = {};

  constructor(readonly scheds: Readonly<Record<string, Schedule>>) { super(); }

  override beforeFit(): void {
    this.hps = Object.fromEntries(Object.keys(this.scheds).map((k) => [k, [] as number[]]));
  }

  override beforeBatch(): void { this.setPos(this.learn.pctTrain); }

  /** Sets every scheduled hyperparameter at position pos ∈ [0, 1]. */
  setPos(pos: number): void {
    const opt = this.learn.opt;
    if (!opt) throw new LearnerError('ParamScheduler: the learner has no optimizer yet (it is created by fit)');
    for (const [name, f] of Object.entries(this.scheds)) opt.setHyper(name, f(pos));
  }

  override afterBatch(): void {
    const last = this.learn.opt!.hypers.at(-1)!;
    for (const name of Object.keys(this.scheds)) this.hps[name]!.push(last[name]!);
  }

  override afterFit(): void {
    const rec = this.learn.getCb(Recorder);
    if (rec) rec.hps = this.hps;
  }
}
