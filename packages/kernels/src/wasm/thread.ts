// wasm-mt's threads in Node: worker_threads running worker.mjs (the browser build swaps in
// thread.browser.ts through the "#wasm-thread" import in package.json).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerData } from './worker-loop.mjs';

/** Logical CPUs the runtime may use. */
export const cpuCount = (): number => availableParallelism();

/** Starts a worker that serves the pool; it is unref'd, so it never keeps a script alive. */
export function startWorker(data: WorkerData, onError: (e: Error) => void): object {
  const w = new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: data,
    execArgv: [], // worker.mjs is plain JS: no tsx needed
  });
  w.unref();
  w.on('error', onError);
  return w;
}

/** Why this thread cannot run wasm-mt's pool: never in Node, where any thread may block in Atomics.wait. */
export const threadsProblem = (): string | null => null;
