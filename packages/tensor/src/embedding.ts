// F.embedding: rows of the weight picked by integer indices (a gather); the backward adds each
// output row's gradient into the row it came from (a scatter-add), skipping paddingIdx.
import { DTypeError, IndexError, ShapeError } from '@groundup/kernels';
import { attachPure } from './autograd/node.ts';
import { Tensor } from './tensor.ts';
import { resultDevice } from './device/cuda.ts';
import { cudaIndexSelect } from './device/index-ops.ts';

export interface EmbeddingOptions { paddingIdx?: number | null }

/** input: int32 indices of any shape; weight [numEmbeddings, dim] → [...input.shape, dim]. */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== 'int32') throw new DTypeError(`embedding: the indices must be an int32 tensor (PyTorch's Long), got ${input.dtype}; call .long() first`);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: the weight must be 2-D [numEmbeddings, embeddingDim], got [${weight.shape}]`);
  const [V, D] = weight.shape as [number, number];
  const pad = opts.paddingIdx == null ? -1 : opts.paddingIdx < 0 ? opts.paddingIdx + V : opts.paddingIdx;
  if (resultDevice('embedding', [input, weight]) === 'cuda')  // rows gathered on the device; indices checked there
    return cudaIndexSelect(weight, 0, input.reshape([-1]), pad).reshape([...input.shape, D]);
  const idx = Int32Array.from(input.contiguous().dataSync() as Int32Array);
  for (let i = 0; i < idx.length; i++)
    if (idx[i]! < 0 || idx[i]! >= V) throw new IndexError(`embedding: index ${idx[i]} (element ${i} of the input) is out of range for ${V} embeddings; indices must be in [0, ${V})`);
  const w = weight.contiguous(), wd = w.data, wo = w.offset;
  const out = weight.dtype === 'float64' ? new Float64Array(idx.length * D) : new Float32Array(idx.length * D);
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < D; j++) out[i * D + j] = wd[wo + idx[i]! * D + j]!;
  return attachPure(Tensor.fromData(out, [...input.shape, D]), 'EmbeddingBackward0', [weight], (g) => {
    const gc = g.contiguous(), gd = gc.data, go = gc.offset;
    const gw = weight.dtype === 'float64' ? new Float64Array(V * D) : new Float32Array(V * D);
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i]!;
      if (r === pad) continue;
      for (let j = 0; j < D; j++) gw[r * D + j]! += gd[go + i * D + j]!;
    }
    return [Tensor.fromData(gw, [V, D])];
  });
}
