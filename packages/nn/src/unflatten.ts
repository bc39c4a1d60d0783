// Unflatten(dim, unflattenedSize): the inverse of Flatten, [N, C·H·W] → [N, C, H, W] with
// unflattenedSize [C, H, W] (one entry may be −1).
import { ShapeError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { Module } from './module.ts';

export class Unflatten extends Module<[Tensor], Tensor> {
  readonly unflattenedSize: readonly number[];
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    this.unflattenedSize = [...unflattenedSize];
    if (this.unflattenedSize.length === 0 || this.unflattenedSize.some((n) => !Number.isInteger(n) || n < -1) || this.unflattenedSize.filter((n) => n === -1).length > 1)
      throw new ShapeError(`Unflatten: unflattenedSize must be non-negative integers with at most one -1, got [${this.unflattenedSize.join(', ')}]`);
  }
  override forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (!Number.isInteger(d) || d < 0 || d >= x.ndim) throw new ShapeError(`Unflatten: dim ${this.dim} is out of range for an input of shape [${x.shape.join(', ')}]`);
    const n = x.shape[d]!, sizes = [...this.unflattenedSize];
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const free = sizes.indexOf(-1);
    if (free >= 0 && known > 0 && n % known === 0) sizes[free] = n / known;
    if (sizes.reduce((a, b) => a * b, 1) !== n || sizes.includes(-1))
      throw new ShapeError(`Unflatten: sizes [${this.unflattenedSize.join(', ')}] do not multiply to ${n}, the size of dim ${d} of the input [${x.shape.join(', ')}]`);
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string { return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(', ')}${this.unflattenedSize.length === 1 ? ',' : ''})`; }
}
