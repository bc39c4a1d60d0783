// The cache-blocked GEMM driver (Goto/BLIS loop order) and its chunked entry point.
// Block sizes for a 512 KiB L2 and 32 KiB L1: a KC×NR panel of B (8 KiB) stays in L1 while the
// kernel sweeps the MC×KC block of A (128 KiB) in L2; the KC×NC panel of B lives in L3.
import { kernel4x8, MR, NR } from './microkernel';
import { packA, packB } from './pack';
import { fill } from './simd';

export const MC: i32 = 128;
export const KC: i32 = 256;
export const NC: i32 = 2048;
/** Scratch bytes one thread needs: packed A block, packed B panel, one edge tile. */
export const GEMM_SCRATCH: i32 = (MC * KC + KC * NC + MR * NR) * 4;

/** Writes (or adds, when accumulate) a computed mr×nr corner of a tile into C. */
function storeEdge(tile: usize, mr: i32, nr: i32, c: usize, ldc: i32, accumulate: bool): void {
  for (let i = 0; i < mr; i++)
    for (let j = 0; j < nr; j++) {
      const d = c + (<usize>(i * ldc + j) << 2);
      const v = load<f32>(tile + (<usize>(i * NR + j) << 2));
      store<f32>(d, accumulate ? load<f32>(d) + v : v);
    }
}

/**
 * C[m×n] (+)= alpha · A[m×k] · B[k×n]. A[i][p] at a + 4·(i·ars + p·acs), B[p][j] at b + 4·(p·brs + j·bcs),
 * C row-major with ldc. accumulate=false overwrites C. scratch: GEMM_SCRATCH bytes, private to the caller.
 */
export function gemmBlocked(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32, alpha: f32, accumulate: bool, scratch: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) fill(c + (<usize>(i * ldc) << 2), n, 0);
    return;
  }
  const pa = scratch, pb = pa + (<usize>(MC * KC) << 2), tile = pb + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = accumulate || pc > 0;
      packB(b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + (<usize>(ic * ars + pc * acs) << 2), ars, acs, mc, kc, alpha, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = pb + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = pa + <usize>(ir * kc) * 4;
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            if (mr == MR && nr == NR) kernel4x8(kc, ap, bp, cp, ldc, acc);
            else {
              kernel4x8(kc, ap, bp, tile, NR, false);
              storeEdge(tile, mr, nr, cp, ldc, acc);
            }
          }
        }
      }
    }
  }
}

// Parameter block of a GEMM job, i32 words written by the host (see packages/kernels/src/wasm/gemm.ts).
const P_M = 0, P_N = 1, P_K = 2, P_BATCH = 3;
const P_A = 4, P_ARS = 5, P_ACS = 6, P_SA = 7;
const P_B = 8, P_BRS = 9, P_BCS = 10, P_SB = 11;
const P_C = 12, P_LDC = 13, P_SC = 14;
const P_ALPHA = 15, P_ACC = 16, P_SPLIT = 17, P_SUB = 18, P_BPER = 19, P_SCRATCH = 20, P_SCRATCH_STRIDE = 21;

@inline function word(params: usize, i: i32): i32 { return load<i32>(params + (<usize>i << 2)); }

/**
 * Runs chunk `chunk` of a GEMM job on thread `tid`. A chunk is a group of BPER batch entries
 * and, within them, a slice of SUB rows (SPLIT=1) or SUB columns (SPLIT=2) of C.
 */
export function gemmChunk(params: usize, chunk: i32, tid: i32): void {
  const m = word(params, P_M), n = word(params, P_N), k = word(params, P_K), batch = word(params, P_BATCH);
  const split = word(params, P_SPLIT), sub = word(params, P_SUB), bper = word(params, P_BPER);
  const ars = word(params, P_ARS), acs = word(params, P_ACS), brs = word(params, P_BRS), bcs = word(params, P_BCS), ldc = word(params, P_LDC);
  const dim = split == 1 ? m : n;
  const nSub = (dim + sub - 1) / sub;
  const g = chunk / nSub, s = chunk % nSub;
  const lo = s * sub, len = min(sub, dim - lo);
  const alpha = reinterpret<f32>(word(params, P_ALPHA));
  const acc = word(params, P_ACC) != 0;
  const scratch = <usize>word(params, P_SCRATCH) + <usize>(tid * word(params, P_SCRATCH_STRIDE));
  const b1 = min(batch, (g + 1) * bper);
  for (let bt = g * bper; bt < b1; bt++) {
    const a = <usize>word(params, P_A) + (<usize>(bt * word(params, P_SA)) << 2);
    const b = <usize>word(params, P_B) + (<usize>(bt * word(params, P_SB)) << 2);
    const c = <usize>word(params, P_C) + (<usize>(bt * word(params, P_SC)) << 2);
    if (split == 1)
      gemmBlocked(len, n, k, a + (<usize>(lo * ars) << 2), ars, acs, b, brs, bcs, c + (<usize>(lo * ldc) << 2), ldc, alpha, acc, scratch);
    else
      gemmBlocked(m, len, k, a, ars, acs, b + (<usize>(lo * bcs) << 2), brs, bcs, c + (<usize>lo << 2), ldc, alpha, acc, scratch);
  }
}
