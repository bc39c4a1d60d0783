// Embedding(numEmbeddings, embeddingDim): a lookup table, weight [n, dim] drawn from N(0, 1) as in
// PyTorch (the paddingIdx row starts at zero and gets no gradient). Forward gathers rows; backward
// scatter-adds into them (ch8: the same as a one-hot matmul, without the matmul).
import { empty, noGrad, type DType, type Tensor } from '@groundup/tensor';
import { embedding } from './functional/embedding.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';

export interface EmbeddingLayerOptions { paddingIdx?: number | null; dtype?: DType }

export class Embedding extends Module<[Tensor], Tensor> {
  readonly paddingIdx: number | null;
  weight: Parameter;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingLayerOptions = {}) {
    super();
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const)
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Embedding: ${k} must be a non-negative integer, got ${v}`);
    const p = opts.paddingIdx ?? null;
    if (p !== null && !(Number.isInteger(p) && p >= -numEmbeddings && p < numEmbeddings))
      throw new RangeError(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings}), got ${p}`);
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' }));
    this.resetParameters();
  }
  resetParameters(): void {
    init.normal_(this.weight);
    const p = this.paddingIdx;
    if (p !== null) noGrad(() => this.weight.at(p).zero_());
  }
  override forward(idx: Tensor): Tensor {
    return embedding(idx, this.weight, { paddingIdx: this.paddingIdx });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
