// The Learner fires fastai's events in fastai's order, and the Cancel exceptions behave as in
// fastai: the matching afterCancel… event runs, then the after… event, and the loop goes on; a
// Cancel raised where no stage catches it (e.g. CancelBatch from afterBatch) leaves fit.
// fit(2) on 2 training batches and 1 validation batch is checked literally without a Cancel, then
// every Cancel exception is raised from every event (at its first occurrence) and the sequence is
// compared with the one the semantics above give (`expectedEvents`), itself checked literally for
// a few cases.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Callback, CancelBackwardException, CancelBatchException, CancelEpochException, CancelException, CancelFitException,
  CancelStepException, CancelTrainException, CancelValidException, EVENTS, type EventName,
} from '@groundup/learner';
import { toyLearner } from './helpers/toy.ts';

type Cancel = new () => CancelException;
const CANCELS: [string, Cancel][] = [
  ['Batch', CancelBatchException], ['Backward', CancelBackwardException], ['Step', CancelStepException],
  ['Train', CancelTrainException], ['Valid', CancelValidException], ['Epoch', CancelEpochException], ['Fit', CancelFitException],
];
const FIT_EVENTS = EVENTS.filter((e) => e !== 'afterCreate');
const INNER = new Set(['beforeBatch', 'afterPred', 'afterLoss', 'beforeBackward', 'afterCancelBackward', 'afterBackward', 'beforeStep', 'afterCancelStep', 'afterStep', 'afterCancelBatch', 'afterBatch']);

/** Records every event (with the phase for the inner loop) and raises `raise` at the first `at`. */
class Spy extends Callback {
  log: string[] = [];
  #fired = false;
  constructor(readonly at: EventName | null = null, readonly raise: Cancel | null = null) {
    super();
    for (const e of FIT_EVENTS) (this as unknown as Record<string, () => void>)[e] = () => this.#on(e);
  }
  #on(e: EventName): void {
    this.log.push(INNER.has(e) ? `${e}:${this.learn.training ? 'train' : 'valid'}` : e);
    if (!this.#fired && this.at === e && this.raise) { this.#fired = true; throw new this.raise(); }
  }
}

/** The events of fit(nEpoch) with nTrain/nValid batches, under fastai's semantics, raising `raise` at the first `at`. */
function expectedEvents(nEpoch: number, nTrain: number, nValid: number, at: EventName | null, raise: Cancel | null): { log: string[]; escaped: string | null } {
  const log: string[] = [];
  let fired = false, training = false;
  const fire = (e: EventName): void => {
    log.push(INNER.has(e) ? `${e}:${training ? 'train' : 'valid'}` : e);
    if (!fired && e === at && raise) { fired = true; throw new raise(); }
  };
  const stage = (name: string, Exc: Cancel, body: () => void): void => {
    try { fire(`before${name}` as EventName); body(); } catch (e) { if (!(e instanceof Exc)) throw e; fire(`afterCancel${name}` as EventName); }
    fire(`after${name}` as EventName);
  };
  const batch = (): void => stage('Batch', CancelBatchException, () => {
    fire('afterPred');
    fire('afterLoss');
    if (!training) return;
    stage('Backward', CancelBackwardException, () => {});
    stage('Step', CancelStepException, () => {});
  });
  try {
    stage('Fit', CancelFitException, () => {
      for (let ep = 0; ep < nEpoch; ep++) stage('Epoch', CancelEpochException, () => {
        // TrainEvalCallback (order −10) flips `training` in beforeTrain/beforeValidate, before the spy sees them.
        training = true;
        stage('Train', CancelTrainException, () => { for (let i = 0; i < nTrain; i++) batch(); });
        training = false;
        stage('Validate', CancelValidException, () => { for (let i = 0; i < nValid; i++) batch(); });
      });
    });
  } catch (e) {
    return { log, escaped: (e as Error).constructor.name };
  }
  return { log, escaped: null };
}

function run(at: EventName | null, raise: Cancel | null): { log: string[]; escaped: string | null } {
  const spy = new Spy(at, raise);
  const learn = toyLearner({ n: 32, nValid: 16, bs: 16, cbs: [spy] });
  try {
    learn.fit(2);
  } catch (e) {
    if (!(e instanceof CancelException)) throw e;
    return { log: spy.log, escaped: e.constructor.name };
  }
  return { log: spy.log, escaped: null };
}

const train = ['beforeBatch', 'afterPred', 'afterLoss', 'beforeBackward', 'afterBackward', 'beforeStep', 'afterStep', 'afterBatch'].map((e) => `${e}:train`);
const valid = ['beforeBatch', 'afterPred', 'afterLoss', 'afterBatch'].map((e) => `${e}:valid`);
const epoch = ['beforeEpoch', 'beforeTrain', ...train, ...train, 'afterTrain', 'beforeValidate', ...valid, 'afterValidate', 'afterEpoch'];

const order = suite('learner: event order');
order('fit(2) with 2 training and 1 validation batch, no Cancel: the literal fastai sequence', () => {
  const r = run(null, null);
  assert.equal(r.log, ['beforeFit', ...epoch, ...epoch, 'afterFit']);
  assert.is(r.escaped, null);
});
order('CancelBatchException from afterPred: afterCancelBatch, afterBatch, and the next batch (literal)', () => {
  const r = run('afterPred', CancelBatchException);
  const cut = ['beforeBatch:train', 'afterPred:train', 'afterCancelBatch:train', 'afterBatch:train'];
  assert.equal(r.log.slice(0, 3 + cut.length + train.length), ['beforeFit', 'beforeEpoch', 'beforeTrain', ...cut, ...train]);
});
order('CancelTrainException from beforeBatch: afterCancelTrain, afterTrain, then validation (literal)', () => {
  const r = run('beforeBatch', CancelTrainException);
  assert.equal(r.log.slice(0, 9), ['beforeFit', 'beforeEpoch', 'beforeTrain', 'beforeBatch:train', 'afterCancelTrain', 'afterTrain', 'beforeValidate', 'beforeBatch:valid', 'afterPred:valid']);
});
order('CancelFitException from beforeFit: afterCancelFit, afterFit, nothing else (literal)', () => {
  assert.equal(run('beforeFit', CancelFitException).log, ['beforeFit', 'afterCancelFit', 'afterFit']);
});
order('CancelBatchException from afterBatch is caught by no stage: it leaves fit, as in fastai', () => {
  const r = run('afterBatch', CancelBatchException);
  assert.is(r.escaped, 'CancelBatchException');
  assert.equal(r.log, ['beforeFit', 'beforeEpoch', 'beforeTrain', ...train]);
});
order('the reference semantics reproduce the literal cases', () => {
  assert.equal(expectedEvents(2, 2, 1, null, null).log.join(), run(null, null).log.join());
});
order.run();

const every = suite('learner: every Cancel exception from every event');
for (const [name, Exc] of CANCELS) {
  every(`Cancel${name}Exception from each of the ${FIT_EVENTS.length} events`, () => {
    for (const at of FIT_EVENTS) {
      const got = run(at, Exc), want = expectedEvents(2, 2, 1, at, Exc);
      assert.equal(got.log, want.log, `Cancel${name}Exception from ${at}: event sequence`);
      assert.is(got.escaped, want.escaped, `Cancel${name}Exception from ${at}: what escaped fit`);
    }
  });
}
every.run();
