// Parameter: a tensor that a Module collects into parameters() (ch19: "a tensor subclass with
// requires_grad set"). Wrapping shares the data and cuts any history: the parameter is a leaf.
import { AutogradError, DTypeError } from '@groundup/kernels';
import { formatTensor, ones, Tensor, zeros, type DType } from '@groundup/tensor';

export class Parameter extends Tensor {
  /** new Parameter(zeros(3, 4)): the same storage, as a leaf that requires grad (unless requiresGrad is false). */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new AutogradError(`Parameter: expects a Tensor, got ${typeof data}; wrap the values with tensor(...) first`);
    if (requiresGrad && data.dtype !== 'float32' && data.dtype !== 'float64')
      throw new DTypeError(`Parameter: only floating-point tensors can require gradients, this one is ${data.dtype}; call .float() first, or pass requiresGrad = false`);
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    this.requiresGrad = requiresGrad;
  }

  /** Prints like PyTorch: `Parameter containing:` then the tensor. */
  override toString(): string {
    return `Parameter containing:\n${formatTensor(this, this.requiresGrad ? ['requires_grad=True'] : [])}`;
  }
}

/** A norm layer's affine pair as PyTorch resets it: weight ones and bias zeros of this shape, or nulls without affine. */
export function affineParameters(shape: readonly number[], affine: boolean, dtype: DType): [Parameter | null, Parameter | null] {
  return affine ? [new Parameter(ones([...shape], { dtype })), new Parameter(zeros([...shape], { dtype }))] : [null, null];
}
