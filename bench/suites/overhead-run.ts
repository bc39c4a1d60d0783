// The overhead cases as one function each: an add of two small tensors, or a chain of
// mul/add pairs on 1000 floats (torch_bench.py runs the same).
import { add, mul, tensor } from '@groundup/tensor';
import { randomArray } from '../lib/data.ts';
import type { OverheadCase } from '../lib/types.ts';

export function overheadRun(c: OverheadCase): () => void {
  const a = tensor(randomArray(c.size, 1)), b = tensor(randomArray(c.size, 2)), s = tensor(new Float32Array(c.size).fill(0.5));
  if (c.op === 'add') return () => { add(a, b); };
  return () => {
    let x = a;
    for (let i = 0; i < c.ops / 2; i++) x = add(mul(x, s), b);
  };
}
