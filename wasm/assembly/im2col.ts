// im2col / col2im for one image into a column block of a wider cols matrix, so that a group of
// images shares one GEMM: cols[(ci·kh + ky)·kw + kx][col0 + oy·outW + ox], ld floats per row.
import { Geometry } from './geometry';
import { copyFloats, zeroFloats } from './simd';

/** Range [lo, hi) of ox whose input column ox·s − p + kx falls inside [0, w). */
@inline function oxLo(s: i32, p: i32, kx: i32): i32 { return p - kx > 0 ? (p - kx + s - 1) / s : 0; }
@inline function oxHi(s: i32, p: i32, kx: i32, w: i32, outW: i32): i32 {
  const t = w - 1 + p - kx;
  return t < 0 ? 0 : min(outW, t / s + 1);
}

export function im2colInto(g: Geometry, image: usize, cols: usize, ld: i32, col0: i32): void {
  const c = g.c, h = g.h, w = g.w, kh = g.kh, kw = g.kw, sh = g.sh, sw = g.sw, ph = g.ph, pw = g.pw, outH = g.outH, outW = g.outW;
  for (let ci = 0; ci < c; ci++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const row = cols + (<usize>(((ci * kh + ky) * kw + kx) * ld + col0) << 2);
        const lo = min(outW, oxLo(sw, pw, kx)), hi = max(lo, oxHi(sw, pw, kx, w, outW));
        for (let oy = 0; oy < outH; oy++) {
          const dst = row + (<usize>(oy * outW) << 2);
          const iy = oy * sh - ph + ky;
          if (iy < 0 || iy >= h) {
            zeroFloats(dst, outW);
            continue;
          }
          for (let x = 0; x < lo; x++) store<f32>(dst + (<usize>x << 2), 0);
          for (let x = hi; x < outW; x++) store<f32>(dst + (<usize>x << 2), 0);
          const src = image + (<usize>((ci * h + iy) * w + lo * sw - pw + kx) << 2);
          const d = dst + (<usize>lo << 2);
          if (sw == 1) {
            copyFloats(d, src, hi - lo);
          } else {
            for (let x = 0; x < hi - lo; x++) store<f32>(d + (<usize>x << 2), load<f32>(src + (<usize>(x * sw) << 2)));
          }
        }
      }
}

/** Adds the column block of cols back into one image (which the caller zeroes). */
export function col2imFrom(g: Geometry, cols: usize, ld: i32, col0: i32, image: usize): void {
  const c = g.c, h = g.h, w = g.w, kh = g.kh, kw = g.kw, sh = g.sh, sw = g.sw, ph = g.ph, pw = g.pw, outH = g.outH, outW = g.outW;
  for (let ci = 0; ci < c; ci++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const row = cols + (<usize>(((ci * kh + ky) * kw + kx) * ld + col0) << 2);
        const lo = min(outW, oxLo(sw, pw, kx)), hi = max(lo, oxHi(sw, pw, kx, w, outW));
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + ky;
          if (iy < 0 || iy >= h) continue;
          const s = row + (<usize>(oy * outW + lo) << 2);
          const d = image + (<usize>((ci * h + iy) * w + lo * sw - pw + kx) << 2);
          if (sw == 1) {
            let x = 0;
            const len = hi - lo;
            for (; x + 4 <= len; x += 4) {
              const o = <usize>x << 2;
              v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
            }
            for (; x < len; x++) store<f32>(d + (<usize>x << 2), load<f32>(d + (<usize>x << 2)) + load<f32>(s + (<usize>x << 2)));
          } else {
            for (let x = 0; x < hi - lo; x++) {
              const o = d + (<usize>(x * sw) << 2);
              store<f32>(o, load<f32>(o) + load<f32>(s + (<usize>x << 2)));
            }
          }
        }
      }
}
