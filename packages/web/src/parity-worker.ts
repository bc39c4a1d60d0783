// Runs tensor parity cases under one backend, in a worker (wasm-mt may block there).
import { availability, findBackend, initWasm, withBackend } from 'groundup';
import { checkCase } from '../../../test/helpers/parity-case.ts';
import type { ParityRequest, ParityResult } from './parity-protocol.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<ParityRequest>) => void) | null; postMessage(r: ParityResult): void };
const ready = initWasm();

scope.onmessage = async ({ data: { id, cases, backend } }) => {
  await ready;
  const av = availability(backend);
  if (!av.ok) return scope.postMessage({ id, backend, detail: av.reason, available: false, passed: 0, failures: [] });
  let passed = 0;
  const failures: string[] = [];
  for (const c of cases)
    try {
      withBackend(backend, () => checkCase(c));
      passed++;
    } catch (e) {
      failures.push(`${c.name}: ${(e as Error).message}`);
    }
  scope.postMessage({ id, backend, detail: findBackend(backend)!.describe(), available: true, passed, failures });
};
