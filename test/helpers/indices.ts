// Multi-index helpers for the loop-based oracles of the property tests.
export type Idx = number[];

export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Every multi-index of `shape`, in row-major order. */
export function* indices(shape: readonly number[]): Generator<Idx> {
  if (shape.some((n) => n === 0)) return;
  const idx = shape.map(() => 0);
  for (let k = 0, total = numel(shape); k < total; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d]! < shape[d]!) break; idx[d] = 0; }
  }
}

/** The row-major flat position of a multi-index. */
export const flatOf = (idx: Idx, shape: readonly number[]): number => idx.reduce((a, i, d) => a * shape[d]! + i, 0);
