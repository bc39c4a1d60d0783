// Packing (Goto/BLIS): copies a block of A into MR-row panels and a block of B into NR-column
// panels, so that the micro-kernel streams both with unit stride. Operands are described by
// element strides (rs between rows, cs between columns), which covers transposes and strided views.
// Short panels at the edges are padded with zeros, so the kernel always runs full tiles.
import { MR, NR } from './microkernel';
import { transpose4 } from './simd';

/** Packs the mc×kc block at src (A[i][p] at src + 4·(i·rs + p·cs)) into panels of MR rows, scaled by alpha. */
export function packA(src: usize, rs: i32, cs: i32, mc: i32, kc: i32, alpha: f32, dst: usize): void {
  const step = <usize>(MR * 4);
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + MR <= mc; i += MR) {
    const base = src + (<usize>(i * rs) << 2);
    let p = 0;
    if (cs == 1) {
      // rows are contiguous: load 4 rows × 4 columns, transpose
      const r = <usize>rs << 2;
      for (; p + 4 <= kc; p += 4) {
        const s = base + (<usize>p << 2);
        let r0 = v128.load(s), r1 = v128.load(s + r), r2 = v128.load(s + 2 * r), r3 = v128.load(s + 3 * r);
        if (alpha != 1) { r0 = f32x4.mul(r0, va); r1 = f32x4.mul(r1, va); r2 = f32x4.mul(r2, va); r3 = f32x4.mul(r3, va); }
        transpose4(r0, r1, r2, r3, dst + <usize>p * step, step);
      }
    } else if (rs == 1) {
      // columns are contiguous (transposed A): one vector per k step
      for (; p < kc; p++) {
        let v = v128.load(base + (<usize>(p * cs) << 2));
        if (alpha != 1) v = f32x4.mul(v, va);
        v128.store(dst + <usize>p * step, v);
      }
    }
    for (; p < kc; p++)
      for (let ii = 0; ii < MR; ii++)
        store<f32>(dst + <usize>p * step + (<usize>ii << 2), alpha * load<f32>(base + (<usize>(ii * rs + p * cs) << 2)));
    dst += <usize>kc * step;
  }
  if (i < mc) {
    const rows = mc - i;
    const base = src + (<usize>(i * rs) << 2);
    for (let p = 0; p < kc; p++)
      for (let ii = 0; ii < MR; ii++)
        store<f32>(dst + <usize>p * step + (<usize>ii << 2), ii < rows ? alpha * load<f32>(base + (<usize>(ii * rs + p * cs) << 2)) : 0);
  }
}

/** Packs the kc×nc block at src (B[p][j] at src + 4·(p·rs + j·cs)) into panels of NR columns. */
export function packB(src: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  const step = <usize>(NR * 4);
  let j = 0;
  for (; j + NR <= nc; j += NR) {
    const base = src + (<usize>(j * cs) << 2);
    let p = 0;
    if (cs == 1) {
      // rows of B are contiguous: two vectors per k step
      const r = <usize>rs << 2;
      for (; p < kc; p++) {
        const s = base + <usize>p * r;
        const d = dst + <usize>p * step;
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else if (rs == 1) {
      // transposed B: columns are contiguous; transpose 4×4 blocks of the 8 columns
      const c = <usize>cs << 2;
      for (; p + 4 <= kc; p += 4) {
        const s = base + (<usize>p << 2);
        const d = dst + <usize>p * step;
        transpose4(v128.load(s), v128.load(s + c), v128.load(s + 2 * c), v128.load(s + 3 * c), d, step);
        const s4 = s + 4 * c;
        transpose4(v128.load(s4), v128.load(s4 + c), v128.load(s4 + 2 * c), v128.load(s4 + 3 * c), d + 16, step);
      }
    }
    for (; p < kc; p++)
      for (let jj = 0; jj < NR; jj++)
        store<f32>(dst + <usize>p * step + (<usize>jj << 2), load<f32>(base + (<usize>(p * rs + jj * cs) << 2)));
    dst += <usize>kc * step;
  }
  if (j < nc) {
    const cols = nc - j;
    const base = src + (<usize>(j * cs) << 2);
    for (let p = 0; p < kc; p++)
      for (let jj = 0; jj < NR; jj++)
        store<f32>(dst + <usize>p * step + (<usize>jj << 2), jj < cols ? load<f32>(base + (<usize>(p * rs + jj * cs) << 2)) : 0);
  }
}
