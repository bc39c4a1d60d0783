// The browser's stand-in for save.ts: a page has no file system, so the file functions refuse
// with a SerializationError that names the in-memory pair to use instead. The "#save" import in
// package.json picks this file under the "browser" condition.
import { SerializationError } from '@groundup/kernels';
import type * as NodeSave from './save.ts';

const toBytes = 'serializeSafetensors(model.stateDict()) gives the file\'s bytes (for a Blob and a download link)';
const fromBytes = 'deserializeSafetensors(new Uint8Array(await file.arrayBuffer())).tensors, then model.loadStateDict(...)';
const noFiles = (op: string, path: string, instead: string): never => {
  throw new SerializationError(`${op}: a browser has no file system to ${op === 'save' ? 'write' : 'read'} ${path}; ${instead}`);
};

export const writeFileAtomic: typeof NodeSave.writeFileAtomic = (path) => noFiles('save', path, toBytes);
export const save: typeof NodeSave.save = (_what, path) => noFiles('save', path, toBytes);
export const loadSafetensors: typeof NodeSave.loadSafetensors = (path) => noFiles('load', path, fromBytes);
export const load: typeof NodeSave.load = (path) => noFiles('load', path, fromBytes);
export const loadInto: typeof NodeSave.loadInto = (_model, path) => noFiles('load', path, fromBytes);
export type { SaveOptions } from './save.ts';
