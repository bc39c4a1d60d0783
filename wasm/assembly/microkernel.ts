// The 4×8 register-blocked micro-kernel: C[4×8] (+)= Ap[4×kc] · Bp[kc×8] over packed panels.
// Eight v128 accumulators, two B vectors and one broadcast A value stay in registers (11 of the
// 15 XMM registers V8 allocates on x64); 6×8 and 4×12 tiles spilled and ran slower here.
import { madd } from './simd';

export const MR: i32 = 4;
export const NR: i32 = 8;

/**
 * ap: MR floats per k step; bp: NR floats per k step; c: row-major tile with ldc floats per row.
 * accumulate=false overwrites C (never reads it).
 */
export function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16; bp += 32;
  }
  const r = <usize>ldc << 2;
  const c1 = c + r, c2 = c1 + r, c3 = c2 + r;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1)); c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2)); c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3)); c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}
