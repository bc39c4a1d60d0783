// Appendix A, "Convolutions via matrix multiplication": the companion code's im2col convolution
// written out by hand (lincoln's Conv2D_Op), with switches that put its two backward bugs back in
// so the lesson and the tests can show them failing:
//   flip: false        the input gradient multiplies by the kernel unflipped (bug 1);
//   batchMajor: false  the parameter gradient reshapes the patches in (position, batch) order while
//                      the output gradient is in (batch, position) order (bug 2).
// Layout as the book: images [B, C_in, H, W], parameter [C_in, C_out, K, K], "same" padding.
import { stack, zeros, type Tensor } from '@groundup/tensor';
import { flipKernel } from '@groundup/operations';

/** K//2 zeros around each image. */
export function padImages(x: Tensor, pad: number): Tensor {
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const out = zeros([b, c, h + 2 * pad, w + 2 * pad], { dtype: x.dtype });
  out.narrow(2, pad, h).narrow(3, pad, w).copy_(x);
  return out;
}

/** lincoln's _get_image_patches: for each output position (row-major), the [B, C, K, K] patch under the kernel → [H·W, B, C, K, K]. */
export function getImagePatches(x: Tensor, K: number): Tensor {
  const padded = padImages(x, K >> 1);
  const [, , h, w] = x.shape as [number, number, number, number];
  const patches: Tensor[] = [];
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) patches.push(padded.narrow(2, i, K).narrow(3, j, K));
  return stack(patches);
}

/** Forward: patches (B, H·W, C·K·K) × param as (C·K·K, C_out) → (B, H, W, C_out) → NCHW. */
export function convMatmulOutput(x: Tensor, param: Tensor): Tensor {
  const [b, , h, w] = x.shape as [number, number, number, number];
  const [cIn, cOut, K] = param.shape as [number, number, number];
  const patches = getImagePatches(x, K).permute(1, 0, 2, 3, 4).reshape(b, h * w, -1);
  return patches.matmul(param.permute(0, 2, 3, 1).reshape(cIn * K * K, cOut)).reshape(b, h, w, cOut).permute(0, 3, 1, 2);
}

/** Input gradient: patches of the output gradient × the kernel, flipped in both spatial axes unless `flip: false` (bug 1). */
export function convMatmulInputGrad(x: Tensor, outputGrad: Tensor, param: Tensor, { flip = true } = {}): Tensor {
  const [b, , h, w] = x.shape as [number, number, number, number];
  const [cIn, , K] = param.shape as [number, number, number];
  const patches = getImagePatches(outputGrad, K).permute(1, 0, 2, 3, 4).reshape(b * h * w, -1);
  const kernel = flip ? flipKernel(param) : param;
  return patches.matmul(kernel.reshape(cIn, -1).t()).reshape(b, h, w, cIn).permute(0, 3, 1, 2);
}

/** Parameter gradient: patchesᵀ × output gradient, both in (batch, position) row order unless `batchMajor: false` (bug 2). */
export function convMatmulParamGrad(x: Tensor, outputGrad: Tensor, param: Tensor, { batchMajor = true } = {}): Tensor {
  const [b, , h, w] = x.shape as [number, number, number, number];
  const [cIn, cOut, K] = param.shape as [number, number, number];
  const patches = getImagePatches(x, K);
  const rows = (batchMajor ? patches.permute(1, 0, 2, 3, 4) : patches).reshape(b * h * w, -1);
  const g = outputGrad.permute(0, 2, 3, 1).reshape(b * h * w, cOut);
  return rows.t().matmul(g).reshape(cIn, K, K, cOut).permute(0, 3, 1, 2);
}
