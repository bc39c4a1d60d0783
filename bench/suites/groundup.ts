// The groundup backends as benchmark implementations: every backend gets a row per case,
// timed when it is available and otherwise carrying the registry's reason.
import { availability, findBackend, setBackend, withBackend, getBackend, kernel, type BackendName, type KernelName, type Kernels } from '@groundup/kernels';
import type { Prepared } from '../lib/measure.ts';
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
}

export function groundupBackends(): GroundupBackend[] {
  return benchBackends.map((name) => {
    const av = availability(name);
    const b = findBackend(name);
    const detail = av.ok && b ? b.describe() : av.ok ? '' : av.reason;
    return { name, impl: `groundup:${name}`, ok: av.ok, reason: av.ok ? '' : av.reason, threads: av.ok && b ? b.threads : null, detail };
  });
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
    prepare: async (c: BenchCase) => (!applies(c) ? null : b.ok ? prepare(b, c) : { skipped: b.reason }),
  }));
}
