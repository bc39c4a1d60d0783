// The Wasm module in a browser: fetched and compiled asynchronously by prepareModule(), which
// initWasm() calls, because a page cannot read files and should not compile synchronously.
// Until then the wasm backends report that the module is not loaded yet. The module imports a
// shared memory; Chromium creates one on any page, but hands it to wasm-mt's workers only on a
// cross-origin isolated one (thread.browser.ts).
import { wasm } from './api.ts';
import type * as NodeLoader from './module.ts';
import type { ModuleResult, WasmVariant } from './module.ts';

// literal `new URL(..., import.meta.url)`: bundlers copy the files and rewrite the addresses
const urls: Record<WasmVariant, URL> = {
  'relaxed-simd': new URL('../../../../wasm/build/groundup-relaxed.wasm', import.meta.url),
  simd: new URL('../../../../wasm/build/groundup.wasm', import.meta.url),
};

let result: ModuleResult = { ok: false, reason: 'the module is not loaded yet: `await initWasm()` first (a browser compiles Wasm asynchronously)' };
let pending: Promise<ModuleResult> | null = null;

/** The module prepareModule() compiled, or why there is none. */
export function loadModule(_dir?: string, _allowRelaxed?: boolean): ModuleResult {
  return result;
}

function sharedMemoryProblem(): string | null {
  try {
    new wasm.Memory({ initial: 1, maximum: 1, shared: true });
    return null;
  } catch (e) {
    return `this page cannot create shared Wasm memory (${(e as Error).message}); serve it cross-origin isolated, with the headers `
      + '`Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`';
  }
}

async function fetchBytes(url: URL): Promise<Uint8Array | string> {
  try {
    const r = await fetch(url);
    if (!r.ok) return `${url.pathname}: HTTP ${r.status}`;
    return new Uint8Array(await r.arrayBuffer());
  } catch (e) {
    return `${url.pathname}: ${(e as Error).message}`;
  }
}

async function compile(): Promise<ModuleResult> {
  const shared = sharedMemoryProblem();
  if (shared) return { ok: false, reason: shared };
  const problems: string[] = [];
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    const bytes = await fetchBytes(urls[variant]);
    if (typeof bytes === 'string') { problems.push(bytes); continue; }
    if (!wasm.validate(bytes)) { problems.push(`${urls[variant].pathname} does not validate in this browser (no Wasm SIMD?)`); continue; }
    return { ok: true, loaded: { module: await wasm.compile(bytes), variant, file: urls[variant].pathname } };
  }
  return { ok: false, reason: `${problems.join('; ')}; run \`pnpm build:wasm\` before building the page` };
}

/** Fetches, validates and compiles the module once (the relaxed-SIMD build where it validates). */
export function prepareModule(): Promise<ModuleResult> {
  pending ??= compile().then((r) => (result = r));
  return pending;
}

// the same API as Node's loader, checked by the compiler
const api: Pick<typeof NodeLoader, 'loadModule' | 'prepareModule'> = { loadModule, prepareModule };
void api;
