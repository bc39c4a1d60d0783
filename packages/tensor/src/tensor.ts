// The strided tensor: a Storage plus shape, strides and offset. Views share storage. Ops live in
// their own files and are attached as methods in methods.ts, so a book line reads like PyTorch.
import { AutogradError, ShapeError } from '@groundup/kernels';
import { runBackward, type BackwardOptions } from './autograd/engine.ts';
import { isGradEnabled } from './autograd/grad-mode.ts';
import { attachPure, type Node } from './autograd/node.ts';
import { checkDevice, isDeviceName, type Device } from './device.ts';
import { copyOnDevice, downloadTensor, fillCuda, emptyLike, uploadTensor } from './device/cuda.ts';
import { allocate, dtypeOfArray, resolveDType, toInt32, type DType, type DTypeName, type TypedArray } from './dtype.ts';
import { copyStrided, unaryLoop, type Strided } from './iterate.ts';
import { contiguousStrides, fmt, numelOf, type Shape } from './shape.ts';
import { Storage } from './storage.ts';

export type NestedArray = number | boolean | readonly NestedArray[];

const NO_HOOKS: readonly ((grad: Tensor) => Tensor | void)[] = Object.freeze([]);

export class Tensor implements Strided {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** The tensor this one is a view of (null when it owns its storage's layout). */
  readonly base: Tensor | null = null;

  // Autograd state (see autograd/): leaves hold .grad; results of recorded ops hold .gradFn.
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: Node | null = null;
  retainsGrad = false;
  /** Gradient hooks of a leaf (a non-leaf's hooks live on its gradFn); registerHook adds them. */
  hooks: readonly ((grad: Tensor) => Tensor | void)[] = NO_HOOKS;

  /**
   * Takes `shape` and `strides` as they are (no copy: every op makes fresh arrays, and a tensor
   * is made per op); Tensor.fromData and the creation functions copy what a caller passes in.
   */
  constructor(storage: Storage, shape: Shape, strides?: Shape, offset = 0, dtype?: DType) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtype ?? dtypeOfArray(storage.data); // a CUDA storage always comes with its dtype
  }

  /** A new contiguous tensor over `data` (which it takes, not copies). */
  static fromData(data: TypedArray, shape: Shape): Tensor {
    if (numelOf(shape) !== data.length) throw new ShapeError(`Tensor.fromData: shape ${fmt(shape)} needs ${numelOf(shape)} elements, got ${data.length}`);
    return new Tensor(new Storage(data), [...shape]);
  }

  /** A view of the same storage with other geometry (the arrays are taken, not copied). */
  asStrided(shape: Shape, strides: Shape, offset: number): Tensor {
    const v = new Tensor(this.storage, shape, strides, offset, this.dtype);
    (v as { base: Tensor | null }).base = this.base ?? this;
    return v;
  }

