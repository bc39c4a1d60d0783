// Weights on disk in the safetensors format:
//   save(model, 'model.safetensors')        the model's stateDict() (or a state dict itself)
//   const sd = load('model.safetensors')    the tensors by key
//   loadInto(model, 'model.safetensors')    load, then model.loadStateDict(sd)
// Writing is atomic: a temp file in the same folder, flushed, then renamed over the target, so a
// crash never leaves half a file. Reading checks the header against the file size before reading
// the rest, and validates the whole header before allocating any tensor. Node only: browsers get
// save.browser.ts, and serializeSafetensors / deserializeSafetensors work on bytes anywhere.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { SerializationError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { Module, type AnyModule } from './module.ts';
import { decodeData, parseHeader, readHeaderLength, serialize, type SafetensorsContents } from './safetensors.ts';
import type { LoadResult, LoadStateDictOptions, StateDict } from './state-dict.ts';

export interface SaveOptions { metadata?: Record<string, string> | null }

const ioError = (op: string, path: string, e: unknown): SerializationError =>
  e instanceof SerializationError ? e : new SerializationError(`${op}: cannot ${op === 'save' ? 'write' : 'read'} ${path}: ${(e as Error).message}`);

/** Writes bytes to path atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx');
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw ioError('save', path, e);
  }
}

/** A path argument, or a SerializationError that says which call was meant. */
function checkPath(op: string, path: unknown, other?: unknown): asserts path is string {
  if (typeof path === 'string') return;
  if (op === 'load' && path instanceof Module)
    throw new SerializationError(`load(path) returns a file's tensors by key; to load a file into a model use loadInto(model, ${typeof other === 'string' ? JSON.stringify(other) : 'path'})`);
  if (op === 'save' && typeof other === 'string')
    throw new SerializationError(`save: the arguments are (model or state dict, path), as torch.save(obj, path); got (${JSON.stringify(other)}, ${path instanceof Module ? path.constructor.name : typeof path})`);
  throw new SerializationError(`${op}: expected a file path (a string), got ${path === null ? 'null' : typeof path}`);
}

/** Saves a model's stateDict() (or a state dict) as a safetensors file. */
export function save(what: AnyModule | StateDict | Map<string, Tensor>, path: string, opts: SaveOptions = {}): void {
  checkPath('save', path, what);
  const sd = what instanceof Module ? what.stateDict() : what;
  writeFileAtomic(path, serialize(sd, opts.metadata ?? null));
}

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  for (let got = 0; got < length;) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new SerializationError(`load: the file ended after ${position + got} bytes while ${position + length} were expected (it changed while being read?)`);
    got += n;
  }
  return buf;
}

/** Reads a safetensors file: its tensors and its __metadata__ (null when absent). */
export function loadSafetensors(path: string): SafetensorsContents {
  checkPath('loadSafetensors', path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError('load', path, e);
  }
  try {
    const size = fstatSync(fd).size;
    const n = readHeaderLength(readExactly(fd, Math.min(8, size), 0), size, path);
    const header = parseHeader(readExactly(fd, n, 8), size - 8 - n, path);
    const data = readExactly(fd, size - 8 - n, 8 + n);
    return { tensors: decodeData(header, data, path), metadata: header.metadata };
  } catch (e) {
    throw ioError('load', path, e);
  } finally {
    closeSync(fd);
  }
}

/** The tensors of a safetensors file, by key. */
export function load(path: string): StateDict {
  checkPath('load', path, (arguments as IArguments)[1]);
  return loadSafetensors(path).tensors;
}

/** Loads a safetensors file into a model (strict by default: every key and shape must match). */
export function loadInto(model: AnyModule, path: string, opts: LoadStateDictOptions = {}): LoadResult {
  return model.loadStateDict(load(path), opts);
}
