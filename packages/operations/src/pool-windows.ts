// The window layout shared by the pooling operations: non-overlapping size×size windows (stride =
// size, no padding; rows and columns that do not fill a window are dropped, as PyTorch's floor mode).
import { ShapeError, zeros, type Tensor } from '@groundup/tensor';

/** [N, C, H, W] → [N, C, H/size, W/size, size·size], each window's values along the last axis. */
export function toWindows(op: string, x: Tensor, size: number): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`${op}: expects input [batch, channels, H, W], got [${x.shape}]`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = Math.floor(h / size), wo = Math.floor(w / size);
  if (ho === 0 || wo === 0) throw new ShapeError(`${op}: a ${size}×${size} window does not fit an input of ${h}×${w}`);
  return x.narrow(2, 0, ho * size).narrow(3, 0, wo * size)
    .reshape(n, c, ho, size, wo, size).permute(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, size * size);
}

/** The inverse of toWindows for gradients: scatters window values back to inputShape, zeros where no window reached. */
export function fromWindows(win: Tensor, inputShape: readonly number[], size: number): Tensor {
  const [n, c, ho, wo] = win.shape as [number, number, number, number];
  const block = win.reshape(n, c, ho, wo, size, size).permute(0, 1, 2, 4, 3, 5).reshape(n, c, ho * size, wo * size);
  if (ho * size === inputShape[2] && wo * size === inputShape[3]) return block;
  const out = zeros([...inputShape], { dtype: win.dtype });
  out.narrow(2, 0, ho * size).narrow(3, 0, wo * size).copy_(block);
  return out;
}
