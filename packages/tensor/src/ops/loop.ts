// Runs a record's expression over strided operands: tensors (broadcast to the output's shape by
// stride 0) and JS numbers (passed as scalars), into a strided output. The loop is compiled once
// per (expression, coalesced rank, dtypes, which operands are scalars) and cached on the caller's
// map under a numeric key.
import { getBackend, ShapeError } from '@groundup/kernels';
import type { TypedArray } from '../dtype.ts';
import { coalesce, compileLoop, MAX_RANK, type LoopKernel } from '../kernel-cache.ts';
import { fmt } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { toJs, type Expr } from './expr.ts';
import { mixed, runExprCuda } from '../device/cuda.ts';

export type Operand = Tensor | number | boolean | null;

const CODE: Record<string, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };
const SCALAR = 4, ABSENT = 5;
const ONE: readonly number[] = [1];
const v = (n: string): string => `v_${n}`;

/** Strides of t read as `shape` (t broadcast to it: stride 0 on added or size-1 dims). */
export function broadcastStrides(op: string, t: Tensor, shape: readonly number[]): readonly number[] {
  const nd = shape.length, lead = nd - t.ndim;
  if (lead === 0 && t.shape === shape) return t.strides;
  const st = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const n = i < lead ? 1 : t.shape[i - lead]!;
    if (n !== shape[i] && n !== 1) throw new ShapeError(`${op}: the operand of shape ${fmt(t.shape)} does not broadcast to ${fmt(shape)}: axis ${i} has ${n} vs ${shape[i]}`);
    st[i] = n === 1 ? 0 : t.strides[i - lead]!;
  }
  return st;
}

const denseLike = (t: Tensor, shape: readonly number[]): boolean => {
  if (t.shape !== shape) {
    if (t.shape.length !== shape.length) return false;
    for (let i = 0; i < shape.length; i++) if (t.shape[i] !== shape[i]) return false;
  }
  return t.isContiguous();
};

/**
 * out ← expr(operands…, params…), elementwise. `names[i]` is operand i's name in the expression
 * (null operands are absent: the expression does not read them); `paramNames` are read from
 * `params`. `wrapBool` stores expr ≠ 0 (a bool result of arithmetic). `loopName` ('relu:fwd')
 * names the loop a backend may have generated from the same record.
 */
export function runExpr(op: string, cache: Map<number, LoopKernel>, expr: Expr, names: readonly string[], operands: readonly Operand[],
  paramNames: readonly string[], params: readonly number[], out: Tensor, wrapBool: boolean, loopName?: string): void {
  if (out.storage.block !== null) { runExprCuda(op, expr, names, operands, paramNames, params, out, wrapBool); return; }
  const shape = out.shape;
  const numel = out.numel();
  if (numel === 0) return;
  // Which operands are arrays and which JS numbers, and whether everything is one dense block.
  let dense = out.isContiguous(), f32 = out.dtype === 'float32', scalars = false;
  let key = CODE[out.dtype]!;
  const sc: number[] = params.length ? params.slice() : [];
  const arrays: Tensor[] = [];
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    if (o === null || o === undefined || !expr.names.has(names[i]!)) { key = key * 6 + ABSENT; continue; }
    if (o instanceof Tensor) {
      if (o.storage.block !== null) throw mixed(op, out);
      key = key * 6 + CODE[o.dtype]!;
      arrays.push(o);
      if (o.dtype !== 'float32') f32 = false;
      if (dense && !denseLike(o, shape)) dense = false;
    } else {
      key = key * 6 + SCALAR;
      scalars = true;
      sc.push(Number(o));
    }
  }
  if (loopName !== undefined && f32 && !scalars && numel >= BACKEND_MIN && backendLoop(op, loopName, expr, arrays, params, out, dense)) return;
  if (dense) {
    call(cache, key * 4 + 1, expr, names, operands, paramNames, sc, [numel], out, ONE, () => ONE, wrapBool);
    return;
  }
  const c = coalesce(shape, [out.strides, ...arrays.map((t) => broadcastStrides(op, t, shape))]);
  const rank = c.shape.length;
  if (rank <= MAX_RANK) {
    let k = 0;
    call(cache, key * 4 + rank, expr, names, operands, paramNames, sc, c.shape, out, c.strides[0]!, () => c.strides[++k]!, wrapBool);
    return;
  }
  // Rank > 3 after coalescing: an odometer over the leading dims, a rank-3 loop for each.
  const lead = rank - MAX_RANK, inner = c.shape.slice(lead);
  const innerStrides = c.strides.map((s) => s.slice(lead));
  const kernel = kernelFor(cache, key * 4 + MAX_RANK, expr, names, operands, paramNames, MAX_RANK, wrapBool);
  const offs = [out.offset, ...arrays.map((t) => t.offset)];
  const idx = new Array<number>(lead).fill(0);
  const datas: TypedArray[] = [out.data, ...arrays.map((t) => t.data)];
  for (;;) {
    const args: (TypedArray | number | readonly number[])[] = [];
    for (let a = 1; a < datas.length; a++) args.push(datas[a]!, offs[a]!, innerStrides[a]!);
    kernel(inner, sc, datas[0]!, offs[0]!, innerStrides[0]!, ...args);
    let d = lead - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let a = 0; a < offs.length; a++) offs[a]! += c.strides[a]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let a = 0; a < offs.length; a++) offs[a]! -= c.strides[a]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Below this many elements the N-API call costs more than a compiled JS loop saves. */
