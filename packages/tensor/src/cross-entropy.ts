// Cross-entropy and negative log-likelihood over class indices as one op each: a single pass per
// item computes log-softmax (from logits) and picks the target's term, and the backward writes
// (softmax − onehot)·w·coefficient straight into the input's gradient, with label smoothing and
// class weights folded in. Nothing of size [N, C] is kept but the input itself.
//   item loss = (1 − ε)·(−w[t]·logp[t]) + (ε/C)·(−Σ_c w[c]·logp[c])      (ε: label smoothing)
//   mean = Σ items / Σ w[t] over the items not ignored (PyTorch's: NaN when all are ignored;
//   their gradient is 0, as PyTorch's is).
import { DTypeError, IndexError, ShapeError } from '@groundup/kernels';
import { allocate } from './dtype.ts';
import { offsetsOf } from './iterate.ts';
import { Storage } from './storage.ts';
import { attachPure } from './autograd/node.ts';
import { Tensor } from './tensor.ts';
import { resultDevice } from './device/cuda.ts';
import { cudaClassLoss } from './device/class-loss.ts';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ClassLossOptions {
  reduction: Reduction;
  weight: Tensor | null;
  ignoreIndex: number;
  labelSmoothing: number;
}

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/** The per-item geometry: where each item's C class values start and how far apart they are. */
interface Items { bases: Int32Array; classStride: number; C: number; itemShape: number[] }

function itemsOf(t: Tensor): Items {
  if (t.ndim === 1) return { bases: Int32Array.of(t.offset), classStride: t.strides[0]!, C: t.shape[0]!, itemShape: [] };
  const first = t.select(1, 0);
  return { bases: offsetsOf(first.shape, first), classStride: t.strides[1]!, C: t.shape[1]!, itemShape: [...first.shape] };
}

/** Checks the target of a class-index loss: int32 indices shaped like the input without its class dim. */
export function checkClassTarget(op: string, input: Tensor, target: Tensor): void {
  if (input.ndim === 0) throw new ShapeError(`${op}: the input must be [C], [N, C] or [N, C, d1, ...], got a scalar`);
  const itemShape = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  const fits = target.shape.length === itemShape.length && target.shape.every((n, i) => n === itemShape[i]);
  if (target.dtype !== 'int32') {
    const asFloat = target.dtype === 'float32' || target.dtype === 'float64';
    throw new DTypeError(`${op}: class-index targets must be an int32 tensor (PyTorch's Long), got ${target.dtype}${fits && asFloat ? ' with the shape of class indices' : ''}; ` +
      `JS numbers become float32 by default, so build labels with tensor(labels, { dtype: 'int32' }) or call .long() on them` +
      (op === 'crossEntropy' ? `; for class probabilities pass a float target of the input's shape ${shp(input)}` : ''));
  }
  if (!fits) {
    const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
    throw new ShapeError(`${op}: for input ${shp(input)} (${C} classes on dim ${input.ndim === 1 ? 0 : 1}) the target must have shape [${itemShape.join(', ')}], got ${shp(target)}`);
  }
}

/**
 * The fused loss over class indices: from logits (crossEntropy: log-softmax inside) or from
 * log-probabilities (nllLoss). Returns the reduced loss, or the per-item losses for 'none'.
 */
export function classLoss(op: 'crossEntropy' | 'nllLoss', input: Tensor, target: Tensor, opts: ClassLossOptions, fromLogits: boolean): Tensor {
  checkClassTarget(op, input, target);
  const { reduction, weight, ignoreIndex, labelSmoothing: eps } = opts;
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`${op}: the class weight must have shape [${C}], got ${shp(weight)}`);
  if (resultDevice(op, [input, target, weight]) === 'cuda') return cudaClassLoss(input, target, opts, fromLogits);
  const { bases, classStride: cs, itemShape } = itemsOf(input);
  const w = weight ? Float64Array.from(weight.detach().contiguous().dataSync() as ArrayLike<number>) : null;
  const W = w ? w.reduce((a, b) => a + b, 0) : C;
  const t = target.contiguous().dataSync() as Int32Array;
  const M = bases.length, x = input.data;
  const lse = new Float64Array(M), items = new Float64Array(M);
  let denom = 0;
  for (let i = 0; i < M; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) { lse[i] = NaN; continue; }
    if (c < 0 || c >= C) throw new IndexError(`${op}: target ${c} (item ${i}) is out of bounds for ${C} classes; targets must be in [0, ${C})${ignoreIndex < 0 || ignoreIndex >= C ? ` or equal ignoreIndex ${ignoreIndex}` : ''}`);
    const b = bases[i]!;
    let l = 0;
    if (fromLogits) {
      let m = -Infinity;
      for (let k = 0, p = b; k < C; k++, p += cs) { const v = x[p]!; if (v > m || v !== v) m = v; }
      if (m === m && m !== Infinity && m !== -Infinity) {
        let s = 0;
        for (let k = 0, p = b; k < C; k++, p += cs) s += Math.exp(x[p]! - m);
        l = m + Math.log(s);
      } else l = m;
    }
    lse[i] = l;
    const wt = w ? w[c]! : 1;
    let item = (1 - eps) * -wt * (x[b + c * cs]! - l);
    if (eps > 0) {
      let sm = 0;
      for (let k = 0, p = b; k < C; k++, p += cs) sm += (w ? w[k]! : 1) * (x[p]! - l);
      item += (eps / C) * -sm;
    }
    items[i] = item;
    denom += wt;
  }
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(new Storage(allocate(input.dtype, M)), itemShape, undefined, 0, input.dtype);
    out.data.set(items);
  } else {
    let total = 0;
    for (let i = 0; i < M; i++) total += items[i]!;
    out = new Tensor(new Storage(allocate(input.dtype, 1)), [], undefined, 0, input.dtype);
    out.data[0] = reduction === 'mean' ? total / denom : total;
  }
  return attachPure(out, 'NllLossBackward0', [input], (g) => {
    const gx = new Tensor(new Storage(allocate(input.dtype, input.numel())), input.shape, undefined, 0, input.dtype);
    const { bases: gb, classStride: gs } = itemsOf(gx);
    const gd = g.contiguous(), gv = gd.data, go = gd.offset, out = gx.data;
    for (let i = 0; i < M; i++) {
      const c = t[i]!;
      if (c === ignoreIndex) continue;
      const coef = reduction === 'none' ? gv[go + i]! : reduction === 'mean' ? gv[go]! / denom : gv[go]!;
      const wt = w ? w[c]! : 1, b = bases[i]!, o = gb[i]!, l = lse[i]!;
      if (fromLogits) {
        // d item / d x_k = (1 − ε)·w_t·(p_k − δ_kt) + (ε/C)·(W·p_k − w_k)
        for (let k = 0, p = b, q = o; k < C; k++, p += cs, q += gs) {
          const pk = Math.exp(x[p]! - l);
          out[q] = coef * ((1 - eps) * wt * (pk - (k === c ? 1 : 0)) + (eps > 0 ? (eps / C) * (W * pk - (w ? w[k]! : 1)) : 0));
        }
      } else out[o + c * gs] = coef * -wt;
    }
    return [gx];
  }, [input]);
}
