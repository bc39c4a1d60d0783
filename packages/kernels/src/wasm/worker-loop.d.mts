import type { JobName, WasmMemory, WasmModule } from './api.ts';

/** What a wasm-mt worker receives: workerData in Node, the first message in a browser. */
export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  /** byte offset of the control block */
  ctrl: number;
  tid: number;
  idleMs: number;
  spinUs: number;
  jobNames: readonly JobName[];
}

/** Serves jobs until idle for idleMs, then returns. */
export function serve(data: WorkerData): void;
