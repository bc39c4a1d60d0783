// State dicts: keys and loading. Keys follow PyTorch: the dotted attribute path with each
// camelCase segment written in snake_case (runningMean → running_mean), so a groundup model and
// the PyTorch model it translates exchange weights. Loading checks every key and shape first and
// copies nothing unless all of them fit; the error names every offending key.
import { SerializationError } from '@groundup/kernels';
import { noGrad, Tensor } from '@groundup/tensor';
import type { Module } from './module.ts';

export type StateDict = Record<string, Tensor>;
export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape mismatches are refused either way. */
  strict?: boolean;
}
export interface LoadResult { missingKeys: string[]; unexpectedKeys: string[] }

/** 'runningMean' → 'running_mean', 'HTTPServer' → 'http_server'; snake_case and digits stay as they are. */
export const snakeCase = (s: string): string =>
  s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The state-dict key of a dotted attribute path: each segment in snake_case. */
export const torchKey = (path: string): string => path.split('.').map(snakeCase).join('.');

const shapeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;
const list = (keys: string[]): string => keys.map((k) => `'${k}'`).join(', ');

export function loadStateDictInto(model: Module, stateDict: StateDict | Map<string, Tensor>, opts: LoadStateDictOptions = {}): LoadResult {
  const strict = opts.strict ?? true;
  const name = model.constructor.name;
  if (stateDict === null || typeof stateDict !== 'object')
    throw new SerializationError(`loadStateDict: expected a state dict (an object of name → Tensor), got ${stateDict === null ? 'null' : typeof stateDict}`);
  const own = model.stateDict();
  const entries = stateDict instanceof Map ? [...stateDict.entries()] : Object.entries(stateDict);
  const incoming = new Map<string, { key: string; value: unknown }>();
  const problems: string[] = [];
  for (const [key, value] of entries) {
    const k = torchKey(key);
    const prev = incoming.get(k);
    if (prev) problems.push(`keys '${prev.key}' and '${key}' both name '${k}'`);
    incoming.set(k, { key, value });
  }
  const missingKeys = Object.keys(own).filter((k) => !incoming.has(k));
  const unexpectedKeys = [...incoming.keys()].filter((k) => !(k in own)).map((k) => incoming.get(k)!.key);
  const mismatched: string[] = [];
  for (const [k, { key, value }] of incoming) {
    const target = own[k];
    if (!target) continue;
    if (!(value instanceof Tensor)) problems.push(`'${key}' is ${value === null ? 'null' : typeof value}, not a Tensor`);
    else if (value.shape.join() !== target.shape.join())
      mismatched.push(`'${key}': the state dict has shape ${shapeStr(value.shape)}, the model has ${shapeStr(target.shape)}`);
  }
  if (strict && missingKeys.length) problems.push(`missing key(s), in the model but not in the state dict: ${list(missingKeys)}`);
  if (strict && unexpectedKeys.length) problems.push(`unexpected key(s), in the state dict but not in the model: ${list(unexpectedKeys)}`);
  if (mismatched.length) problems.push(`shape mismatch for ${mismatched.join('; ')}`);
  if (problems.length) {
    const fix = strict && (missingKeys.length || unexpectedKeys.length) && !mismatched.length
      ? '\n  (pass {strict: false} to load the keys that match and ignore the rest)' : '';
    throw new SerializationError(`loadStateDict: error(s) loading the state dict into ${name}, nothing was loaded:\n  ${problems.join('\n  ')}${fix}`);
  }
  noGrad(() => {
    for (const [k, { value }] of incoming) {
      const target = own[k];
      if (target) target.copy_(value as Tensor);
    }
  });
  return { missingKeys, unexpectedKeys };
}
