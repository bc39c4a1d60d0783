// Callbacks (fastai ch16 and ch19): an object with an `order` and any of the event methods below.
// The Learner calls every callback that defines an event, sorted by order (ties keep the order in
// which they were added). A callback reads and writes the learner's state through `this.learn`
// (learn.pred, learn.loss, learn.xb, learn.yb, learn.epoch, learn.iter, learn.training ...).
//
// Events of the inner loop (beforeBatch … afterBatch) run for a callback only in the phases it
// asks for: runTrain (default true) and runValid (default true). Setting `run = false` silences a
// callback until the end of the current fit.
import type { Learner } from './learner.ts';

/** Every event, in the order fastai's Learner fires them in one batch / epoch / fit. */
export const EVENTS = [
  'afterCreate',
  'beforeFit', 'beforeEpoch', 'beforeTrain',
  'beforeBatch', 'afterPred', 'afterLoss',
  'beforeBackward', 'afterCancelBackward', 'afterBackward',
  'beforeStep', 'afterCancelStep', 'afterStep',
  'afterCancelBatch', 'afterBatch',
  'afterCancelTrain', 'afterTrain',
  'beforeValidate', 'afterCancelValidate', 'afterValidate',
  'afterCancelEpoch', 'afterEpoch',
  'afterCancelFit', 'afterFit',
] as const;
export type EventName = (typeof EVENTS)[number];

/** The events that depend on the phase (training or validation): runTrain / runValid gate them. */
export const INNER_LOOP: ReadonlySet<EventName> = new Set<EventName>([
  'beforeBatch', 'afterPred', 'afterLoss', 'beforeBackward', 'afterCancelBackward', 'afterBackward',
  'beforeStep', 'afterCancelStep', 'afterStep', 'afterCancelBatch', 'afterBatch',
]);


export class Callback {
  /** Callbacks run sorted by order: TrainEval −10, TerminateOnNaN −9, Recorder 50, Progress 60, ParamScheduler 60. */
  order = 0;
  /** Run the inner-loop events while training. */
  runTrain = true;
  /** Run the inner-loop events while validating. */
  runValid = true;
  /** false silences this callback until the end of the fit. */
  run = true;
  #learn: Learner | null = null;

  /** The learner this callback is attached to (set by the Learner when the callback is added). */
  get learn(): Learner {
    if (!this.#learn) throw new TypeError(`${this.constructor.name}: not attached to a Learner yet; pass it in cbs, or call learn.addCb(cb)`);
    return this.#learn;
  }
  set learn(l: Learner) { this.#learn = l; }
  get attached(): boolean { return this.#learn !== null; }

  /**
   * Not one of fastai's events: the Learner calls it when fit, validate or getPreds ends with an
   * error instead of afterFit, so that a callback can let go of what it holds (ProgressCallback
   * stops its bars and gives the terminal back, ActivationStats removes its hooks).
   */
  cleanup?(): void;

  /** fastai's name: the class name without "Callback", in camelCase (Recorder → recorder, TrainEvalCallback → trainEval). */
  get name(): string {
    const n = this.constructor.name.replace(/Callback$/, '') || 'callback';
    return n[0]!.toLowerCase() + n.slice(1);
  }
}
/** The event methods a callback may define (declaration merging with the class). */
export interface EventHandlers {
  afterCreate?(): void;
  beforeFit?(): void;
  beforeEpoch?(): void;
  beforeTrain?(): void;
  beforeBatch?(): void;
  afterPred?(): void;
  afterLoss?(): void;
  beforeBackward?(): void;
  afterCancelBackward?(): void;
  afterBackward?(): void;
  beforeStep?(): void;
  afterCancelStep?(): void;
  afterStep?(): void;
  afterCancelBatch?(): void;
  afterBatch?(): void;
  afterCancelTrain?(): void;
  afterTrain?(): void;
  beforeValidate?(): void;
  afterCancelValidate?(): void;
  afterValidate?(): void;
  afterCancelEpoch?(): void;
  afterEpoch?(): void;
  afterCancelFit?(): void;
  afterFit?(): void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface Callback extends EventHandlers {}
