// Compiled elementwise loops. A loop shared by every op calls its op through a closure that V8
// sees as megamorphic; a loop generated once per expression (x + y, Math.exp(x) ...) and rank
// gets the expression inlined, which is several times faster. Shapes are first coalesced
// (adjacent dims merged where every operand is contiguous across them), so most ops run as one
// flat loop and broadcasts as two or three nested ones.
import type { TypedArray } from './dtype.ts';

/** out (contiguous) = expr over operands given by (data, offset, strides) on a shape of rank ≤ 3. */
export type LoopKernel = (shape: readonly number[], out: TypedArray, ...ops: (TypedArray | number | readonly number[])[]) => void;

const cache = new Map<string, LoopKernel>();
const VARS = ['x', 'y', 'z'];

/** A loop over `rank` nested dims for `arity` operands computing `expr` (in x, y, z). */
export function loopKernel(expr: string, arity: number, rank: number): LoopKernel {
  const key = `${arity}|${rank}|${expr}`;
  let k = cache.get(key);
  if (k) return k;
  const ops = Array.from({ length: arity }, (_, i) => i);
  const params = ops.flatMap((i) => [`d${i}`, `p${i}`, `s${i}`]);
  const lines: string[] = ["'use strict';", 'let o = 0;'];
  for (let r = 0; r < rank; r++) {
    lines.push(`const n${r} = shape[${r}];`);
    for (const i of ops) lines.push(`const s${i}_${r} = s${i}[${r}];`);
  }
  // Pointer steps: after the inner loop, move back the inner extent and on by this dim's stride.
  for (let r = 0; r < rank - 1; r++)
    for (const i of ops) lines.push(`const b${i}_${r} = s${i}_${r} - s${i}_${r + 1} * n${r + 1};`);
  const advance = rank === 0 ? '' : ops.map((i) => `p${i} += s${i}_${rank - 1};`).join(' ');
  const body = `${ops.map((i) => `const ${VARS[i]} = d${i}[p${i}];`).join(' ')} out[o++] = ${expr}; ${advance}`;
  let loop = body;
  for (let r = rank - 1; r >= 0; r--) {
    const step = r < rank - 1 ? ops.map((i) => `p${i} += b${i}_${r};`).join(' ') : '';
    loop = `for (let i${r} = 0; i${r} < n${r}; i${r}++) { ${loop} ${step} }`;
  }
  lines.push(loop);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- expressions come from this package's fixed op table
  k = new Function('shape', 'out', ...params, lines.join('\n')) as LoopKernel;
  cache.set(key, k);
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