export const BACKEND_MIN = 512;

/**
 * The active backend's loop generated from the same record (the addon's AVX2 loops), when every
 * operand is a float32 tensor and the coalesced layout is rows of contiguous values.
 */
function backendLoop(op: string, key: string, expr: Expr, inputs: readonly Tensor[], params: readonly number[], out: Tensor, dense: boolean): boolean {
  const run = getBackend().kernels.elementwise;
  if (!run) return false;
  const n = inputs.length;
  const datas = new Array<Float32Array>(n), offsets = new Array<number>(n), rowStrides = new Array<number>(n);
  for (let i = 0; i < n; i++) { datas[i] = inputs[i]!.data as Float32Array; offsets[i] = inputs[i]!.offset; rowStrides[i] = 0; }
  let rows = 1, cols = out.numel(), outRowStride = 0;
  if (!dense) {
    const shape = out.shape;
    const c = coalesce(shape, [out.strides, ...inputs.map((t) => broadcastStrides(op, t, shape))]);
    const rank = c.shape.length;
    if (rank > 2 || c.strides.some((s) => rank > 0 && s[rank - 1] !== 1)) return false;
    if (rank === 2) {
      rows = c.shape[0]!;
      cols = c.shape[1]!;
      outRowStride = c.strides[0]![0]!;
      for (let i = 0; i < n; i++) rowStrides[i] = c.strides[i + 1]![0]!;
    }
  }
  return run({ key, expr: expr.source, rows, cols, out: out.data as Float32Array, outOffset: out.offset, outRowStride, inputs: datas, offsets, rowStrides, params });
}

function kernelFor(cache: Map<number, LoopKernel>, key: number, expr: Expr, names: readonly string[], operands: readonly Operand[],
  paramNames: readonly string[], rank: number, wrapBool: boolean): LoopKernel {
  let k = cache.get(key);
  if (k) return k;
  const arrays: string[] = [], scalars = paramNames.map(v);
  operands.forEach((o, i) => {
    const n = names[i]!;
    if (o === null || o === undefined || !expr.names.has(n)) return;
    (o instanceof Tensor ? arrays : scalars).push(v(n));
  });
  const body = toJs(expr, v);
  k = compileLoop({ body: wrapBool ? `((${body}) != 0)` : body, arrays, scalars }, rank);
  cache.set(key, k);
  return k;
}

function call(cache: Map<number, LoopKernel>, key: number, expr: Expr, names: readonly string[], operands: readonly Operand[],
  paramNames: readonly string[], sc: number[], shape: readonly number[], out: Tensor, outStrides: readonly number[],
  stridesOf: (t: Tensor) => readonly number[], wrapBool: boolean): void {
  const kernel = kernelFor(cache, key, expr, names, operands, paramNames, shape.length, wrapBool);
  const args: (TypedArray | number | readonly number[])[] = [];
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i];
    if (o instanceof Tensor && expr.names.has(names[i]!)) args.push(o.data, o.offset, stridesOf(o));
  }
  kernel(shape, sc, out.data, out.offset, outStrides, ...args);
}
