// Creating tensors: from nested arrays, filled, ranges, random (from a seeded Generator).
// JS cannot tell 1. from 1, so numbers become float32 unless a dtype is given (like tfjs);
// functions whose arguments say "integer" (arange of integers, randint) give int32, as in PyTorch.
import { DTypeError, ShapeError } from '@groundup/kernels';
import { allocate, defaultFloat, isFloating, MAX_ELEMENTS, resolveDType, toInt32, type DType, type DTypeName, type TypedArray } from './dtype.ts';
import { checkDevice, type Device } from './device.ts';
import { defaultGenerator, type Generator } from './random/index.ts';
import { fmt, numelOf } from './shape.ts';
import { Storage } from './storage.ts';
import { Tensor, type NestedArray } from './tensor.ts';
import { cudaEmpty, fillCuda } from './device/cuda.ts';

export interface CreateOptions {
  dtype?: DTypeName;
  /** 'cpu' (the default) or 'cuda' (the GPU; without one, a DeviceError with the reason). */
  device?: Device;
  generator?: Generator;
  requiresGrad?: boolean;
}
type ShapeArgs = [readonly number[], CreateOptions?] | number[];

export function parseShapeArgs(op: string, args: ShapeArgs): { shape: number[]; opts: CreateOptions } {
  const [first, second] = args as [unknown, unknown];
  const shape = Array.isArray(first) ? [...(first as number[])] : (args as number[]).filter((a) => typeof a === 'number');
  const opts = (Array.isArray(first) ? (second as CreateOptions | undefined) : undefined) ?? {};
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: sizes must be non-negative integers, got ${fmt(shape)}`);
  checkNumel(op, shape);
  return { shape, opts };
}

/** Refuses a shape with more elements than a typed array can hold, before allocating. */
function checkNumel(op: string, shape: readonly number[]): void {
  const n = numelOf(shape);
  if (n > MAX_ELEMENTS)
    throw new ShapeError(`${op}: shape ${fmt(shape)} has ${n} elements; a tensor holds at most ${MAX_ELEMENTS} (2^32, the JavaScript typed-array limit)`);
}

/** The dtype asked for (aliases resolved), or dflt. */
const checkDeviceOpt = (op: string, opts: CreateOptions): 'cpu' | 'cuda' =>
  (opts.device === undefined ? 'cpu' : checkDevice(op, opts.device, `${op}({device: '${String(opts.device)}'})`));
/** t on the device the options ask for (made on the CPU, then copied: the same values as on the CPU). */
const placed = (op: string, t: Tensor, opts: CreateOptions): Tensor => (checkDeviceOpt(op, opts) === 'cuda' ? t.to('cuda') : t);
const dtypeOf = (op: string, opts: CreateOptions, dflt: DType): DType => {
  checkDeviceOpt(op, opts);
  return opts.dtype === undefined ? dflt : resolveDType(op, opts.dtype);
};

/** A value stored into an int32 tensor must fit: no silent wrap-around, no NaN turned into 0. */
function fillValue(op: string, dtype: DType, v: number | boolean): number {
  const x = Number(v);
  if (dtype === 'bool') return x !== 0 ? 1 : 0;
  return dtype === 'int32' ? toInt32(op, x) : x;
}

function inferNested(op: string, data: NestedArray): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = (probe as readonly NestedArray[])[0] as NestedArray;
    if (probe === undefined) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (x: NestedArray, d: number, path: number[]): void => {
    if (d === shape.length) {
      if (Array.isArray(x)) throw new ShapeError(`${op}: ragged nested array: element [${path}] is a list but shape ${fmt(shape)} expects a number there`);
      flat.push(x as number | boolean);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d])
      throw new ShapeError(`${op}: ragged nested array: element [${path}] has ${Array.isArray(x) ? x.length : 'no'} entries, expected ${shape[d]} (shape ${fmt(shape)})`);
    (x as readonly NestedArray[]).forEach((y, i) => walk(y, d + 1, [...path, i]));
  };
  walk(data, 0, []);
  return { shape, flat };
}

/** tensor([[1, 2], [3, 4]]), tensor([true, false]), tensor([1, 2], {dtype: 'int32'}). */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: CreateOptions = {}): Tensor {
  checkDeviceOpt('tensor', opts);
  const want = opts.dtype === undefined ? undefined : resolveDType('tensor', opts.dtype);
  if (data instanceof Tensor) return placed('tensor', want ? data.to(want).clone() : data.clone(), opts);
  if (ArrayBuffer.isView(data)) {
    const t = Tensor.fromData((data as TypedArray).slice(), [(data as TypedArray).length]);
    return placed('tensor', want ? t.to(want) : t, opts);
  }
  const { shape, flat } = inferNested('tensor', data);
  const dtype = want ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : defaultFloat);
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new DTypeError(`tensor: element ${i} is ${typeof v}, expected a number or boolean`);
    out[i] = fillValue(`tensor: element ${i}`, dtype, v);
  }
  const t = placed('tensor', new Tensor(new Storage(out), shape, undefined, 0, dtype), opts);
  return opts.requiresGrad ? t.requiresGrad_() : t;
}

/** A tensor over a flat typed array (kept, not copied) and a shape, e.g. a RandomState sample: fromArray(rs.randn(3, 2)). */
export function fromArray(src: { data: TypedArray; shape: readonly number[] } | TypedArray, shape?: readonly number[]): Tensor {
  return ArrayBuffer.isView(src) ? Tensor.fromData(src, shape ?? [src.length]) : Tensor.fromData(src.data, src.shape);
}

export function full(shape: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/** full under the name of the function the user called (zeros, ones, empty), so its errors name that. */
function filled(op: string, shape: readonly number[], value: number | boolean, opts: CreateOptions): Tensor {
  const dtype = dtypeOf(op, opts, typeof value === 'boolean' ? 'bool' : defaultFloat);
  checkNumel(op, shape);
  if (checkDeviceOpt(op, opts) === 'cuda') return fillCuda(cudaEmpty(dtype, [...shape], `${op}({device: 'cuda'})`), fillValue(op, dtype, value));
  const data = allocate(dtype, numelOf(shape));
  data.fill(fillValue(op, dtype, value));
  return new Tensor(new Storage(data), [...shape], undefined, 0, dtype);
}

export function zeros(shape: readonly number[], opts?: CreateOptions): Tensor;
export function zeros(...shape: number[]): Tensor;
export function zeros(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs('zeros', args);
  return filled('zeros', shape, 0, opts);
}
export function ones(shape: readonly number[], opts?: CreateOptions): Tensor;
export function ones(...shape: number[]): Tensor;
export function ones(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs('ones', args);
  return filled('ones', shape, 1, opts);
}
/** PyTorch leaves empty() uninitialised; here it is zeros (typed arrays are zeroed anyway). */
export function empty(shape: readonly number[], opts?: CreateOptions): Tensor;
export function empty(...shape: number[]): Tensor;
export function empty(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs('empty', args);
  return filled('empty', shape, 0, opts);
}
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 0, { ...opts, dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 1, { ...opts, dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(t.shape, value, { ...opts, dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });

/** arange(end), arange(start, end, step?): int32 when all arguments are integers, as in PyTorch. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (![start, end, step].every(Number.isFinite)) throw new ShapeError(`arange: start, end and step must be finite numbers, got ${start}, ${end}, ${step}`);
  if (step === 0) throw new ShapeError('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = dtypeOf('arange', opts, [start, end, step].every(Number.isInteger) ? 'int32' : defaultFloat);
  checkNumel('arange', [n]);
  // Only the first and last values can be out of int32's range: check them before filling.
  if (dtype === 'int32' && n > 0) for (const v of [start, start + (n - 1) * step]) toInt32(`arange(${start}, ${end}, ${step})`, v);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return placed('arange', Tensor.fromData(data, [n]), opts);
}

export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ShapeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = dtypeOf('linspace', opts, defaultFloat);
  if (dtype === 'int32' && steps > 0) for (const v of [start, end]) toInt32('linspace', v);
  const data = allocate(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end, so the last value is exactly `end`.
  for (let i = 0; i < steps; i++) data[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return placed('linspace', Tensor.fromData(data, [steps]), opts);
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const t = full([n, m], 0, { ...opts, device: 'cpu' });
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return placed('eye', t, opts);
}

function floatOpts(op: string, opts: CreateOptions): DType {
  const dtype = dtypeOf(op, opts, defaultFloat);
  if (!isFloating(dtype)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** Uniform on [0, 1). */
export function rand(shape: readonly number[], opts?: CreateOptions): Tensor;
export function rand(...shape: number[]): Tensor;
export function rand(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs('rand', args);
  const g = opts.generator ?? defaultGenerator;
  const data = allocate(floatOpts('rand', opts), numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.random();
  return placed('rand', Tensor.fromData(data, shape), opts);
}

/** Standard normal. */
export function randn(shape: readonly number[], opts?: CreateOptions): Tensor;
export function randn(...shape: number[]): Tensor;
export function randn(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs('randn', args);
  const g = opts.generator ?? defaultGenerator;
  const data = allocate(floatOpts('randn', opts), numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return placed('randn', Tensor.fromData(data, shape), opts);
}

/** Integers in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) throw new DTypeError(`randint: low and high must be integers, got ${low} and ${high}`);
  if (!(high > low)) throw new ShapeError(`randint: high (${high}) must be greater than low (${low})`);
  const dtype = dtypeOf('randint', opts, 'int32');
  if (dtype === 'int32') for (const v of [low, high - 1]) toInt32(`randint(${low}, ${high})`, v);
  checkNumel('randint', shape);
  const g = opts.generator ?? defaultGenerator;
  const data = allocate(dtype, numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return placed('randint', Tensor.fromData(data, shape), opts);
}

export const randLike = (t: Tensor, opts: CreateOptions = {}): Tensor => rand([...t.shape], { dtype: t.dtype, device: t.device, ...opts });
export const randnLike = (t: Tensor, opts: CreateOptions = {}): Tensor => randn([...t.shape], { dtype: t.dtype, device: t.device, ...opts });
