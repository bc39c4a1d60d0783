// In-place fills and random draws. Each bumps the storage version (autograd checks it).
import { DTypeError } from '@groundup/kernels';
import { allocate, requireFloating, toInt32 } from './dtype.ts';
import { Storage } from './storage.ts';
import { offsetsOf, writeStrided } from './iterate.ts';
import { defaultGenerator, type Generator } from './random/index.ts';
import { inPlace } from './autograd/inplace.ts';
import { Tensor } from './tensor.ts';
import { expand } from './views.ts';
import { fillCuda, runExprCuda, uploadTensor } from './device/cuda.ts';
import { parseExpr } from './ops/expr.ts';

const COPY = parseExpr('copy_', 'x', ['x']);
/** self ← v (broadcast) on the device; a CPU v is copied over first, as PyTorch's copy_ across devices. */
function writeCuda(self: Tensor, v: Tensor): void {
  runExprCuda('copy_', COPY, ['x'], [v.storage.block === null && v.ndim > 0 ? uploadTensor(v) : v], [], [], self, self.dtype === 'bool' && v.dtype !== 'bool');
}

/** An in-place fill turns a graph tensor into a constant: it keeps no history. */
function cut(t: Tensor): void {
  if (t.requiresGrad && !t.isLeaf) {
    t.gradFn = null;
    t.requiresGrad = false;
  }
}

function fillWith(t: Tensor, draw: () => number): Tensor {
  t.checkInPlace('fill');
  cut(t);
  if (t.storage.block !== null) {  // drawn on the CPU (the same values as there), then copied over
    const h = new Tensor(new Storage(allocate(t.dtype, t.numel())), t.shape, undefined, 0, t.dtype);
    const hd = h.data;
    for (let i = 0; i < hd.length; i++) hd[i] = draw();
    writeCuda(t, h);
    t.markDirty();
    return t;
  }
  const offs = offsetsOf(t.shape, t);
  const d = t.data;
  for (let i = 0; i < offs.length; i++) d[offs[i]!] = draw();
  t.markDirty();
  return t;
}

export function fill_(t: Tensor, value: number | boolean): Tensor {
  t.checkInPlace('fill_');
  cut(t);
  // Stored as the tensor's dtype would store it: bool as 0/1, int32 only when it fits (no wrap-around).
  const v = t.dtype === 'bool' ? +(Number(value) !== 0) : t.dtype === 'int32' ? toInt32('fill_', Number(value)) : Number(value);
  if (t.storage.block !== null) fillCuda(t, v);
  else if (t.isContiguous()) t.data.fill(v, t.offset, t.offset + t.numel());
  else writeStrided(t.shape, t, { data: new Float64Array([v]), strides: t.shape.map(() => 0), offset: 0 });
  t.markDirty();
  return t;
}
export const zero_ = (t: Tensor): Tensor => fill_(t, 0);

/** Copies src (broadcast to t's shape, any dtype) into t; differentiable with respect to src. */
export function copy_(t: Tensor, src: Tensor): Tensor {
  return inPlace(t, 'copy_', [src], () => expand(src.dtype === t.dtype ? src : src.to(t.dtype), t.shape), (self, v) => {
    if (self.storage.block !== null) writeCuda(self, v);
    else writeStrided(self.shape, self, v.storage.block !== null ? v.cpu() : v);
    self.markDirty();
  });
}

const floating = (op: string, t: Tensor): void => requireFloating(op, t.dtype);

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  floating('normal_', t);
  return fillWith(t, () => mean + std * generator.normal());
}
export function uniform_(t: Tensor, low = 0, high = 1, generator: Generator = defaultGenerator): Tensor {
  floating('uniform_', t);
  return fillWith(t, () => low + (high - low) * generator.random());
}
/** 1 with probability p, else 0. */
export function bernoulli_(t: Tensor, p = 0.5, generator: Generator = defaultGenerator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new DTypeError(`bernoulli_: p must be in [0, 1], got ${p}`);
  return fillWith(t, () => (generator.random() < p ? 1 : 0));
}
