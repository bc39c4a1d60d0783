// Scoped hooks (fastai ch18's `with Hook(...) as h:`): a RemovableHandle is disposable, so
// `using h = m.registerForwardHook(fn)` removes it at the end of the block, as PyTorch's handle
// does as a context manager; withHooks(hooks, fn) removes them when fn returns or throws.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randn, type Tensor } from 'groundup';
import { Linear, ReLU, Sequential, withHooks, type Removable } from '@groundup/nn';

const s = suite('nn: scoped hooks');
s('`using` removes a forward hook at the end of its block', () => {
  const lin = new Linear(3, 2);
  let calls = 0;
  {
    using h = lin.registerForwardHook(() => { calls++; });
    lin.call(randn(1, 3));
    assert.ok(h.active);
  }
  lin.call(randn(1, 3));
  assert.is(calls, 1);
});
s('`using` removes it when the block throws', () => {
  const lin = new Linear(3, 2);
  let calls = 0;
  let handle: { active: boolean } | null = null;
  try {
    using h = lin.registerForwardHook(() => { calls++; });
    handle = h;
    lin.call(randn(1, 3));
    throw new Error('boom');
  } catch (e) { assert.is((e as Error).message, 'boom'); }
  assert.is(handle!.active, false);
  lin.call(randn(1, 3));
  assert.is(calls, 1);
});
s('withHooks: registers, runs, removes (also on a throw); a hook object of one\'s own works', () => {
  const model = new Sequential(new Linear(4, 5), new ReLU(), new Linear(5, 2));
  const stored: Tensor[] = [];
  const out = withHooks([model.at(1).registerForwardHook((_m, _i, o) => { stored.push((o as Tensor).detach()); })], () => model.call(randn(2, 4)));
  assert.equal([...out.shape], [2, 2]);
  assert.equal([...stored[0]!.shape], [2, 5]);
  model.call(randn(2, 4));
  assert.is(stored.length, 1, 'removed after fn returned');
  // The book's Hook class: anything with remove().
  class Hook implements Removable {
    stored: Tensor | null = null;
    readonly #h;
    constructor(m: Linear) { this.#h = m.registerForwardHook((_m, _i, o) => { this.stored = o.detach(); }); }
    remove(): void { this.#h.remove(); }
  }
  const lin = model.at(0) as Linear;
  let hook: Hook | null = null;
  assert.throws(() => withHooks(() => [hook = new Hook(lin)], () => { model.call(randn(1, 4)); throw new Error('inside'); }), /inside/);
  assert.equal([...hook!.stored!.shape], [1, 5]);
  const before = hook!.stored;
  model.call(randn(1, 4));
  assert.is(hook!.stored, before, 'removed after fn threw');
});
s.run();
