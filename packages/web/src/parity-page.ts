// The parity page: window.runParity(cases, backend) runs fixture cases in a worker and resolves
// to the counts and failure messages.
import type { Case } from '../../../test/helpers/parity-case.ts';
import type { ParityRequest, ParityResult } from './parity-protocol.ts';

declare global {
  interface Window { runParity(cases: Case[], backend: ParityRequest['backend']): Promise<ParityResult> }
}

const worker = new Worker(new URL('./parity-worker.ts', import.meta.url), { type: 'module', name: 'groundup parity' });
const waiting = new Map<number, (r: ParityResult) => void>();
let next = 0;
const log = document.getElementById('log')!;

worker.onmessage = (e: MessageEvent<ParityResult>) => {
  const r = e.data;
  log.textContent += `${r.backend} (${r.detail}): ${r.passed} passed, ${r.failures.length} failed\n${r.failures.map((f) => `  ${f}\n`).join('')}`;
  waiting.get(r.id)?.(r);
  waiting.delete(r.id);
};

window.runParity = (cases, backend) =>
  new Promise((resolve) => {
    const id = ++next;
    waiting.set(id, resolve);
    worker.postMessage({ id, cases, backend } satisfies ParityRequest);
  });
document.body.dataset.state = 'ready';
