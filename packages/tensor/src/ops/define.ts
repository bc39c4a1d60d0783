// defineOp: from one record, the op function, the Tensor methods (out of place and in place), the
// compiled forward loop and the compiled gradient loops. See record.ts for the record itself.
import { DTypeError, OpError, ShapeError } from '@groundup/kernels';
import { isFloating, promoteTypes, resultType, scalarDType, type DType } from '../dtype.ts';
import type { LoopKernel } from '../kernel-cache.ts';
import { broadcastAll, fmt, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { isGradEnabled } from '../autograd/grad-mode.ts';
import { inPlace } from '../autograd/inplace.ts';
import { attachPure } from '../autograd/node.ts';
import { parseExpr } from './expr.ts';
import { emptyLike, emptyOn, resultDevice } from '../device/cuda.ts';
import { runExpr, type Operand } from './loop.ts';
import { checkRecord, INPUTS, resultDType, type OpFunction, type OpRecord, type OpSpec, type TensorLike } from './record.ts';

const tracks = (x: unknown): x is Tensor => x instanceof Tensor && x.requiresGrad;
const shapeOf = (x: TensorLike): readonly number[] => (x instanceof Tensor ? x.shape : []);
const GRAD_NAMES = ['g', 'x', 'y', 'z', 'out'];
const NO_PARAMS: readonly number[] = Object.freeze([]);

/** An op built from its record: the compiled loops live here. */
export class ElementwiseOp {
  private readonly fwd = new Map<number, LoopKernel>();
  private readonly bwd: Map<number, LoopKernel>[];
  private readonly names: readonly string[];
  /** Per input: does its gradient pass g through unchanged? */
  private readonly identity: readonly boolean[];
  /** Per input: the parameter whose value 1 makes its gradient g itself ('g * alpha'), or −1. */
  private readonly scaleParam: readonly number[];
  /** Names of the loops a backend may have generated from this record: forward, then each gradient. */
  private readonly keys: readonly string[];

  constructor(readonly rec: OpRecord) {
    this.names = INPUTS.slice(0, rec.arity);
    this.bwd = this.names.map(() => new Map());
    this.identity = (rec.grads ?? []).map((e) => e !== null && e.tokens.length === 1 && e.tokens[0]!.text === 'g');
    this.scaleParam = (rec.grads ?? []).map((e) => {
      const t = e?.tokens;
      return t && t.length === 3 && t[0]!.text === 'g' && t[1]!.text === '*' ? rec.params.indexOf(t[2]!.text) : -1;
    });
    this.keys = [`${rec.name}:fwd`, ...this.names.map((_, i) => `${rec.name}:g${i}`)];
  }

  /** How many loops have been compiled for this op so far (forward and gradients). */
  get compiledLoops(): number { return this.fwd.size + this.bwd.reduce((n, m) => n + m.size, 0); }

  /** The parameters from a call's arguments after the inputs (null or absent: the default). */
  params(args: readonly unknown[], from: number): readonly number[] {
    const { params, defaultValues, name } = this.rec;
    if (params.length === 0) return NO_PARAMS;
    const out = new Array<number>(params.length);
    for (let i = 0; i < params.length; i++) {
      const a = args[from + i];
      if (a === undefined || a === null) {
        if (Number.isNaN(defaultValues[i])) throw new OpError(`${name}: the parameter ${params[i]} is required`);
        out[i] = defaultValues[i]!;
      } else if (typeof a === 'number') out[i] = a;
      else throw new OpError(`${name}: the parameter ${params[i]} must be a number, got ${a instanceof Tensor ? 'a Tensor' : typeof a}`);
    }
    return out;
  }

  /** The output dtype for these inputs (PyTorch's promotion, then the record's rule). */
  dtypeOf(inputs: readonly TensorLike[], params: readonly number[]): DType {
    const rule = this.rec.dtype;
    if (!this.rec.check && (rule === 'same' || rule === 'float')) {
      // The common case first: dimensioned tensors of one dtype, no JS numbers.
      const x0 = inputs[0];
      if (x0 instanceof Tensor && x0.ndim > 0) {
        const d = x0.dtype;
        let one = true;
        for (let i = 1; i < inputs.length && one; i++) {
          const x = inputs[i];
          one = x instanceof Tensor && x.ndim > 0 && x.dtype === d;
        }
        if (one) return rule === 'same' || isFloating(d) ? d : 'float32';
      }
    }
    const dtypes = inputs.map((x) => (x instanceof Tensor ? x.dtype : null));
    return resultDType(this.rec, dtypes, params, (which) => {
      const ins = which ? which.map((i) => inputs[i]!) : inputs;
      // Fast path: dimensioned tensors of one dtype, no JS numbers.
      const d0 = ins[0] instanceof Tensor ? ins[0].dtype : null;
      if (d0 !== null && ins.every((x) => x instanceof Tensor && x.ndim > 0 && x.dtype === d0)) return d0;
      return resultType(ins.map((x) => (x instanceof Tensor ? { dtype: x.dtype, rank: x.ndim === 0 ? 'zero' : 'dim' } : { dtype: scalarDType(x), rank: 'scalar' })));
    });
  }

  /** The broadcast shape of the inputs. */
  shapeOf(inputs: readonly TensorLike[]): readonly number[] {
    let shape: readonly number[] | null = null, same = true;
    for (const x of inputs) {
      if (!(x instanceof Tensor)) continue;
      if (shape === null) shape = x.shape;
      else if (x.shape !== shape && (x.shape.length !== shape.length || x.shape.some((n, i) => n !== shape![i]))) same = false;
    }
    if (shape === null) return [];
    return same ? shape : broadcastAll(this.rec.name, inputs.map(shapeOf));
  }

  private wrap(out: DType): boolean { return out === 'bool' && this.rec.dtype !== 'bool'; }

  forward(inputs: readonly TensorLike[], params: readonly number[]): Tensor {
    const shape = this.shapeOf(inputs);
    const dtype = this.dtypeOf(inputs, params);
    const out = emptyOn(resultDevice(this.rec.name, inputs), dtype, shape);
    runExpr(this.rec.name, this.fwd, this.rec.forward, this.names, inputs, this.rec.params, params, out, this.wrap(dtype), this.keys[0]);
    if (this.rec.grads && isGradEnabled() && inputs.some(tracks)) {
      attachPure(out, this.rec.nodeName, inputs, (g, owned) => this.backward(g, inputs, out, params, owned), this.saved(inputs, out));
    }
    return out;
  }

  /** The tensors the gradients of the inputs that require grad will read. */
  private saved(inputs: readonly TensorLike[], out: Tensor): Tensor[] {
    const keep = new Set<Tensor>();
    this.rec.grads!.forEach((e, i) => {
      if (!e || !tracks(inputs[i])) return;
      for (const n of e.names) {
        const j = this.names.indexOf(n);
        const t = j >= 0 ? inputs[j] : n === 'out' ? out : null;
        if (t instanceof Tensor) keep.add(t);
      }
    });
    return [...keep];
  }

  /**
   * The gradient of each input that requires grad. When backward owns g's buffer (`gOwned`), the
   * last gradient computed is written into it (relu's backward then allocates nothing), unless
   * another input receives g itself.
   */
  backward(g: Tensor, inputs: readonly TensorLike[], out: Tensor, params: readonly number[], gOwned = false): (Tensor | null)[] {
    const operands: Operand[] = [g, ...inputs, ...Array(3 - inputs.length).fill(null), out];
    const passes = (i: number): boolean => this.identity[i]! || (this.scaleParam[i]! >= 0 && params[this.scaleParam[i]!] === 1);
    const needed = this.rec.grads!.map((e, i) => e !== null && tracks(inputs[i]));
    const last = needed.lastIndexOf(true);
    const reuse = gOwned && needed.every((n, i) => !n || !passes(i));
    return this.rec.grads!.map((e, i) => {
      if (!e || !needed[i]) return null;
      if (passes(i)) return g;
      const gi = reuse && i === last ? g : emptyLike(g);
      runExpr(this.rec.nodeName, this.bwd[i]!, e, GRAD_NAMES, operands, this.rec.params, params, gi, false, this.keys[i + 1]);
      return gi;
    });
  }

  /** self ← op(self, others…) in place: straight into self's storage unless autograd must record it. */
  inPlace(self: Tensor, others: readonly TensorLike[], params: readonly number[], opName: string): Tensor {
    const inputs = [self, ...others];
    if ((isGradEnabled() && (self.requiresGrad || others.some(tracks))) || others.some((o) => overlaps(self, o))) {
      return inPlace(self, opName, others, (src) => this.forward([src, ...others], params), (s, v) => { assignInPlace(opName, s, v); });
    }
    self.checkInPlace(opName);
    const dtype = this.dtypeOf(inputs, params);
    if (dtype !== self.dtype && promoteTypes(dtype, self.dtype) !== self.dtype)
      throw new DTypeError(`${opName}: result type ${dtype} can't be cast to the desired output type ${self.dtype} of the in-place op; use the out-of-place op, or convert the tensor first`);
    runExpr(opName, this.fwd, this.rec.forward, this.names, inputs, this.rec.params, params, self, this.wrap(self.dtype), this.keys[0]);
    self.markDirty();
    return self;
  }
}

/** Does o read memory that self writes, at other positions (so an in-place loop would read what it already wrote)? */
function overlaps(self: Tensor, o: TensorLike): boolean {
  if (!(o instanceof Tensor) || o.storage !== self.storage) return false;
  return !(o.offset === self.offset && o.shape.length === self.shape.length && o.shape.every((n, i) => n === self.shape[i] && o.strides[i] === self.strides[i]));
}

/** Writes `value` (broadcast) into `self` in place, refusing a lossy dtype change as PyTorch does. */
export function assignInPlace(op: string, self: Tensor, value: Tensor): Tensor {
  if (value.dtype !== self.dtype && promoteTypes(value.dtype, self.dtype) !== self.dtype)
    throw new DTypeError(`${op}: result type ${value.dtype} can't be cast to the desired output type ${self.dtype} of the in-place op; use the out-of-place op, or convert the tensor first`);
  if (!sameShape(broadcastAll(op, [self.shape, value.shape]), self.shape))
    throw new ShapeError(`${op}: an in-place result of shape ${fmt(value.shape)} does not fit into ${fmt(self.shape)}`);
  runExpr(op, copyLoops, COPY, ['x'], [value], [], [], self, false);
  self.markDirty();
  return self;
}

const registry = new Map<string, ElementwiseOp>();

/** Every op defined so far, in definition order (tests check each has a fixture and a gradcheck). */
export const opRecords = (): OpRecord[] => [...registry.values()].map((o) => o.rec);
/** The op of a record, by name. */
export const elementwiseOp = (name: string): ElementwiseOp | undefined => registry.get(name);

const method = (value: (this: Tensor, ...args: unknown[]) => Tensor): PropertyDescriptor => ({ value, writable: true, configurable: true });

/**
 * Defines an elementwise op from its record: returns the op function and installs x.name(...)
 * (and x.name_(...) unless the op gives bool or the record says inplace: false) on Tensor.
 */
export function defineOp<const S extends OpSpec>(spec: S): OpFunction<S> {
  if (registry.has(spec.name)) throw new OpError(`defineOp: an op named ${spec.name} is already defined`);
  const rec = checkRecord(spec);
  const op = new ElementwiseOp(rec);
  registry.set(rec.name, op);
  const { arity, name } = rec;
  const fn = (...args: unknown[]): Tensor => op.forward((args.length === arity ? args : args.slice(0, arity)) as TensorLike[], op.params(args, arity));
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  if (rec.method !== false) {
    if (name in P) throw new OpError(`defineOp: Tensor already has a method ${name}`);
    Object.defineProperty(P, name, method(function (this: Tensor, ...args: unknown[]) {
      return op.forward([this, ...args.slice(0, arity - 1)] as TensorLike[], op.params(args, arity - 1));
    }));
    if (rec.inplace ?? rec.dtype !== 'bool')
      Object.defineProperty(P, `${name}_`, method(function (this: Tensor, ...args: unknown[]) {
        return op.inPlace(this, args.slice(0, arity - 1) as TensorLike[], op.params(args, arity - 1), `${name}_`);
      }));
  }
  return fn as unknown as OpFunction<S>;
}

/** defineOp for each record of a table, keyed by name: { add: OpFunction<add's record>, ... }. */
export function defineOps<const T extends Record<string, OpSpec>>(table: T): { [K in keyof T]: OpFunction<T[K]> } {
  return Object.fromEntries(Object.entries(table).map(([k, spec]) => [k, defineOp(spec)])) as { [K in keyof T]: OpFunction<T[K]> };
}

// Strided writes of a value into a tensor go through the same loops.
const COPY = parseExpr('copy', 'x', ['x']);
const copyLoops = new Map<number, LoopKernel>();
