// Weidman's shape contracts: every forward and backward checks shapes and names both.
import { ShapeError, type Tensor } from '@groundup/tensor';

export function assertSameShape(where: string, a: Tensor, b: Tensor, what = ['first', 'second']): void {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i]))
    throw new ShapeError(`${where}: the ${what[0]} has shape [${a.shape}] but the ${what[1]} has shape [${b.shape}]; they must be the same`);
}
