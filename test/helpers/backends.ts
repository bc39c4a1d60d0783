// Runs a suite once per backend (like tfjs's describeWithFlags). An unavailable backend shows
// as one skipped test whose name carries the reason (listed in the runner's summary).
// The backends come from a fixed list, not from the code under test: a backend dropped from the
// registry's autoOrder still gets its suites, which then fail instead of silently disappearing.
import { availability, setBackend, type BackendName } from '@groundup/kernels';
import 'groundup';
import { suite, type Test } from 'uvu';
import { skip } from './skip.ts';

/** Every backend groundup ships, in the order the suites run them. */
export const expectedBackends: readonly BackendName[] = ['js', 'wasm', 'wasm-mt', 'native', 'cuda'];

export function describeBackends(name: string, body: (test: Test, backend: BackendName) => void, only?: readonly BackendName[]): void {
  for (const b of expectedBackends) {
    if (only && !only.includes(b)) continue;
    const title = `${name} [${b}]`;
    const s = suite(title);
    const av = availability(b);
    if (!av.ok) {
      skip(s, title, `${b} unavailable: ${av.reason}`);
      s.run();
      continue;
    }
    s.before(() => { setBackend(b); });
    s.after(() => { setBackend('auto'); });
    body(s, b);
    s.run();
  }
}
