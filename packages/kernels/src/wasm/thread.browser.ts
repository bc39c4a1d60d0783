// wasm-mt's threads in a browser: module Web Workers running worker.browser.mjs, which receive
// the compiled module and the shared memory in their first message. A browser hands shared
// memory to a worker only on a cross-origin isolated page (COOP/COEP headers), and lets a thread
// wait in Atomics.wait only off the page's main thread; elsewhere wasm-mt is unavailable and
// single-threaded wasm remains.
import type * as NodeThread from './thread.ts';
import type { WorkerData } from './worker-loop.mjs';

interface WebWorker {
  postMessage(data: unknown): void;
  onerror: ((e: { message?: string }) => void) | null;
}
interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  document?: unknown;
  crossOriginIsolated?: boolean;
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
  try {
    w.postMessage(data);
  } catch (e) {
    onError(e as Error);
  }
  return w;
}

/** Why this thread cannot run wasm-mt's pool, or null when it can. */
export function threadsProblem(): string | null {
  if (g.document !== undefined) return 'a browser\'s main thread may not wait in Atomics.wait; run the model in a Web Worker';
  if (g.crossOriginIsolated !== true)
    return 'workers get the shared Wasm memory only on a cross-origin isolated page; serve it with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`';
  return null;
}

// the same API as Node's thread.ts, checked by the compiler
const api: typeof NodeThread = { cpuCount, startWorker, threadsProblem };
void api;
