// Assertions shared by the suites. uvu's assert.throws takes a predicate, not a class.
import * as assert from 'uvu/assert';

type ErrorClass = abstract new (...args: never[]) => Error;

/** fn throws an instance of cls whose message matches every pattern given. */
export function throwsNamed(fn: () => unknown, cls: ErrorClass, ...patterns: (RegExp | string)[]): Error {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== null, `expected ${cls.name} to be thrown, but nothing was`);
  const err = caught as Error;
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err?.name}: ${err?.message}`);
  for (const p of patterns) {
    const ok = typeof p === 'string' ? err.message.includes(p) : p.test(err.message);
    assert.ok(ok, `${cls.name} message ${JSON.stringify(err.message)} should match ${String(p)}`);
  }
  return err;
}
