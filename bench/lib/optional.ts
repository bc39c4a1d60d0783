// Loads a package that may not exist yet (or may not install here) without failing the run:
// first by its name, then from its source folder in the workspace.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(benchDir, '..');

export type Loaded = { ok: true; mod: Record<string, unknown> } | { ok: false; reason: string };

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0]!;

/**
 * Imports `name`; when it cannot be resolved and `sourceEntry` (relative to the repo root) exists,
 * imports that file instead. The reason of a failure names what is missing.
 */
export async function importOptional(name: string, sourceEntry?: string): Promise<Loaded> {
  let firstError: unknown;
  try {
    return { ok: true, mod: (await import(name)) as Record<string, unknown> };
  } catch (e) {
    firstError = e;
  }
  const code = (firstError as { code?: string })?.code;
  const unresolved = code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'MODULE_NOT_FOUND';
  if (sourceEntry && unresolved) {
    const file = join(repoRoot, sourceEntry);
    if (!existsSync(file)) return { ok: false, reason: `${name} is not there yet (${sourceEntry} is missing)` };
    try {
      return { ok: true, mod: (await import(pathToFileURL(file).href)) as Record<string, unknown> };
    } catch (e) {
      return { ok: false, reason: `${name} failed to load: ${firstLine(e)}` };
    }
  }
  return { ok: false, reason: unresolved ? `${name} is not installed` : `${name} failed to load: ${firstLine(firstError)}` };
}

/** The functions `names` of a module, or the list of those missing. */
export function pickFunctions<K extends string>(mod: Record<string, unknown>, names: readonly K[]):
  { ok: true; fns: Record<K, (...args: unknown[]) => unknown> } | { ok: false; missing: K[] } {
  const missing = names.filter((n) => typeof mod[n] !== 'function');
  if (missing.length) return { ok: false, missing };
  return { ok: true, fns: Object.fromEntries(names.map((n) => [n, mod[n]])) as Record<K, (...args: unknown[]) => unknown> };
}