  get data(): TypedArray { return this.storage.data; }
  get ndim(): number { return this.shape.length; }
  dim(): number { return this.shape.length; }
  numel(): number { return numelOf(this.shape); }
  size(dim?: number): number | number[] { return dim === undefined ? [...this.shape] : this.shape[dim < 0 ? dim + this.ndim : dim]!; }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] { return dim === undefined ? [...this.strides] : this.strides[dim < 0 ? dim + this.ndim : dim]!; }
  storageOffset(): number { return this.offset; }
  /** The values of the whole storage behind this view (ch17: a 3×3 broadcast view holds 3 floats). */
  untypedStorage(): number[] {
    const s = this.storage;
    if (s.block === null) return Array.from(s.data);
    return Array.from(downloadTensor(new Tensor(s, [s.length], [1], 0, this.dtype)).data);
  }
  dataPtrEquals(other: Tensor): boolean { return this.storage === other.storage; }

  isContiguous(): boolean {
    if (this.numel() === 0) return true;
    let expect = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const n = this.shape[i]!;
      if (n === 1) continue;
      if (this.strides[i] !== expect) return false;
      expect *= n;
    }
    return true;
  }

  /** A contiguous tensor with the same values: this one when it already is. */
  contiguous(): Tensor {
    if (this.isContiguous()) return this;
    return this.clone();
  }

  /** A contiguous copy of the data (differentiable). */
  clone(): Tensor {
    if (this.storage.block !== null) return attachPure(copyOnDevice(this), 'CloneBackward0', [this], (g) => [g]);
    const out = allocate(this.dtype, this.numel());
    copyStrided(this.shape, this, out);
    return attachPure(new Tensor(new Storage(out), this.shape, undefined, 0, this.dtype), 'CloneBackward0', [this], (g) => [g]);
  }

  /** The values in row-major order, as a fresh typed array of this dtype. */
  dataSync(): TypedArray {
    if (this.storage.block !== null) return downloadTensor(this).data;
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.numel()) return this.storage.data.slice();
    return this.clone().storage.data;
  }

  /** The elements in row-major order as JS numbers (booleans for bool). */
  toFlatArray(): (number | boolean)[] {
    const d = this.dataSync();
    return this.dtype === 'bool' ? Array.from(d, (v) => v !== 0) : Array.from(d);
  }

  /** Nested JS arrays, like PyTorch's tolist(). */
  toArray(): NestedArray {
    const flat = this.toFlatArray();
    if (this.ndim === 0) return flat[0]!;
    let i = 0;
    const build = (d: number): NestedArray[] =>
      Array.from({ length: this.shape[d]! }, () => (d === this.ndim - 1 ? flat[i++]! : build(d + 1)));
    return build(0);
  }
  tolist(): NestedArray { return this.toArray(); }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new ShapeError(`item: only a one-element tensor converts to a number, this one has shape ${fmt(this.shape)} (${this.numel()} elements); reduce it first, e.g. .sum() or .mean()`);
    if (this.storage.block !== null) return downloadTensor(this).data[0]!;
    return this.storage.data[this.offset]!;
  }

  /** Where the tensor lives: 'cpu', or 'cuda' for a tensor whose storage is on the GPU. */
  get device(): Device { return this.storage.block !== null ? 'cuda' : 'cpu'; }
  get isCuda(): boolean { return this.storage.block !== null; }
  /** This tensor on the CPU (itself when it is there): copies from the device and synchronises. */
  cpu(): Tensor { return this.to('cpu'); }
  /** This tensor on the GPU (itself when it is there); a DeviceError with the reason when there is none. */
  cuda(): Tensor { checkDevice('cuda', 'cuda', 'cuda()'); return this.to('cuda'); }

  /**
   * A copy in another dtype or on another device (this tensor itself when nothing changes), as
   * PyTorch's to(). 'int64' and 'long' mean int32; a float that does not fit int32 throws a
   * DTypeError rather than wrapping. to('cuda') without a GPU throws a DeviceError with the reason.
   * The copy is differentiable: gradients flow back to the source device.
   */
  to(target: DTypeName | Device): Tensor {
    if (target === this.dtype) return this;
    if (isDeviceName(target)) {
      const want = checkDevice('to', target);
      if (want === this.device) return this;
      const moved = want === 'cuda' ? uploadTensor(this) : downloadTensor(this);
      return attachPure(moved, 'ToCopyBackward0', [this], (g) => [g.to(this.device)]);
    }
    const dtype = resolveDType('to', target);
    if (dtype === this.dtype) return this;
    let r: Tensor;
    if (this.storage.block !== null) {
      if (dtype === 'int32' && (this.dtype === 'float32' || this.dtype === 'float64')) checkInt32Range(this);
      r = copyOnDevice(this, dtype);
    } else {
      const out = allocate(dtype, this.numel());
      if (dtype === 'bool') unaryLoop(this.shape, this, out, (x) => (x !== 0 ? 1 : 0));
      else if (dtype === 'int32' && (this.dtype === 'float32' || this.dtype === 'float64')) unaryLoop(this.shape, this, out, (x) => toInt32('to(int32)', x));
      else copyStrided(this.shape, this, out);
      r = new Tensor(new Storage(out), this.shape, undefined, 0, dtype);
    }
    const from = this.dtype;
    return dtype === 'float32' || dtype === 'float64' ? attachPure(r, 'ToCopyBackward0', [this], (g) => [g.to(from)]) : r;
  }
  /**
   * Moves this tensor's values to another device in place: the object stays (and its .grad moves
   * too), so Module.to('cuda') keeps its Parameter objects and an optimizer built before still
   * holds them. Views of the old storage keep the old values.
   */
  moveTo_(device: Device): this {
    const want = checkDevice('moveTo_', device);
    if (want === this.device) return this;
    const moved = want === 'cuda' ? uploadTensor(this) : downloadTensor(this);
    const self = this as { storage: Storage; strides: readonly number[]; offset: number; base: Tensor | null };
    self.storage = moved.storage;
    self.strides = moved.strides;
    self.offset = 0;
    self.base = null;
    if (this.grad) this.grad = this.grad.to(want);
    return this;
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  int(): Tensor { return this.to('int32'); }
  /** int64 in PyTorch; int32 here (labels and indices). */
  long(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  type(): string { return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' }[this.dtype]; }

  // ---- autograd ----
  get isLeaf(): boolean { return this.gradFn === null; }

  /** Marks a leaf as needing gradients: ops on it are recorded, and backward() fills .grad. */
  requiresGrad_(on = true): this {
    if (on && this.dtype !== 'float32' && this.dtype !== 'float64')
      throw new AutogradError(`requiresGrad_: only floating-point tensors can require gradients, this one is ${this.dtype}; call .float() first`);
    if (!this.isLeaf && !on)
      throw new AutogradError(`requiresGrad_(false): this tensor is the result of ${this.gradFn} and not a leaf; use detach() to get a tensor without history`);
    this.requiresGrad = on;
    return this;
  }

  /** Computes the gradients of this tensor with respect to the leaves and adds them into their .grad. */
  backward(gradient?: Tensor | null, opts: BackwardOptions = {}): void {
    runBackward(this, gradient, opts);
  }

  /** The same data, cut from the graph (no gradFn, no requiresGrad). */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }

  /** Keeps .grad on this non-leaf tensor after backward (accumulating, like a leaf's). */
  retainGrad(): this {
    if (!this.requiresGrad || this.isLeaf || this.retainsGrad) return this;
    this.retainsGrad = true;
    this.gradFn!.hooks.push((g) => { this.grad = this.grad ? this.grad.add(g) : g.clone(); });
    return this;
  }

  /** hook(grad) runs when this tensor's gradient is computed; it may return a replacement. */
  registerHook(hook: (grad: Tensor) => Tensor | void): { remove(): void } {
    if (!this.requiresGrad) throw new AutogradError("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    if (this.gradFn) {
      const list = this.gradFn.hooks;
      list.push(hook);
      return { remove: () => { const i = list.indexOf(hook); if (i >= 0) list.splice(i, 1); } };
    }
    this.hooks = [...this.hooks, hook];
    return { remove: () => { this.hooks = this.hooks.filter((h) => h !== hook); } };
  }

  /** Ones of this shape and dtype: the implicit gradient of a scalar. */
  onesLikeForGrad(): Tensor {
    if (this.storage.block !== null) return fillCuda(emptyLike(this), 1);
    const d = allocate(this.dtype, this.numel());
    d.fill(1);
    return new Tensor(new Storage(d), this.shape, undefined, 0, this.dtype);
  }

  /** Refuses an in-place write that would corrupt autograd: on a leaf that requires grad, or on a view of one. */
  checkInPlace(op: string): void {
    if (!isGradEnabled()) return;
    const root = this.base ?? this;
    if (this.requiresGrad && this.isLeaf)
      throw new AutogradError(`${op}: a leaf tensor that requires grad (shape [${this.shape}]) cannot be modified in place; wrap the update in noGrad(() => ...), as the book's SGD step does, or use the out-of-place op`);
    if (this.base && root.requiresGrad && root.isLeaf)
      throw new AutogradError(`${op}: a view of a leaf tensor that requires grad is being modified in place; wrap it in noGrad(() => ...)`);
    if (this.base && (root.requiresGrad || this.requiresGrad))
      throw new AutogradError(`${op}: in-place modification of a view of a tensor that requires grad is not supported; write through the base tensor with setAt(), or use out-of-place ops`);
  }

  /** Bumps the storage's version after an in-place write (autograd checks it). */
  markDirty(): void { this.storage.version++; }
  get version(): number { return this.storage.version; }
}

/** to(int32) of a CUDA float tensor: every value must fit int32 (checked on the host copy, as the CPU path checks). */
function checkInt32Range(t: Tensor): void {
  const d = downloadTensor(t).data;
  for (let i = 0; i < d.length; i++) toInt32('to(int32)', d[i]!);
}
