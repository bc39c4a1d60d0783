// Callbacks run sorted by `order` (ties in the order they were added); callbacks given to one fit
// are there for that fit only; addCb/removeCb change the learner for good; `run = false` silences
// a callback until the end of the fit; runTrain/runValid gate the inner-loop events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Callback, LearnerError, TrainEvalCallback, Recorder } from '@groundup/learner';
import { toyLearner } from './helpers/toy.ts';

class Tag extends Callback {
  constructor(readonly tag: string, order: number, readonly log: string[]) { super(); this.order = order; }
  override beforeFit(): void { this.log.push(this.tag); }
}

const s = suite('learner: callback order');
s('callbacks run sorted by order; equal orders keep the order they were added in', () => {
  const log: string[] = [];
  const learn = toyLearner({ cbs: [new Tag('c5', 5, log), new Tag('a-3', -3, log), new Tag('b5', 5, log), new Tag('d100', 100, log), new Tag('e0', 0, log)] });
  learn.fit(0);
  assert.equal(log, ['a-3', 'e0', 'c5', 'b5', 'd100']);
  // The defaults sit where fastai puts them: TrainEval −10 first, Recorder 50 between.
  assert.equal(learn.sortedCbs.map((c) => c.constructor.name), ['TrainEvalCallback', 'Tag', 'Tag', 'Tag', 'Tag', 'Recorder', 'Tag']);
});
s('callbacks passed to fit are used for that fit only', () => {
  const log: string[] = [];
  const learn = toyLearner();
  const n = learn.cbs.length;
  learn.fit(0, { cbs: [new Tag('once', 0, log)] });
  assert.is(learn.cbs.length, n);
  learn.fit(0);
  assert.equal(log, ['once']);
});
s('callbacks of a fit are removed even when the fit throws', () => {
  const learn = toyLearner();
  const n = learn.cbs.length;
  class Boom extends Callback { override beforeFit(): void { throw new RangeError('boom'); } }
  assert.throws(() => learn.fit(1, { cbs: [new Boom()] }), (e: Error) => e instanceof RangeError && /boom\n {2}\(in callback Boom, event beforeFit\)/.test(e.message));
  assert.is(learn.cbs.length, n);
});
s('addCb and removeCb change the learner for every later fit', () => {
  const log: string[] = [];
  const learn = toyLearner();
  const t = new Tag('t', 0, log);
  learn.addCb(t);
  learn.fit(0); learn.fit(0);
  learn.removeCb(t);
  learn.fit(0);
  assert.equal(log, ['t', 't']);
  assert.ok(learn.getCb(TrainEvalCallback));
  assert.ok(learn.recorder instanceof Recorder);
  learn.removeCb(learn.recorder);
  assert.throws(() => learn.recorder, (e: Error) => e instanceof LearnerError && /addCb\(new Recorder\(\)\)/.test(e.message));
});
s('addCb refuses a class where an instance is needed', () => {
  const learn = toyLearner();
  assert.throws(() => learn.addCb(Tag as unknown as Callback), (e: Error) => e instanceof LearnerError && /call new on it/.test(e.message));
});
s('run = false silences a callback until the end of that fit', () => {
  const seen: number[] = [];
  class Once extends Callback {
    override afterBatch(): void { seen.push(this.learn.iter); this.run = false; }
  }
  const learn = toyLearner({ n: 48, bs: 16, cbs: [new Once()] });
  learn.fit(2);
  assert.equal(seen, [0]);  // silent for the rest of both epochs
  learn.fit(1);             // afterFit switched it back on
  assert.equal(seen, [0, 0]);
});
s('runTrain / runValid gate the inner-loop events only', () => {
  const log: string[] = [];
  class ValidOnly extends Callback {
    override runTrain = false;
    override beforeBatch(): void { log.push(`batch:${this.learn.training ? 'train' : 'valid'}`); }
    override beforeTrain(): void { log.push('beforeTrain'); }
  }
  toyLearner({ n: 32, nValid: 16, bs: 16, cbs: [new ValidOnly()] }).fit(1);
  assert.equal(log, ['beforeTrain', 'batch:valid']);
});
s.run();
