// CUDA tensors: a Storage whose values live in a device block (storage.ts). Here: allocation on
// the device, moving between devices, the same-device rule, and elementwise work through the
// expression kernel (program.ts), which runs every op record, casts and copies between layouts.
import { DeviceError, DEVICE_DTYPES, requireCuda, type CudaRuntime, type DeviceBlock } from '@groundup/kernels';
import { allocateUninit, BYTES, type DType } from '../dtype.ts';
import { coalesce } from '../kernel-cache.ts';
import { parseExpr, type Expr } from '../ops/expr.ts';
import { broadcastStrides, type Operand } from '../ops/loop.ts';
import { fmt, numelOf } from '../shape.ts';
import { Storage } from '../storage.ts';
import { Tensor } from '../tensor.ts';
import { compileProgram } from './program.ts';

export type DeviceKind = 'cpu' | 'cuda';

const cuda = (call: string): CudaRuntime => requireCuda(call);

/** Returns a dead buffer's block to the allocator's cache now (autograd's Ownership knows it is dead). */
export function releaseBlock(block: DeviceBlock): void { cuda('release').release(block); }

/** An uninitialised contiguous CUDA tensor. */
export function cudaEmpty(dtype: DType, shape: readonly number[], call = 'cuda'): Tensor {
  const n = numelOf(shape);
  const block = cuda(call).alloc(n * BYTES[dtype]);
  return new Tensor(Storage.cuda(block, n), shape, undefined, 0, dtype);
}

/** An uninitialised contiguous tensor on `device`. */
export function emptyOn(device: DeviceKind, dtype: DType, shape: readonly number[]): Tensor {
  if (device === 'cuda') return cudaEmpty(dtype, shape);
  return new Tensor(new Storage(allocateUninit(dtype, numelOf(shape))), shape, undefined, 0, dtype);
}

/** An uninitialised contiguous tensor on t's device (and of its dtype unless given). */
export const emptyLike = (t: Tensor, shape: readonly number[] = t.shape, dtype: DType = t.dtype): Tensor =>
  emptyOn(t.storage.block !== null ? 'cuda' : 'cpu', dtype, shape);

/** A copy of a CPU tensor on the device (contiguous). */
export function uploadTensor(t: Tensor): Tensor {
  const host = t.contiguous();
  const out = cudaEmpty(t.dtype, t.shape, "to('cuda')");
  const d = host.data;
  const n = host.numel();
  if (n) cuda("to('cuda')").upload(out.storage.block!, 0, d.subarray(host.offset, host.offset + n));
  return out;
}

/** A copy of a CUDA tensor on the CPU (contiguous); synchronises with the device. */
export function downloadTensor(t: Tensor): Tensor {
  const src = t.isContiguous() ? t : copyOnDevice(t);
  const n = t.numel();
  const host = allocateUninit(t.dtype, n);
  if (n) cuda("to('cpu')").download(src.storage.block!, src.offset * BYTES[t.dtype], host);
  return new Tensor(new Storage(host), t.shape, undefined, 0, t.dtype);
}

const COPY = parseExpr('copy', 'x', ['x']);
/** A contiguous copy on the device, in `dtype` (a cast when it differs). */
export function copyOnDevice(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = cudaEmpty(dtype, t.shape);
  runExprCuda('copy', COPY, ['x'], [t], [], [], out, dtype === 'bool' && t.dtype !== 'bool');
  return out;
}

/** Fills a CUDA tensor (any layout) with one value. */
export function fillCuda(t: Tensor, value: number): Tensor {
  runExprCuda('fill', COPY, ['x'], [value], [], [], t, false);
  return t;
}

/** The device of an op's result: 'cuda' when a tensor operand is; a CPU operand with dims beside a CUDA one throws DeviceError. */
export function resultDevice(op: string, operands: readonly unknown[]): DeviceKind {
  let cudaOne: Tensor | null = null, cpuOne: Tensor | null = null;
  for (const o of operands) {
    if (!(o instanceof Tensor)) continue;
    if (o.storage.block !== null) cudaOne ??= o;
    else if (o.ndim > 0) cpuOne ??= o;
  }
  if (cudaOne && cpuOne) throw mixed(op, cpuOne);
  return cudaOne ? 'cuda' : 'cpu';
}

