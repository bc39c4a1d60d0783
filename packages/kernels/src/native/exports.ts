// The check of the addon's exports against the kernel manifest at load, as the wasm loader checks
// its module's: an addon built from other sources (a kernel added or renamed since) is refused
// with the names that differ, never called with the wrong arguments.
import { BackendError } from '../errors.ts';
import { addonExportNames } from '../manifest.ts';

const expected = new Set<string>(addonExportNames);

/** What differs between an exports object and the manifest. */
export function addonExportMismatch(exports: unknown): { missing: string[]; extra: string[] } {
  const x = (exports ?? {}) as Record<string, unknown>;
  const missing = addonExportNames.filter((n) => typeof x[n] !== 'function');
  const extra = Object.keys(x).filter((n) => !expected.has(n)).sort();
  return { missing, extra };
}

/** Returns exports as T when they match the manifest; else throws a BackendError naming the difference and the fix. */
export function checkAddonExports<T>(exports: unknown, path: string): T {
  if (exports === null || typeof exports !== 'object')
    throw new BackendError(`native: ${path} is not the groundup addon (it exports ${exports === null ? 'null' : typeof exports}); run \`pnpm build:addon\` to rebuild it`);
  const { missing, extra } = addonExportMismatch(exports);
  if (missing.length || extra.length) {
    const parts = [
      ...(missing.length ? [`missing export${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] : []),
      ...(extra.length ? [`unexpected export${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`] : []),
    ];
    throw new BackendError(`native: ${path} does not match the kernel manifest (packages/kernels/src/manifest.ts): ${parts.join('; ')}. ` +
      'It was built from other sources; run `pnpm build:addon` to rebuild it');
  }
  return exports as T;
}
