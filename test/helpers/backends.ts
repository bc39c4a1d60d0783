// Runs a suite once per backend (like tfjs's describeWithFlags). An unavailable backend shows
// as one skipped test whose name carries the reason.
import { autoOrder, availability, setBackend, type BackendName } from '@groundup/kernels';
import 'groundup';
import { suite, type Test } from 'uvu';

export function describeBackends(name: string, body: (test: Test, backend: BackendName) => void, only?: readonly BackendName[]): void {
  for (const b of [...autoOrder].reverse()) {
    if (only && !only.includes(b)) continue;
    const s = suite(`${name} [${b}]`);
    const av = availability(b);
    if (!av.ok) {
      s.skip(`${b} unavailable: ${av.reason}`, () => {});
      s.run();
      continue;
    }
    s.before(() => { setBackend(b); });
    s.after(() => { setBackend('auto'); });
    body(s, b);
    s.run();
  }
}
