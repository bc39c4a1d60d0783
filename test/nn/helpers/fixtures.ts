// Reading the nn fixtures (scripts/fixtures/nn.py) and comparing tensors against them.
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Tensor } from 'groundup';

/** data: numbers, or 'nan' where PyTorch gave NaN (JSON has no NaN). */
export interface TensorJson { shape: number[]; data: (number | 'nan')[]; dtype?: 'float64' | 'int32' }

export const readFixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as T;
export const fixturePath = (name: string): string => new URL(`../../fixtures/${name}`, import.meta.url).pathname;

/** A fixture tensor: float32 unless marked float64 or int32. */
export function dec(j: TensorJson): Tensor {
  const vals = j.data.map((v) => (v === 'nan' ? NaN : v));
  const data = j.dtype === 'float64' ? Float64Array.from(vals) : j.dtype === 'int32' ? Int32Array.from(vals) : Float32Array.from(vals);
  return Tensor.fromData(data, j.shape);
}

/** Asserts same shape and |a − e| ≤ atol + rtol·|e| everywhere, naming the worst element. */
export function close(actual: Tensor | null | undefined, expected: Tensor | TensorJson, label: string, atol = 1e-5, rtol = 1e-4): void {
  const e = expected instanceof Tensor ? expected : dec(expected);
  assert.ok(actual, `${label}: missing (expected shape [${e.shape}])`);
  assert.equal([...actual!.shape], [...e.shape], `${label}: shape [${actual!.shape}] vs expected [${e.shape}]`);
  const a = Array.from(actual!.dataSync(), Number), b = Array.from(e.dataSync(), Number);
  let worst = -1, excess = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i]!) && Number.isNaN(a[i]!)) continue;
    const x = Math.abs(a[i]! - b[i]!) - (atol + rtol * Math.abs(b[i]!));
    if (x > excess || Number.isNaN(x)) { excess = Number.isNaN(x) ? Infinity : x; worst = i; }
  }
  assert.ok(worst < 0, `${label}: element ${worst} is ${a[worst]}, expected ${b[worst]}`);
}
