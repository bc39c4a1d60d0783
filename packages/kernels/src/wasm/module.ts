// Finds, validates and compiles the Wasm module built by `pnpm build:wasm`. The relaxed-SIMD
// build is preferred where the runtime validates it (Node 20 needs a V8 flag, set in-process
// before compiling); otherwise the plain-SIMD build is the fallback. This is Node's loader;
// browsers get module.browser.ts through the "#wasm-module" import in package.json.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { wasm, type WasmModule } from './api.ts';

export type WasmVariant = 'relaxed-simd' | 'simd';
export interface LoadedModule { module: WasmModule; variant: WasmVariant; file: string }
export type ModuleResult = { ok: true; loaded: LoadedModule } | { ok: false; reason: string };

/** wasm/build/ at the repository root. GROUNDUP_WASM_DIR points elsewhere (tests). */
export function defaultBuildDir(): string {
  return process.env.GROUNDUP_WASM_DIR ?? fileURLToPath(new URL('../../../../wasm/build/', import.meta.url));
}

export const files: Record<WasmVariant, string> = { 'relaxed-simd': 'groundup-relaxed.wasm', simd: 'groundup.wasm' };

/** Relaxed SIMD ships behind a V8 flag in Node 20 (V8 11.3); newer Nodes validate it without. */
function validateRelaxed(bytes: Uint8Array): boolean {
  if (wasm.validate(bytes)) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return wasm.validate(bytes);
}

/**
 * Loads the best module in dir. allowRelaxed=false (or GROUNDUP_WASM_RELAXED=0) skips the
 * relaxed build. Missing files and modules the runtime rejects give a reason a user can act on.
 */
export function loadModule(dir = defaultBuildDir(), allowRelaxed = process.env.GROUNDUP_WASM_RELAXED !== '0'): ModuleResult {
  const shown = dir === defaultBuildDir() && !process.env.GROUNDUP_WASM_DIR ? 'wasm/build' : dir.replace(/\/$/, '');
  const order: WasmVariant[] = allowRelaxed ? ['relaxed-simd', 'simd'] : ['simd'];
  const rejected: string[] = [];
  for (const variant of order) {
    const file = `${dir.replace(/\/$/, '')}/${files[variant]}`;
    if (!existsSync(file)) continue;
    const bytes = new Uint8Array(readFileSync(file));
    if (!(variant === 'relaxed-simd' ? validateRelaxed(bytes) : wasm.validate(bytes))) {
      rejected.push(`${files[variant]} does not validate on this runtime`);
      continue;
    }
    return { ok: true, loaded: { module: new wasm.Module(bytes), variant, file } };
  }
  if (rejected.length) return { ok: false, reason: `${rejected.join('; ')} (Node ${process.versions.node} lacks Wasm SIMD?)` };
  return { ok: false, reason: `not built: ${shown}/${files.simd} is missing; run \`pnpm build:wasm\`` };
}

/** Node compiles the module synchronously when a backend is first asked for: nothing to prepare. */
export async function prepareModule(): Promise<ModuleResult> {
  return loadModule();
}
