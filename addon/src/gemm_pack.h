// Packing for the Goto/BLIS GEMM: copies a block of op(A) into MR-row panels and a block of
// op(B) into NR-column panels, k-major and zero-padded, so the micro-kernel streams both
// with aligned loads and never needs a bounds check. Include only from AVX2 units.
#pragma once
#include "gemm_microkernel.h"

namespace gu {
namespace avx2 {

/**
 * op(A)[i0:i0+mc, p0:p0+kc] → ap, panel after panel of MR rows: ap[panel][k][r].
 * op(A)(i, p) is a[i·lda + p], or a[p·lda + i] when trans.
 */
template <class S>
void packA(const typename S::T* a, long lda, bool trans, long i0, long mc, long p0, long kc, typename S::T* ap) {
  using T = typename S::T;
  for (long ir = 0; ir < mc; ir += MR) {
    const int mr = mc - ir < MR ? static_cast<int>(mc - ir) : MR;
    const long i = i0 + ir;
    if (trans) {
      // Row p of the stored A holds MR neighbouring i: copy them straight.
      const T* src = a + p0 * lda + i;
      for (long p = 0; p < kc; p++, src += lda, ap += MR) {
        int r = 0;
        for (; r < mr; r++) ap[r] = src[r];
        for (; r < MR; r++) ap[r] = 0;
      }
    } else if (mr == MR) {
      const T* r0 = a + i * lda + p0;
      const T *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda, *r4 = r3 + lda, *r5 = r4 + lda;
      for (long p = 0; p < kc; p++, ap += MR) {
        ap[0] = r0[p]; ap[1] = r1[p]; ap[2] = r2[p];
        ap[3] = r3[p]; ap[4] = r4[p]; ap[5] = r5[p];
      }
    } else {
      for (long p = 0; p < kc; p++, ap += MR) {
        int r = 0;
        for (; r < mr; r++) ap[r] = a[(i + r) * lda + p0 + p];
        for (; r < MR; r++) ap[r] = 0;
      }
    }
  }
}

/** dst[q·ldd + r] = src[r·lds + q] for a W×W tile (8×8 floats or 4×4 doubles). */
template <class S>
inline void transposeTile(const typename S::T* src, long lds, typename S::T* dst, long ldd);

template <>
inline void transposeTile<F32>(const float* src, long lds, float* dst, long ldd) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  // r[q] holds column q (rows 0–3) in its low half and column q+4 in its high half;
  // r[q+4] the same for rows 4–7.
  for (int q = 0; q < 4; q++) {
    _mm256_storeu_ps(dst + q * ldd, _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
    _mm256_storeu_ps(dst + (q + 4) * ldd, _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
  }
}

template <>
inline void transposeTile<F64>(const double* src, long lds, double* dst, long ldd) {
  __m256d r0 = _mm256_loadu_pd(src), r1 = _mm256_loadu_pd(src + lds);
  __m256d r2 = _mm256_loadu_pd(src + 2 * lds), r3 = _mm256_loadu_pd(src + 3 * lds);
  __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
  __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(dst + ldd, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(dst + 2 * ldd, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(dst + 3 * ldd, _mm256_permute2f128_pd(t1, t3, 0x31));
}

/**
 * op(B)[p0:p0+kc, j0:j0+nc] → bp, panel after panel of NR columns: bp[panel][k][c].
 * op(B)(p, j) is b[p·ldb + j], or b[j·ldb + p] when trans.
 */
template <class S>
void packB(const typename S::T* b, long ldb, bool trans, long p0, long kc, long j0, long nc, typename S::T* bp) {
  using T = typename S::T;
  constexpr int W = S::W, NR = 2 * W;
  for (long jr = 0; jr < nc; jr += NR) {
    const int nr = nc - jr < NR ? static_cast<int>(nc - jr) : NR;
    const long j = j0 + jr;
    if (!trans && nr == NR) {
      const T* src = b + p0 * ldb + j;
      for (long p = 0; p < kc; p++, src += ldb, bp += NR) {
        S::storeu(bp, S::loadu(src));
        S::storeu(bp + W, S::loadu(src + W));
      }
    } else if (!trans) {
      const T* src = b + p0 * ldb + j;
      for (long p = 0; p < kc; p++, src += ldb, bp += NR) {
        int c = 0;
        for (; c < nr; c++) bp[c] = src[c];
        for (; c < NR; c++) bp[c] = 0;
      }
    } else if (nr == NR) {
      // Column j of op(B) is row j of the stored B: transpose W×W tiles in registers.
      const T* src = b + j * ldb + p0;
      long p = 0;
      for (; p + W <= kc; p += W) {
        transposeTile<S>(src + p, ldb, bp + p * NR, NR);
        transposeTile<S>(src + W * ldb + p, ldb, bp + p * NR + W, NR);
      }
      for (; p < kc; p++)
        for (int c = 0; c < NR; c++) bp[p * NR + c] = src[c * ldb + p];
      bp += kc * NR;
    } else {
      // An edge panel of op(B) (nr < NR): nr rows of the stored B, read side by side.
      const T* src = b + j * ldb + p0;
      for (long p = 0; p < kc; p++, bp += NR) {
        int c = 0;
        for (; c < nr; c++) bp[c] = src[c * ldb + p];
        for (; c < NR; c++) bp[c] = 0;
      }
    }
  }
}

}  // namespace avx2
}  // namespace gu
