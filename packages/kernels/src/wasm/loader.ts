// Registers the 'wasm' and 'wasm-mt' backends. Nothing loads until a backend is asked for; then
// Node compiles the module built by `pnpm build:wasm` synchronously. A browser cannot: there
// `await initWasm()` fetches and compiles it first (module.browser.ts). When the module is
// missing or the runtime rejects it, the backends stay registered but unavailable, with the reason.
import { loadModule, prepareModule, type ModuleResult } from '#wasm-module';
import { threadsProblem } from '#wasm-thread';
import type { Availability, Backend } from '../backend.ts';
import { registerBackend } from '../registry.ts';
import { missingExports } from './api.ts';
import { createWasmBackend, threadCount } from './backend.ts';

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
      const threads = name === 'wasm' ? 1 : threadCount();
      const problem = threads > 1 ? threadsProblem() : null;
      if (problem) return unavailable(name, problem);
      const b = createWasmBackend(name, m.loaded, threads);
      const missing = missingExports(b.internals.exports);
      if (missing.length) return unavailable(name, `${m.loaded.file} is stale (no ${missing.join(', ')}); run \`pnpm build:wasm\``);
      return b;
    });
}

/**
 * Makes the wasm backends ready to load: a no-op in Node; in a browser it fetches and compiles
 * the module, then registers the backends over it. Resolves to whether the module loaded.
 */
export async function initWasm(): Promise<Availability> {
  const before = loadModule();
  const m = await prepareModule();
  if (!before.ok && m.ok) registerWasmBackends();
  return m.ok ? { ok: true } : { ok: false, reason: m.reason };
}

registerWasmBackends();
