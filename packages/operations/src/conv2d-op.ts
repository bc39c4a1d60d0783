// Conv2DOp (Weidman ch5): a batch, multichannel "same" convolution (stride 1, padding K//2,
// cross-correlation, no bias) with the book's parameter layout [C_in, C_out, K, K] (PyTorch's is
// [C_out, C_in, K, K]). It runs on the tensor conv kernels, which work as the book's Conv2D_Op
// does: im2col (each output position's C_in·K·K patch becomes a column), then one GEMM. The
// appendix lesson (book/dlfs/appendix) writes that im2col out by hand.
// The companion code's Conv2D_Op has two bugs in its backward; here both gradients are right:
//   1. its input gradient multiplies by the kernel unflipped (right only for symmetric kernels);
//      the input gradient is a "same" convolution of the output gradient with the kernel rotated
//      by 180°, which the backward-data kernel computes (as Wᵀ·G, then col2im);
//   2. its parameter gradient pairs patches in (position, batch) order with gradients in
//      (batch, position) order, so rows mis-pair whenever the batch has more than one image; the
//      backward-weight kernel multiplies each image's gradient by that image's own patches.
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, conv2dGeom, ShapeError, Tensor } from '@groundup/tensor';
import { ParamOperation } from './operation.ts';

/** A [.., .., K, K] kernel rotated by 180° (dims 2 and 3 reversed). */
export function flipKernel(w: Tensor): Tensor {
  const rev = (n: number): Tensor => Tensor.fromData(Int32Array.from({ length: n }, (_, i) => n - 1 - i), [n]);
  return w.indexSelect(2, rev(w.shape[2]!)).indexSelect(3, rev(w.shape[3]!));
}

export class Conv2DOp extends ParamOperation {
  constructor(W: Tensor) {
    super(W);
    const [, , kh, kw] = W.shape;
    if (W.ndim !== 4 || kh !== kw || kh! % 2 !== 1)
      throw new ShapeError(`Conv2DOp: the parameter must be [in_channels, out_channels, K, K] with K odd (for "same" output), got [${W.shape}]`);
  }

  get paramSize(): number { return this.param.shape[2]!; }
  get paramPad(): number { return this.paramSize >> 1; }
  /** The parameter in PyTorch's [C_out, C_in, K, K] layout, which the kernels take. */
  private get weight(): Tensor { return this.param.permute(1, 0, 2, 3).contiguous(); }

  protected computeOutput(): Tensor {
    const x = this.input;
    if (x.ndim !== 4 || x.shape[1] !== this.param.shape[0])
      throw new ShapeError(`Conv2DOp: expects input [batch, ${this.param.shape[0]}, H, W] for a parameter [${this.param.shape}], got [${x.shape}]`);
    return conv2d(x, this.weight, null, { padding: this.paramPad });
  }

  protected computeInputGrad(g: Tensor): Tensor {
    return conv2dBackwardInput(conv2dGeom(this.input, this.weight, { padding: this.paramPad }), g.contiguous(), this.weight);
  }

  protected computeParamGrad(g: Tensor): Tensor {
    const w = this.weight;
    return conv2dBackwardWeight(conv2dGeom(this.input, w, { padding: this.paramPad }), this.input, g.contiguous()).permute(1, 0, 2, 3).contiguous();
  }
}
