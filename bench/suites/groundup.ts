// The groundup backends as benchmark implementations: every backend gets a row per case,
// timed when it is available and otherwise carrying the registry's reason.
import { availability, findBackend, setBackend, withBackend, getBackend, kernel, type BackendName, type KernelName, type Kernels } from '@groundup/kernels';
import { isSkip, type Prepared, type Runner } from '../lib/measure.ts';
import type { BenchCase } from '../lib/types.ts';
import type { InProcessImpl } from './suite.ts';

export const benchBackends: readonly BackendName[] = ['js', 'wasm', 'wasm-mt', 'native', 'cuda'];

export interface GroundupBackend {
  name: BackendName;
  impl: string;
  ok: boolean;
  reason: string;
  threads: number | null;
  detail: string;
  /** Run with the backend's thread count set to this (groundup:native:1t, beside torch:1t). */
  pinThreads?: number;
}

export function groundupBackends(): GroundupBackend[] {
  const rows: GroundupBackend[] = benchBackends.map((name) => {
    const av = availability(name);
    const b = findBackend(name);
    const detail = av.ok && b ? b.describe() : av.ok ? '' : av.reason;
    return { name, impl: `groundup:${name}`, ok: av.ok, reason: av.ok ? '' : av.reason, threads: av.ok && b ? b.threads : null, detail };
  });
  // A backend that can change its thread count also runs on one thread: the counterpart of torch:1t,
  // and on a machine where other work holds the second core, often the faster of the two.
  const i = rows.findIndex((r) => r.name === 'native');
  const native = rows[i];
  if (native?.ok && (native.threads ?? 1) > 1 && findBackend('native')?.setThreads)
    rows.splice(i + 1, 0, { ...native, impl: 'groundup:native:1t', threads: 1, pinThreads: 1, detail: `${native.detail}; pinned to 1 thread` });
  return rows;
}

/** A prepared runner that runs with the backend's thread count pinned to n (restored after). */
function pinned(p: Runner, name: BackendName, n: number): Runner {
  const b = findBackend(name)!;
  let prev = b.threads;
  return {
    ...p,
    enter: async () => { prev = b.threads; b.setThreads!(n); await p.enter?.(); },
    leave: async () => { await p.leave?.(); b.setThreads!(prev); },
  };
}

/** A kernel of one backend (taken once, so that timing includes no registry lookup), with a note when it is js's. */
export function backendKernel<K extends KernelName>(name: BackendName, k: K): { fn: Kernels[K]; note?: string } {
  const fn = withBackend(name, () => kernel(k));
  const own = findBackend(name)?.kernels[k] !== undefined;
  return own || name === 'js' ? { fn } : { fn, note: `${k} falls back to js` };
}

/** Makes the backend active while a tensor-level runner is timed, then restores the previous one. */
export function activeBackend(name: BackendName): { enter: () => void; leave: () => void } {
  let prev: BackendName | null = null;
  return {
    enter: () => { prev = getBackend().name; setBackend(name); },
    leave: () => { setBackend(prev ?? 'auto'); },
  };
}

/** One implementation per groundup backend; unavailable backends skip every case that applies. */
export function groundupImpls(
  prepare: (b: GroundupBackend, c: BenchCase) => Prepared | null | Promise<Prepared | null>,
  applies: (c: BenchCase) => boolean,
): InProcessImpl[] {
  return groundupBackends().map((b) => ({
    impl: b.impl,
    prepare: async (c: BenchCase) => {
      if (!applies(c)) return null;
      if (!b.ok) return { skipped: b.reason };
      const p = await prepare(b, c);
      return p && !isSkip(p) && b.pinThreads ? pinned(p, b.name, b.pinThreads) : p;
    },
  }));
}
