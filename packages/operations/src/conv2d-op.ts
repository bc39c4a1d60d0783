// Conv2DOp (Weidman ch5): a batch, multichannel "same" convolution (stride 1, padding K//2,
// cross-correlation, no bias) with the book's parameter layout [C_in, C_out, K, K] (PyTorch's is
// [C_out, C_in, K, K]). The forward is im2col: every output position's C_in·K·K patch becomes a
// column (tensor's unfold, the im2col kernel), then one matrix multiplication with the parameter.
// The companion code's version has two bugs in its backward, fixed here as the chapter's checks show:
//   1. its input gradient uses the kernel unflipped (right only for symmetric kernels);
//   2. its parameter gradient pairs patches in (position, batch) order with gradients in
//      (batch, position) order, so the rows mis-pair whenever the batch has more than one image.
import { cat, conv2d, ShapeError, Tensor, unfold } from '@groundup/tensor';
import { ParamOperation } from './operation.ts';

/** The most patch values one im2col matrix holds; bigger batches (e.g. a test set) go in chunks. */
const PATCH_BUDGET = 1 << 22;

/** x with dims 2 and 3 reversed: the kernel rotated by 180°. */
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

  /** The im2col matrices of the input, [n, C_in·K·K, H·W], for consecutive chunks of the batch. */
  private *patches(x: Tensor): Generator<[start: number, cols: Tensor]> {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const per = Math.max(1, Math.floor(PATCH_BUDGET / (c * this.paramSize * this.paramSize * h * w)));
    for (let s = 0; s < n; s += per) yield [s, unfold(x.narrow(0, s, Math.min(per, n - s)), this.paramSize, { padding: this.paramPad })];
  }

  protected computeOutput(): Tensor {
    const x = this.input;
    if (x.ndim !== 4 || x.shape[1] !== this.param.shape[0])
      throw new ShapeError(`Conv2DOp: expects input [batch, ${this.param.shape[0]}, H, W] for a parameter [${this.param.shape}], got [${x.shape}]`);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const cOut = this.param.shape[1]!;
    // [C_out, C_in·K·K], its columns in unfold's (channel, row, column) order.
    const wMat = this.param.permute(1, 0, 2, 3).reshape(cOut, -1);
    const outs = [...this.patches(x)].map(([, cols]) => wMat.matmul(cols));
    return (outs.length === 1 ? outs[0]! : cat(outs, 0)).view(n, cOut, h, w);
  }

  /** Fix 1: a "same" convolution of the output gradient with the flipped kernel. In the book's layout
   *  the parameter already maps C_out → C_in, so it is that convolution's weight as it stands. */
  protected computeInputGrad(g: Tensor): Tensor {
    return conv2d(g, flipKernel(this.param), null, { padding: this.paramPad });
  }

  /** Fix 2: each image's gradient [C_out, H·W] times that image's patches transposed, summed over the batch. */
  protected computeParamGrad(g: Tensor): Tensor {
    const [cIn, cOut, k] = this.param.shape as [number, number, number];
    const gFlat = g.reshape(g.shape[0]!, cOut, -1);
    let sum: Tensor | null = null;
    for (const [s, cols] of this.patches(this.input)) {
      const part = gFlat.narrow(0, s, cols.shape[0]!).matmul(cols.transpose(1, 2)).sum(0);
      sum = sum ? sum.add(part) : part;
    }
    return sum!.view(cOut, cIn, k, k).permute(1, 0, 2, 3).contiguous();
  }
}
