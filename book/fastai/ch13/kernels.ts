// fastai ch13's hand-made 3×3 kernels and the convolution written out by hand: apply_kernel at one
// pixel, the nested loop over the grid, and convolution as a matrix product with a sparse,
// weight-shared matrix (the chapter's figure). Shared by the lesson and the chapter test.
import { fromArray, stack, tensor, zeros, type Tensor } from 'groundup';

/** Dark above, light below: responds to top edges. */
export const topEdge = tensor([[-1, -1, -1], [0, 0, 0], [1, 1, 1]]);
/** Dark on the left, light in the middle (the book prints it with an extra bracket level). */
export const leftEdge = tensor([[-1, 1, 0], [-1, 1, 0], [-1, 1, 0]]);
export const diag1Edge = tensor([[0, -1, 1], [-1, 1, 0], [1, 0, 0]]);
export const diag2Edge = tensor([[1, -1, 0], [0, 1, -1], [0, 0, 1]]);
/** The four stacked and given an input-channel axis: [4, 1, 3, 3], as F.conv2d wants. */
export const edgeKernels = (): Tensor => stack([topEdge, leftEdge, diag1Edge, diag2Edge]).unsqueeze(1);

/** apply_kernel(row, col, kernel): the 3×3 window centred at (row, col) times the kernel, summed. */
export function applyKernel(im: Tensor, row: number, col: number, kernel: Tensor): number {
  return im.at(`${row - 1}:${row + 2}`, `${col - 1}:${col + 2}`).mul(kernel).sum().item();
}

/** The book's nested list comprehension: apply_kernel at every row and column 1..26 → a 26×26 map. */
export function kernelMap(im: Tensor, kernel: Tensor): Tensor {
  const [h, w] = im.shape as [number, number];
  const rows: number[][] = [];
  for (let i = 1; i < h - 1; i++) {
    const r: number[] = [];
    for (let j = 1; j < w - 1; j++) r.push(applyKernel(im, i, j, kernel));
    rows.push(r);
  }
  return tensor(rows);
}

/** The output size of a convolution along one axis: (n + 2·pad − ks) // stride + 1. */
export const convOutSize = (n: number, ks: number, stride = 1, pad = 0): number => Math.floor((n + 2 * pad - ks) / stride) + 1;

/**
 * A convolution as a matrix product: the [outH·outW, H·W] matrix whose row k holds the kernel's
 * weights at the input pixels output k sees (zeros elsewhere: sparse, and every row shares the
 * same weights). The flat image times its transpose is the convolution (stride 1, no padding).
 */
export function convMatrix(kernel: Tensor, h: number, w: number): Tensor {
  const [kh, kw] = kernel.shape as [number, number];
  const oh = h - kh + 1, ow = w - kw + 1;
  const k = kernel.contiguous().toFlatArray() as number[];
  const d = new Float32Array(oh * ow * h * w);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) d[(i * ow + j) * h * w + (i + a) * w + (j + b)] = k[a * kw + b]!;
  return fromArray(d, [oh * ow, h * w]);
}

/**
 * The receptive field of one output pixel, measured: the gradient of that pixel with respect to
 * the input is non-zero exactly where the input can change it. Returns the [rows, cols] extent.
 */
export function receptiveField(f: (x: Tensor) => Tensor, inputShape: [number, number, number, number], at: [number, number]): [number, number] {
  const x = zeros(inputShape).add(1).requiresGrad_();
  const y = f(x);
  y.at(0, 0, at[0], at[1]).backward();
  const g = x.grad!.at(0, 0).abs();
  const nz = (dim: number): number => g.sum(dim).gt(0).float().sum().item();
  return [nz(1), nz(0)];
}
