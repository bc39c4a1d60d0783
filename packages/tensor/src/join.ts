// cat, stack and oneHot.
import { IndexError, ShapeError } from '@groundup/kernels';
import { allocate, promoteTypes } from './dtype.ts';
import { copyStrided } from './iterate.ts';
import { fmt, normalizeDim } from './shape.ts';
import { Storage } from './storage.ts';
import { attachPure } from './autograd/node.ts';
import { Tensor } from './tensor.ts';
import { unsqueeze } from './views.ts';
import { cudaEmpty, resultDevice } from './device/cuda.ts';
import { assignInPlace } from './ops/define.ts';

/** Concatenates along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  // PyTorch skips 1-D empty tensors in cat (a legacy rule many loops rely on).
  const ts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (ts.length === 0) return tensors[0]!.clone();
  const ref = ts[0]!;
  const d = normalizeDim('cat', dim, ref.ndim);
  ts.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((n, k) => k !== d && n !== ref.shape[k]))
      throw new ShapeError(`cat: sizes must match except in dim ${d}: tensor 0 has shape ${fmt(ref.shape)} but tensor ${i} has shape ${fmt(t.shape)}`);
  });
  const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
  const shape = [...ref.shape];
  shape[d] = ts.reduce((a, t) => a + t.shape[d]!, 0);
  const sizes = ts.map((t) => t.shape[d]!);
  const grad = (r: Tensor): Tensor => attachPure(r, 'CatBackward0', ts, (g) => {
    let start = 0;
    return sizes.map((n) => g.narrow(d, (start += n) - n, n));
  });
  if (resultDevice('cat', ts) === 'cuda') {  // each piece copied into its slice of the result on the device
    const r = cudaEmpty(dtype, shape);
    let at = 0;
    for (const t of ts) { assignInPlace('cat', r.detach().narrow(d, at, t.shape[d]!), t); at += t.shape[d]!; }
    return grad(r);
  }
  const outer = ref.shape.slice(0, d).reduce((a, b) => a * b, 1);
  const rowLen = shape.slice(d).reduce((a, b) => a * b, 1);
  const out = allocate(dtype, outer * rowLen);
  let col = 0;
  for (const t of ts) {
    const part = t.dtype === dtype ? t : t.to(dtype);
    const chunk = t.shape.slice(d).reduce((a, b) => a * b, 1);
    const tmp = allocate(dtype, part.numel());
    copyStrided(part.shape, part, tmp);
    for (let o = 0; o < outer; o++) out.set(tmp.subarray(o * chunk, (o + 1) * chunk), o * rowLen + col);
    col += chunk;
  }
  return grad(new Tensor(new Storage(out), shape, undefined, 0, dtype));
}

/** Joins along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack: expected a non-empty list of tensors');
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((n, k) => n !== ref.shape[k]))
      throw new ShapeError(`stack: every tensor must have the same shape, but tensor 0 is ${fmt(ref.shape)} and tensor ${i} is ${fmt(t.shape)}`);
  });
  const d = normalizeDim('stack', dim, ref.ndim, 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** F.one_hot: int indices [...] → int32 [..., numClasses]. */
export function oneHot(t: Tensor, numClasses = -1): Tensor {
  if (t.dtype !== 'int32') throw new IndexError(`oneHot: expects an int tensor of class indices, got ${t.dtype}; call .long() first`);
  const vals = t.contiguous();
  const flat = vals.data.subarray(vals.offset, vals.offset + t.numel());
  let n = numClasses;
  if (n < 0) { n = 0; for (const c of flat) if (c + 1 > n) n = c + 1; } // no Math.max(...flat): it overflows the stack past ~100k values
  const out = new Int32Array(flat.length * n);
  flat.forEach((c, i) => {
    if (c < 0 || c >= n) throw new IndexError(`oneHot: class value ${c} is outside [0, ${n}) (numClasses ${n})`);
    out[i * n + c] = 1;
  });
  return Tensor.fromData(out, [...t.shape, n]);
}
