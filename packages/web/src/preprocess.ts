// A drawing as MNIST's digits were prepared: the ink's bounding box, made square, resampled by
// area averaging into 20×20, placed in a 28×28 image and shifted so that its centre of mass is at
// the centre. DOM-free (arrays in, array out), so Node tests can run it too.

/** ink: size×size values in 0..1 (1 = ink). Returns 784 values in 0..1, or null when there is no ink. */
export function toMnist(ink: Float32Array, size: number, threshold = 0.05): Float32Array | null {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if (ink[y * size + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  // a square box around the ink, centred on it
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const bx = (x0 + x1 + 1) / 2 - side / 2, by = (y0 + y1 + 1) / 2 - side / 2;
  const box = resample(ink, size, bx, by, side, 20);
  const out = new Float32Array(784);
  // centre of mass of the 20×20 box in pixel indices, then the shift that puts it at pixel
  // (14, 14), as MNIST (and scipy's center_of_mass) count
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 20; x++) {
      const v = box[y * 20 + x]!;
      m += v; cx += v * x; cy += v * y;
    }
  const dx = Math.round(14 - cx / m), dy = Math.round(14 - cy / m);
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 20; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = box[y * 20 + x]!;
    }
  return out;
}

/** Area-average of the square [bx, bx+side)×[by, by+side) of src (size×size) into n×n; outside is 0. */
function resample(src: Float32Array, size: number, bx: number, by: number, side: number, n: number): Float32Array {
  const out = new Float32Array(n * n), s = side / n;
  for (let j = 0; j < n; j++) {
    const ya = by + j * s, yb = ya + s;
    for (let i = 0; i < n; i++) {
      const xa = bx + i * s, xb = xa + s;
      let sum = 0;
      for (let y = Math.max(0, Math.floor(ya)); y < Math.min(size, Math.ceil(yb)); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.max(0, Math.floor(xa)); x < Math.min(size, Math.ceil(xb)); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += src[y * size + x]! * wx * wy;
        }
      }
      out[j * n + i] = Math.min(1, sum / (s * s));
    }
  }
  return out;
}
