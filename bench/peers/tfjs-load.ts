// Loads @tensorflow/tfjs-core with its cpu and wasm backends once, quietly: prod mode keeps the
// Node banner away, and the process-wide exception handlers that the wasm backend's Emscripten
// glue installs (which rethrow and dump its minified source) are taken off again.
import type * as TfCore from '@tensorflow/tfjs-core';
import { importOptional } from '../lib/optional.ts';

export type Tf = typeof TfCore;
export type TfBackendName = 'cpu' | 'wasm' | 'tensorflow';

let core: Promise<{ tf: Tf } | { reason: string }> | null = null;
const backends = new Map<TfBackendName, Promise<true | string>>();

export function loadTf(): Promise<{ tf: Tf } | { reason: string }> {
  core ??= (async () => {
    const m = await importOptional('@tensorflow/tfjs-core');
    if (!m.ok) return { reason: m.reason };
    const mod = m.mod;
    const tf = (typeof mod.matMul === 'function' ? mod : mod.default) as Tf;
    tf.enableProdMode();
    return { tf };
  })();
  return core;
}

const packageOf: Record<TfBackendName, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Loads and initialises a tfjs backend; true, or why it cannot be used. */
export function loadTfBackend(name: TfBackendName): Promise<true | string> {
  let p = backends.get(name);
  if (!p) {
    p = (async () => {
      const t = await loadTf();
      if ('reason' in t) return t.reason;
      const before = {
        uncaughtException: new Set(process.listeners('uncaughtException')),
        unhandledRejection: new Set(process.listeners('unhandledRejection')),
      };
      try {
        const m = await importOptional(packageOf[name]);
        if (!m.ok) return m.reason;
        const ok = await t.tf.setBackend(name);
        return ok ? true : `tfjs backend '${name}' failed to initialise`;
      } catch (e) {
        return `tfjs backend '${name}': ${String((e as Error)?.message ?? e).split('\n')[0]}`;
      } finally {
        for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.has(l)) process.removeListener('uncaughtException', l);
        for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.has(l)) process.removeListener('unhandledRejection', l);
      }
    })();
    backends.set(name, p);
  }
  return p;
}