export function mixed(op: string, cpu: Tensor): DeviceError {
  return new DeviceError(`${op}: expected all tensors to be on the same device, but found at least two devices, cuda and cpu `
    + `(a ${cpu.dtype} tensor of shape ${fmt(cpu.shape)} is on the cpu); move it with .to('cuda') (or .cuda()), or the others with .cpu(). `
    + 'Only a 0-dimensional cpu tensor may join cuda tensors, as a scalar');
}

/** Throws unless every tensor is on the device (0-dim CPU tensors allowed): the guard of ops with their own CUDA kernels. */
export function requireSameDevice(op: string, ...ts: readonly (Tensor | null | undefined)[]): void {
  for (const t of ts) if (t && t.storage.block === null && t.ndim > 0) throw mixed(op, t);
}

/**
 * out ← expr(operands…) on the device: the same contract as runExpr (ops/loop.ts). JS numbers,
 * parameters and 0-dim CPU tensors become constants of the program.
 */
export function runExprCuda(op: string, expr: Expr, names: readonly string[], operands: readonly Operand[], paramNames: readonly string[],
  params: readonly number[], out: Tensor, wrapBool: boolean): void {
  if (out.storage.block === null) {
    const c = operands.find((o) => o instanceof Tensor && o.storage.block !== null) as Tensor;
    throw new DeviceError(`${op}: the result is on the cpu but an operand (shape ${fmt(c.shape)}) is on cuda; move it with .cpu(), or the result with .to('cuda')`);
  }
  if (out.numel() === 0) return;
  const arrays: Tensor[] = [], slot = new Map<string, number>(), values = new Map<string, number>();
  paramNames.forEach((p, i) => values.set(p, params[i]!));
  for (let i = 0; i < operands.length; i++) {
    const o = operands[i], n = names[i]!;
    if (o === null || o === undefined || !expr.names.has(n)) continue;
    if (o instanceof Tensor) {
      if (o.storage.block !== null) { slot.set(n, arrays.length); arrays.push(o); }
      else if (o.ndim === 0) values.set(n, o.item());
      else throw mixed(op, o);
    } else values.set(n, Number(o));
  }
  const shape = out.shape;
  const c = coalesce(shape, [out.strides, ...arrays.map((t) => broadcastStrides(op, t, shape))]);
  const nd = c.shape.length;
  if (nd > 8) throw new DeviceError(`${op}: more than 8 dims after merging contiguous ones (${fmt(shape)}); the CUDA expression kernel takes 8`);
  const meta = new Float64Array(1 + nd + 2 + nd + 1 + arrays.length * (2 + nd));
  let k = 0;
  meta[k++] = nd;
  for (const n of c.shape) meta[k++] = n;
  meta[k++] = DEVICE_DTYPES[out.dtype];
  meta[k++] = out.offset;
  for (const s of c.strides[0]!) meta[k++] = s;
  meta[k++] = arrays.length;
  arrays.forEach((t, i) => {
    meta[k++] = DEVICE_DTYPES[t.dtype];
    meta[k++] = t.offset;
    for (const s of c.strides[i + 1]!) meta[k++] = s;
  });
  const prog = programFor(expr, slot, wrapBool);
  const consts = prog.consts.slice();
  for (const [i, n] of prog.named) {
    const v = values.get(n);
    if (v === undefined) throw new DeviceError(`${op}: the expression reads ${n}, which no operand or parameter gives`);
    consts[i] = v;
  }
  cuda(op).expr(meta, prog.code, consts, out.storage.block, arrays.map((t) => t.storage.block!));
}

interface CachedProgram { code: Float64Array; consts: Float64Array; named: [number, string][] }
const programs = new WeakMap<Expr, Map<string, CachedProgram>>();

/** The compiled program of expr for this assignment of names to array operands (cached: compiling costs 4-12 µs a call). */
function programFor(expr: Expr, slot: ReadonlyMap<string, number>, wrapBool: boolean): CachedProgram {
  let byLayout = programs.get(expr);
  if (!byLayout) programs.set(expr, (byLayout = new Map()));
  let key = wrapBool ? 'b' : '';
  for (const [n, i] of slot) key += `${n}${i},`;
  let p = byLayout.get(key);
  if (!p) {
    const c = compileProgram(expr, (n) => slot.get(n) ?? null, null, wrapBool);
    p = { code: Float64Array.from(c.code), consts: Float64Array.from(c.consts), named: c.named };
    byLayout.set(key, p);
  }
  return p;
}
