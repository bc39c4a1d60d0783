// Compiled elementwise loops. A loop shared by every op calls its op through a closure that V8
// sees as megamorphic; a loop generated once per expression (x + y, Math.exp(x) ...) and rank
// gets the expression inlined, which is several times faster. Shapes are first coalesced
// (adjacent dims merged where every operand, the output included, is contiguous across them),
// so most ops run as one flat loop and broadcasts or copies of views as two or three nested ones.
import type { TypedArray } from './dtype.ts';

/** out[po…] = expr over operands (data, offset, strides), all strided over a shape of rank ≤ 3. */
export type LoopKernel = (shape: readonly number[], ...args: (TypedArray | number | readonly number[])[]) => void;

const cache = new Map<string, LoopKernel>();
const VARS = ['x', 'y', 'z'];
export const MAX_RANK = 3;

/** A loop over `rank` nested dims writing the output (operand "w") from `arity` inputs. */
export function loopKernel(expr: string, arity: number, rank: number): LoopKernel {
  const key = `${arity}|${rank}|${expr}`;
  let k = cache.get(key);
  if (k) return k;
  const ins = Array.from({ length: arity }, (_, i) => `${i}`);
  const all = ['w', ...ins];
  const params = all.flatMap((i) => [`d${i}`, `p${i}`, `s${i}`]);
  const lines: string[] = ["'use strict';"];
  for (let r = 0; r < rank; r++) {
    lines.push(`const n${r} = shape[${r}];`);
    for (const i of all) lines.push(`const s${i}_${r} = s${i}[${r}];`);
  }
  // After the inner loop: move back the inner extent and on by this dim's stride.
  for (let r = 0; r < rank - 1; r++) for (const i of all) lines.push(`const b${i}_${r} = s${i}_${r} - s${i}_${r + 1} * n${r + 1};`);
  const advance = rank === 0 ? '' : all.map((i) => `p${i} += s${i}_${rank - 1};`).join(' ');
  let loop = `${ins.map((i) => `const ${VARS[+i]} = d${i}[p${i}];`).join(' ')} dw[pw] = ${expr}; ${advance}`;
  for (let r = rank - 1; r >= 0; r--) {
    const step = r < rank - 1 ? all.map((i) => `p${i} += b${i}_${r};`).join(' ') : '';
    loop = `for (let i${r} = 0; i${r} < n${r}; i${r}++) { ${loop} ${step} }`;
  }
  lines.push(loop);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- expressions come from this package's fixed op table
  k = new Function('shape', ...params, lines.join('\n')) as LoopKernel;
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
