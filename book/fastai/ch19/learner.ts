// fastai ch19, "Learner": SGD, a Learner that calls events by name, and its callbacks (SetupLearnerCB,
// TrackResults, LRFinder, OneCycle), as the book writes them. The library version of all of this
// is @groundup/learner.
import { noGrad, type Tensor } from 'groundup';
import type { DataLoaders, Item } from './data.ts';
import type { Module, Parameter } from './module.ts';

export class SGD {
  constructor(readonly params: Parameter[], public lr: number, readonly wd = 0) {}
  step(): void {
    noGrad(() => {
      for (const p of this.params) {
        p.sub_(p.grad!.add(p.mul(this.wd)).mul(this.lr));
        p.grad!.zero_();
      }
    });
  }
}

export class CancelFitException extends Error {}

export type EventName = 'beforeFit' | 'afterFit' | 'beforeEpoch' | 'afterEpoch' | 'beforeBatch' | 'afterBatch';

/** The book's Callback reads the learner's attributes through GetAttr; here it reads this.learner. */
export class Callback {
  learner!: Learner;
  beforeFit?(): void;
  afterFit?(): void;
  beforeEpoch?(): void;
  afterEpoch?(): void;
  beforeBatch?(): void;
  afterBatch?(): void;
}

export type LossFunc = (preds: Tensor, yb: Tensor) => Tensor;
export type OptFunc = (params: Parameter[], lr: number) => SGD;

export class Learner {
  opt!: SGD;
  nEpochs = 0;
  epoch = 0;
  num = 0;
  batch!: Item;
  preds!: Tensor;
  loss!: Tensor;

  constructor(readonly model: Module, readonly dls: DataLoaders, readonly lossFunc: LossFunc, public lr: number,
    readonly cbs: Callback[], readonly optFunc: OptFunc = (ps, lr) => new SGD(ps, lr)) {
    for (const cb of cbs) cb.learner = this;
  }

  oneBatch(): void {
    this.call('beforeBatch');
    const [xb, yb] = this.batch;
    this.preds = this.model.call(xb);
    this.loss = this.lossFunc(this.preds, yb);
    if (this.model.training) {
      this.loss.backward();
      this.opt.step();
    }
    this.call('afterBatch');
  }

  oneEpoch(train: boolean): void {
    this.model.training = train;
    this.call('beforeEpoch');
    const dl = train ? this.dls.train : this.dls.valid;
    const run = (): void => {
      this.num = 0;
      for (const b of dl) { this.batch = b; this.oneBatch(); this.num++; }
    };
    // (The book builds the graph in validation too; noGrad saves that work.)
    if (train) run(); else noGrad(run);
    this.call('afterEpoch');
  }

  fit(nEpochs: number): void {
    this.call('beforeFit');
    this.opt = this.optFunc(this.model.parameters(), this.lr);
    this.nEpochs = nEpochs;
    try {
      for (this.epoch = 0; this.epoch < nEpochs; this.epoch++) {
        this.oneEpoch(true);
        this.oneEpoch(false);
      }
    } catch (e) {
      if (!(e instanceof CancelFitException)) throw e;
    }
    this.call('afterFit');
  }

  /** The book's __call__(name): that method of every callback that has it. */
  call(name: EventName): void {
    for (const cb of this.cbs) cb[name]?.();
  }
}

/** Moves the batch to the device (nothing to do on the CPU) and applies tfmX to the inputs. */
export class SetupLearnerCB extends Callback {
  constructor(readonly tfmX: (x: Tensor) => Tensor) { super(); }
  override beforeBatch(): void {
    const [xb, yb] = this.learner.batch;
    this.learner.batch = [this.tfmX(xb), yb];
  }
}

/** Loss and accuracy per epoch, weighted by batch size; prints `epoch training loss accuracy`. */
export class TrackResults extends Callback {
  accs: number[] = [];
  losses: number[] = [];
  ns: number[] = [];
  /** every epoch's [epoch, training, loss, accuracy] */
  results: [number, boolean, number, number][] = [];
  constructor(readonly print = true) { super(); }
  override beforeEpoch(): void { this.accs = []; this.losses = []; this.ns = []; }
  override afterEpoch(): void {
    const n = this.ns.reduce((a, b) => a + b, 0);
    const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
    const r: [number, boolean, number, number] = [this.learner.epoch, this.learner.model.training, sum(this.losses) / n, sum(this.accs) / n];
    this.results.push(r);
    if (this.print) console.log(`${r[0]} ${r[1] ? 'True ' : 'False'} ${r[2].toFixed(4)} ${r[3].toFixed(4)}`);
  }
  override afterBatch(): void {
    const [xb, yb] = this.learner.batch;
    this.accs.push(this.learner.preds.argmax(1).eq(yb).float().sum().item());
    const n = xb.shape[0]!;
    this.losses.push(this.learner.loss.item() * n);
    this.ns.push(n);
  }
}

/** lr from 1e-6, ×1.2 every training batch; stops the fit when lr > 10 or the loss is NaN. */
export class LRFinder extends Callback {
  losses: number[] = [];
  lrs: number[] = [];
  override beforeFit(): void {
    this.losses = []; this.lrs = [];
    this.learner.lr = 1e-6;
  }
  override beforeBatch(): void {
    if (!this.learner.model.training) return;
    this.learner.opt.lr *= 1.2;
  }
  override afterBatch(): void {
    if (!this.learner.model.training) return;
    const loss = this.learner.loss.item();
    if (this.learner.opt.lr > 10 || Number.isNaN(loss)) throw new CancelFitException();
    this.losses.push(loss);
    this.lrs.push(this.learner.opt.lr);
  }
}

/** ch19's one-cycle: linear warm-up from baseLr/10 over the first 25% of the batches, then linear decay to 0. */
export class OneCycle extends Callback {
  lrs: number[] = [];
  constructor(readonly baseLr: number) { super(); }
  override beforeFit(): void { this.lrs = []; }
  override beforeBatch(): void {
    const l = this.learner;
    if (!l.model.training) return;
    const n = l.dls.train.length;
    const bn = l.epoch * n + l.num, mn = l.nEpochs * n;
    let pct = bn / mn;
    const pctStart = 0.25, divStart = 10;
    let lr: number;
    if (pct < pctStart) {
      pct /= pctStart;
      lr = (1 - pct) * (this.baseLr / divStart) + pct * this.baseLr;
    } else {
      pct = (pct - pctStart) / (1 - pctStart);
      lr = (1 - pct) * this.baseLr;
    }
    l.opt.lr = lr;
    this.lrs.push(lr);
  }
}
