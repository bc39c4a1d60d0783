// The cache-blocked GEMM (Goto/BLIS loop nest) for one matrix of a batch, with its packing.
//
//   for jc (NC columns of C)        B panel  KC×NC  packed once per (jc, pc)
//     for pc (KC of the k dim)
//       for ic (MC rows of C)       A block  MC×KC  packed, stays in L2
//         for jr, ir (NR×MR tiles)  B sliver KC×NR stays in L1 while A slivers stream past
//
// Packing copies op(A) and op(B) into the order the micro-kernel reads them, whatever the
// transposes and leading dims, padding partial slivers with zeros so it needs no edge case.
// Sizes for a Zen3 core (32 KiB L1d, 512 KiB L2), float64 packs: A sliver 4×256×8 = 8 KiB and
// B sliver 256×3×8 = 6 KiB share L1; the A block 128×256×8 = 256 KiB takes half of L2; the B
// panel 256×384×8 = 768 KiB sits in L3. Scalar JS is compute-bound: throughput varied < 5 % for
// KC 128…512, MC 48…192 and NC 192…3072, so these are the textbook choices at a small footprint.
import type { FloatArray } from '../backend.ts';
import { MR, NR, microKernel } from './gemm-micro.ts';

export const KC = 256;
const MC = 128; // a multiple of MR
export const NC = 384; // a multiple of NR

// Fixed scratch, 1 MiB in all, reused by every call: the blocks bound what a call needs, so it
// never grows. Module-level consts used directly (not passed as arguments) on purpose: TurboFan
// then folds their base and length into the code (no map checks or length reloads per step),
// which measured 5.9 against 4.5 GFLOP/s for buffers passed around or grown on demand.
const ap = new Float64Array(MC * KC);
const bp = new Float64Array(KC * NC);
const tile = new Float64Array(MR * NR);

/** The operand layout of one batch entry, in elements: op(A)(i,p) = a[ao + i·sai + p·sak], etc. */
export interface GemmOperands<T extends FloatArray> {
  a: T; ao: number; sai: number; sak: number;
  b: T; bo: number; sbk: number; sbj: number;
  c: T; co: number; ldc: number;
}

/** C = alpha·op(A)·op(B) + beta·C for one matrix; needs m, n, k ≥ 1. */
export function gemmBlocked<T extends FloatArray>(m: number, n: number, k: number, alpha: number, beta: 0 | 1, o: GemmOperands<T>): void {
  const { a, b, c, sai, sak, sbk, sbj, ldc } = o;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // The first k block applies beta; the later ones add to what it wrote.
      const accumulate = pc > 0 || beta === 1;
      packB(b, o.bo + pc * sbk + jc * sbj, sbk, sbj, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, o.ao + ic * sai + pc * sak, sai, sak, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, ap, ir * kc, bp, jr * kc, tile);
            storeTile(c, o.co + (ic + ir) * ldc + jc + jr, ldc, Math.min(MR, mc - ir), nr, alpha, accumulate);
          }
        }
      }
    }
  }
}

/** Writes the valid mr×nr corner of the tile into C; when not accumulating C is never read. */
function storeTile(c: FloatArray, ci: number, ldc: number, mr: number, nr: number, alpha: number, accumulate: boolean): void {
  for (let r = 0; r < mr; r++, ci += ldc) {
    const t = r * NR;
    if (accumulate) for (let s = 0; s < nr; s++) c[ci + s]! += alpha * tile[t + s]!;
    else for (let s = 0; s < nr; s++) c[ci + s] = alpha * tile[t + s]!;
  }
}

/** ap[(i/MR)·MR·kc + p·MR + i%MR] = op(A)(i, p) = a[ao + i·si + p·sp] for i < mc, p < kc. */
function packA(a: FloatArray, ao: number, si: number, sp: number, mc: number, kc: number): void {
  let d = 0;
  for (let i = 0; i < mc; i += MR) {
    const mr = Math.min(MR, mc - i);
    let r0 = ao + i * si;
    if (mr === MR) {
      let r1 = r0 + si, r2 = r1 + si, r3 = r2 + si;
      for (let p = 0; p < kc; p++) {
        ap[d] = a[r0]!; ap[d + 1] = a[r1]!; ap[d + 2] = a[r2]!; ap[d + 3] = a[r3]!;
        d += MR; r0 += sp; r1 += sp; r2 += sp; r3 += sp;
      }
    } else {
      for (let p = 0; p < kc; p++, r0 += sp, d += MR)
        for (let r = 0; r < MR; r++) ap[d + r] = r < mr ? a[r0 + r * si]! : 0;
    }
  }
}

/** bp[(j/NR)·NR·kc + p·NR + j%NR] = op(B)(p, j) = b[bo + p·sp + j·sj] for p < kc, j < nc. */
function packB(b: FloatArray, bo: number, sp: number, sj: number, kc: number, nc: number): void {
  const full = nc - (nc % NR), step = NR * kc;
  if (sj === 1) {
    // Rows of op(B) are contiguous: read each row once, scatter it across the slivers.
    for (let p = 0; p < kc; p++) {
      let s = bo + p * sp, d = p * NR;
      for (let j = 0; j < full; j += NR, s += NR, d += step) {
        bp[d] = b[s]!; bp[d + 1] = b[s + 1]!; bp[d + 2] = b[s + 2]!;
      }
    }
  } else {
    // Columns of op(B) are contiguous (transB): three column streams per sliver.
    for (let j = 0, d = 0; j < full; j += NR) {
      let s0 = bo + j * sj, s1 = s0 + sj, s2 = s1 + sj;
      for (let p = 0; p < kc; p++, d += NR, s0 += sp, s1 += sp, s2 += sp) {
        bp[d] = b[s0]!; bp[d + 1] = b[s1]!; bp[d + 2] = b[s2]!;
      }
    }
  }
  if (full < nc) {
    const nr = nc - full;
    for (let p = 0, d = full * kc, s0 = bo + full * sj; p < kc; p++, d += NR, s0 += sp)
      for (let s = 0; s < NR; s++) bp[d + s] = s < nr ? b[s0 + s * sj]! : 0;
  }
}
