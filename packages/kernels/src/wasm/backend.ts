// The 'wasm' and 'wasm-mt' backends: float32 GEMM and conv2d in the AssemblyScript module.
// Both share the code; wasm-mt adds worker threads. gemmF64, im2col and col2im are left to js
// (the registry falls back per kernel): copying in and out would cost more than they compute.
import { cpuCount } from '#wasm-thread';
import type { Backend, BackendName, Conv2dGeometry, GemmArgs, Kernels } from '../backend.ts';
import { envVar } from '../environment.ts';
import { findBackend } from '../registry.ts';
import { instantiate, type WasmExports } from './api.ts';
import { Arena } from './arena.ts';
import { WasmConv } from './conv.ts';
import { gemmWasm } from './gemm.ts';
import type { LoadedModule } from './module.ts';
import { MAX_THREADS, Pool } from './pool.ts';

/**
 * Threads for wasm-mt, the main thread included: GROUNDUP_THREADS, else 2 (the main thread and one
 * worker), or 1 on a single-CPU machine, where a second thread could only take turns.
 */
export function threadCount(env = envVar('GROUNDUP_THREADS'), cpus = cpuCount()): number {
  const t = env === undefined || env === '' ? Math.min(2, cpus) : Number(env);
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`GROUNDUP_THREADS must be a whole number ≥ 1, got '${env}'`);
  return Math.min(t, MAX_THREADS);
}

/** The js kernel, for operands too large for the 4 GiB Wasm memory. */
function js<K extends keyof Kernels>(name: K): Kernels[K] {
  const k = findBackend('js')?.kernels[name];
  if (!k) throw new Error(`wasm: no js fallback for ${name}`);
  return k;
}

export interface WasmBackend extends Backend {
  /** The arena, pool and module behind the kernels (tests and benchmarks inspect them). */
  readonly internals: { arena: Arena; pool: Pool; loaded: LoadedModule; exports: WasmExports };
}

/** idleMs: how long wasm-mt's workers wait for work before they retire (tests shorten it). */
export function createWasmBackend(name: Extract<BackendName, 'wasm' | 'wasm-mt'>, loaded: LoadedModule, threads: number,
  opts: { idleMs?: number } = {}): WasmBackend {
  const arena = new Arena();
  const x = instantiate(loaded.module, arena.memory);
  const pool = new Pool(threads, arena, x, loaded.module, opts.idleMs);
  const conv = new WasmConv(arena, x, pool);
  const what = `AssemblyScript, Wasm ${loaded.variant === 'relaxed-simd' ? 'SIMD + relaxed SIMD' : 'SIMD'}`;
  return {
    name,
    describe: () => (threads === 1 ? `${what}, 1 thread` : `${what}, ${threads} threads (main + ${threads - 1} worker${threads > 2 ? 's' : ''})`),
    threads,
    available: () => ({ ok: true }),
    internals: { arena, pool, loaded, exports: x },
    kernels: {
      gemm: (p: GemmArgs<Float32Array>) => {
        if (!gemmWasm(arena, x, pool, p)) js('gemm')(p);
      },
      conv2dForward: (g: Conv2dGeometry, input, weight, bias, out) => {
        if (!conv.forward(g, input, weight, bias, out)) js('conv2dForward')(g, input, weight, bias, out);
      },
      conv2dBackwardData: (g: Conv2dGeometry, gradOut, weight, gradInput) => {
        if (!conv.backwardData(g, gradOut, weight, gradInput)) js('conv2dBackwardData')(g, gradOut, weight, gradInput);
      },
      conv2dBackwardWeight: (g: Conv2dGeometry, input, gradOut, gradWeight) => {
        if (!conv.backwardWeight(g, input, gradOut, gradWeight)) js('conv2dBackwardWeight')(g, input, gradOut, gradWeight);
      },
    },
  };
}
