// Registers the 'wasm' and 'wasm-mt' backends. Nothing loads until a backend is asked for; then
// the module built by `pnpm build:wasm` is compiled synchronously (fine in Node). When it is
// missing or the runtime rejects it, the backend stays registered but unavailable, with the reason.
import type { Backend } from '../backend.ts';
import { registerBackend } from '../registry.ts';
import { missingExports } from './api.ts';
import { createWasmBackend, threadCount } from './backend.ts';
import { loadModule, type ModuleResult } from './module.ts';

function unavailable(name: 'wasm' | 'wasm-mt', reason: string): Backend {
  return { name, describe: () => reason, threads: 0, available: () => ({ ok: false, reason }), kernels: {} };
}

/** (Re-)registers both backends over the module in dir (default wasm/build/; tests pass others). */
export function registerWasmBackends(dir?: string): void {
  let cached: ModuleResult | null = null;
  const moduleOnce = (): ModuleResult => (cached ??= loadModule(dir));
  for (const name of ['wasm', 'wasm-mt'] as const)
    registerBackend(name, () => {
      const m = moduleOnce();
      if (!m.ok) return unavailable(name, m.reason);
      const b = createWasmBackend(name, m.loaded, name === 'wasm' ? 1 : threadCount());
      const missing = missingExports(b.internals.exports);
      if (missing.length) return unavailable(name, `${m.loaded.file} is stale (no ${missing.join(', ')}); run \`pnpm build:wasm\``);
      return b;
    });
}

registerWasmBackends();
