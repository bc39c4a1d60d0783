// im2col / col2im for one image: cols[(ci·kh + y)·kw + x, oy·outW + ox].
import type { Conv2dGeometry, FloatArray } from '../backend.ts';

export function im2colJs(g: Conv2dGeometry, image: FloatArray, cols: FloatArray): void {
  const { c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const L = outH * outW;
  for (let ci = 0; ci < c; ci++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const row = ((ci * kh + ky) * kw + kx) * L;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ky;
          const dst = row + oy * outW;
          if (iy < 0 || iy >= h) {
            cols.fill(0, dst, dst + outW);
            continue;
          }
          const src = (ci * h + iy) * w;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kx;
            cols[dst + ox] = ix >= 0 && ix < w ? image[src + ix]! : 0;
          }
        }
      }
}

export function col2imJs(g: Conv2dGeometry, cols: FloatArray, image: FloatArray): void {
  const { c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const L = outH * outW;
  for (let ci = 0; ci < c; ci++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const row = ((ci * kh + ky) * kw + kx) * L;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ky;
          if (iy < 0 || iy >= h) continue;
          const src = row + oy * outW, dst = (ci * h + iy) * w;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kx;
            if (ix >= 0 && ix < w) image[dst + ix] += cols[src + ox]!;
          }
        }
      }
}
