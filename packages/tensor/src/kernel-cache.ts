// Compiled elementwise loops. A loop shared by every op calls its op through a closure that V8
// sees as megamorphic; a loop generated once per expression, rank and dtypes gets the expression
// inlined and its typed-array accesses monomorphic, which is several times faster. Shapes are
// first coalesced (adjacent dims merged where every operand, the output included, is contiguous
// across them), so most ops run as one flat loop and broadcasts or copies of views as two or
// three nested ones.
import type { TypedArray } from './dtype.ts';
import { HELPERS } from './ops/expr.ts';

/** A loop over a strided output and strided inputs: (shape, scalars, out data/offset/strides, then each input's). */
export type LoopKernel = (shape: readonly number[], sc: ArrayLike<number> | null, dw: TypedArray, pw: number, sw: readonly number[],
  ...ops: (TypedArray | number | readonly number[])[]) => void;

export const MAX_RANK = 3;

/** What a loop computes: `body`, a JS expression over the variables named in `arrays` (read from strided inputs) and `scalars` (read from sc). */
export interface LoopPlan { body: string; arrays: readonly string[]; scalars: readonly string[] }

/** Generates the loop of `plan` over `rank` nested dims (rank 0: one element). */
export function compileLoop(plan: LoopPlan, rank: number): LoopKernel {
  const ins = plan.arrays.map((_, i) => `${i}`);
  const all = ['w', ...ins];
  const params = all.flatMap((i) => [`d${i}`, `p${i}`, `s${i}`]);
  const lines: string[] = ["'use strict';"];
  plan.scalars.forEach((v, i) => lines.push(`const ${v} = sc[${i}];`));
  for (let r = 0; r < rank; r++) {
    lines.push(`const n${r} = shape[${r}];`);
    for (const i of all) lines.push(`const s${i}_${r} = s${i}[${r}];`);
  }
  // After the inner loop: move back the inner extent and on by this dim's stride.
  for (let r = 0; r < rank - 1; r++) for (const i of all) lines.push(`const b${i}_${r} = s${i}_${r} - s${i}_${r + 1} * n${r + 1};`);
  const advance = rank === 0 ? '' : all.map((i) => `p${i} += s${i}_${rank - 1};`).join(' ');
  let loop = `${plan.arrays.map((v, i) => `const ${v} = d${i}[p${i}];`).join(' ')} dw[pw] = ${plan.body}; ${advance}`;
  for (let r = rank - 1; r >= 0; r--) {
    const step = r < rank - 1 ? all.map((i) => `p${i} += b${i}_${r};`).join(' ') : '';
    loop = `for (let i${r} = 0; i${r} < n${r}; i${r}++) { ${loop} ${step} }`;
  }
  lines.push(loop);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- bodies come from op records, whose expressions parseExpr checked
  return new Function('H', `return function loop(shape, sc, ${params.join(', ')}) {\n${lines.join('\n')}\n}`)(HELPERS) as LoopKernel;
}

const cache = new Map<string, LoopKernel>();
const VARS = ['x', 'y', 'z'];

/** A loop writing the output from `arity` inputs named x, y, z in `expr` (copies, casts, the odd op outside the records). */
export function loopKernel(expr: string, arity: number, rank: number, dtypes = ''): LoopKernel {
  const key = `${arity}|${rank}|${dtypes}|${expr}`;
  let k = cache.get(key);
  if (!k) {
    k = compileLoop({ body: expr, arrays: VARS.slice(0, arity), scalars: [] }, rank);
    cache.set(key, k);
  }
  return k;
}

/** Merges adjacent dims where every operand is contiguous across them; drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, i) => { outStrides[i]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}
