// Collation: a list of dataset items becomes one batch, position by position, as PyTorch's
// default_collate does (the ch4 letters demo: (index, letter) pairs → [indices tensor, letters]).
//   tensors  → stacked on a new first dim
//   numbers  → an int32 tensor when every one is an integer (labels, indices), else float64
//              (PyTorch turns Python floats into float64). JS cannot tell 1.0 from 1, so a batch
//              of float data whose values happen to be whole would become int32: keep float data
//              in tensors.
//   booleans → a bool tensor
//   strings  → an array of strings
//   tuples / arrays → collated per position; plain objects → per key
//   anything else   → the array of items
import { DataError } from '@groundup/kernels';
import { Tensor, stack, tensor } from '@groundup/tensor';

/** The batch type defaultCollate makes from items of type T. */
export type Collated<T> =
  T extends Tensor ? Tensor
  : T extends number | boolean ? Tensor
  : T extends string ? string[]
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends Record<string, unknown> ? { [K in keyof T]: Collated<T[K]> }
  : T[];

const kind = (x: unknown): string =>
  x instanceof Tensor ? 'Tensor' : Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype ? 'object' : typeof x;

function collateAny(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const k = kind(first);
  items.forEach((x, i) => {
    if (kind(x) !== k) throw new DataError(`collate: item ${i}${path} is ${kind(x)} but item 0${path} is ${k}; every item of a batch must have the same structure`);
  });
  switch (k) {
    case 'Tensor': {
      const ts = items as readonly Tensor[];
      const bad = ts.findIndex((t) => t.ndim !== ts[0]!.ndim || t.shape.some((n, d) => n !== ts[0]!.shape[d]));
      if (bad >= 0) throw new DataError(`collate: item ${bad}${path} has shape [${ts[bad]!.shape}] but item 0${path} has [${ts[0]!.shape}]; tensors stack only when their shapes match (resize or pad them, or pass a collate function)`);
      return stack(ts);
    }
    case 'number': {
      const ns = items as readonly number[];
      return tensor([...ns], { dtype: ns.every(Number.isInteger) ? 'int32' : 'float64' });
    }
    case 'boolean': return tensor([...(items as readonly boolean[])], { dtype: 'bool' });
    case 'string': return [...items];
    case 'array': {
      const arrs = items as readonly (readonly unknown[])[];
      const n = arrs[0]!.length;
      const bad = arrs.findIndex((a) => a.length !== n);
      if (bad >= 0) throw new DataError(`collate: item ${bad}${path} has ${arrs[bad]!.length} fields but item 0${path} has ${n}; every tuple of a batch must have the same length`);
      return Array.from({ length: n }, (_, j) => collateAny(arrs.map((a) => a[j]), `${path}[${j}]`));
    }
    case 'object': {
      const objs = items as readonly Record<string, unknown>[];
      const keys = Object.keys(objs[0]!);
      return Object.fromEntries(keys.map((key) => [key, collateAny(objs.map((o) => o[key]), `${path}.${key}`)]));
    }
    default: return [...items];
  }
}

/** Collates items into a batch (see the rules above). */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new DataError('collate: got an empty list of items; a batch needs at least one');
  return collateAny(items, '') as Collated<T>;
}
