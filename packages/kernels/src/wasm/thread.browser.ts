// wasm-mt's threads in a browser: module Web Workers running worker.browser.mjs, which receive
// the compiled module and the shared memory in their first message. The memory is shared, so
// the page must be cross-origin isolated (COOP/COEP headers) for wasm and wasm-mt to load.
import type * as NodeThread from './thread.ts';
import type { WorkerData } from './worker-loop.mjs';

interface WebWorker {
  postMessage(data: unknown): void;
  onerror: ((e: { message?: string }) => void) | null;
}
interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  document?: unknown;
}
const g = globalThis as unknown as BrowserGlobals;
// the browser's Worker (the project compiles without the DOM lib, which declares it)
declare const Worker: new (url: URL, opts: { type: 'module'; name?: string }) => WebWorker;

/** Logical CPUs the browser reports (it may round or cap them). */
export const cpuCount = (): number => g.navigator?.hardwareConcurrency ?? 1;

/**
 * Starts a worker that serves the pool. A browser starts it asynchronously: until it runs, the
 * calling thread takes every chunk itself, so nothing waits for it.
 */
export function startWorker(data: WorkerData, onError: (e: Error) => void): object {
  // the literal `new Worker(new URL(...), { type: 'module' })` lets bundlers (Vite) bundle the worker
  const w = new Worker(new URL('./worker.browser.mjs', import.meta.url), { type: 'module', name: `groundup wasm-mt ${data.tid}` });
  w.onerror = (e) => onError(new Error(e.message ?? 'worker failed to start'));
  w.postMessage(data);
  return w;
}

/** Browsers forbid Atomics.wait on the page's main thread; Web Workers may block. */
export const canBlock = (): boolean => g.document === undefined;

// the same API as Node's thread.ts, checked by the compiler
const api: typeof NodeThread = { cpuCount, startWorker, canBlock };
void api;
