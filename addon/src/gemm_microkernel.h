// The AVX2/FMA micro-kernel: an MR×NR block of C (6×16 floats or 6×8 doubles) held in 12 ymm
// accumulators, fed by packed panels (A: kc×MR, B: kc×NR, both k-major, 32-byte aligned).
// Include only from translation units compiled with -mavx2 -mfma.
#pragma once
#include <immintrin.h>

namespace gu {
namespace avx2 {

struct F32 {
  using T = float;
  using V = __m256;
  static constexpr int W = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const T* p) { return _mm256_load_ps(p); }
  static V loadu(const T* p) { return _mm256_loadu_ps(p); }
  static void storeu(T* p, V v) { _mm256_storeu_ps(p, v); }
  static V bcast(const T* p) { return _mm256_broadcast_ss(p); }
  static V set1(T x) { return _mm256_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
};

struct F64 {
  using T = double;
  using V = __m256d;
  static constexpr int W = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V load(const T* p) { return _mm256_load_pd(p); }
  static V loadu(const T* p) { return _mm256_loadu_pd(p); }
  static void storeu(T* p, V v) { _mm256_storeu_pd(p, v); }
  static V bcast(const T* p) { return _mm256_broadcast_sd(p); }
  static V set1(T x) { return _mm256_set1_pd(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
};

constexpr int MR = 6;

/**
 * C[0:mr, 0:nr] = alpha·(Ap·Bp) + (beta ? C : 0). A full tile stores straight into C; an edge
 * tile (mr < MR or nr < NR) goes through a small buffer, so edges cost one extra copy, not a
 * slow loop.
 */
template <class S>
__attribute__((always_inline)) inline void microKernel(long kc, const typename S::T* __restrict ap,
                                                       const typename S::T* __restrict bp,
                                                       typename S::T* c, long ldc, typename S::T alpha,
                                                       int beta, int mr, int nr) {
  using T = typename S::T;
  using V = typename S::V;
  constexpr int W = S::W, NR = 2 * W;
  V c00 = S::zero(), c01 = S::zero(), c10 = S::zero(), c11 = S::zero(), c20 = S::zero(), c21 = S::zero();
  V c30 = S::zero(), c31 = S::zero(), c40 = S::zero(), c41 = S::zero(), c50 = S::zero(), c51 = S::zero();
  for (int i = 0; i < mr; i++) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);

#define GU_STEP(K)                                                        \
  {                                                                       \
    V b0 = S::load(bp + (K) * NR), b1 = S::load(bp + (K) * NR + W), a;    \
    a = S::bcast(ap + (K) * MR + 0); c00 = S::fma(a, b0, c00); c01 = S::fma(a, b1, c01); \
    a = S::bcast(ap + (K) * MR + 1); c10 = S::fma(a, b0, c10); c11 = S::fma(a, b1, c11); \
    a = S::bcast(ap + (K) * MR + 2); c20 = S::fma(a, b0, c20); c21 = S::fma(a, b1, c21); \
    a = S::bcast(ap + (K) * MR + 3); c30 = S::fma(a, b0, c30); c31 = S::fma(a, b1, c31); \
    a = S::bcast(ap + (K) * MR + 4); c40 = S::fma(a, b0, c40); c41 = S::fma(a, b1, c41); \
    a = S::bcast(ap + (K) * MR + 5); c50 = S::fma(a, b0, c50); c51 = S::fma(a, b1, c51); \
  }
  long k = 0;
  if constexpr (S::W == 8) {
    // GCC spills accumulators when it schedules the unrolled loop itself; this pins the
    // 12 accumulators to registers and leaves ymm0–3 for the B row and the A broadcasts.
    long n4 = kc / 4;
    k = n4 * 4;
    if (n4 > 0) {
#define GU_ASTEP(K)                                                                          \
      "vmovaps " #K "*64(%[bp]), %%ymm0\n\t"                                                   \
      "vmovaps " #K "*64+32(%[bp]), %%ymm1\n\t"                                                \
      "vbroadcastss " #K "*24+0(%[ap]), %%ymm2\n\t"                                            \
      "vbroadcastss " #K "*24+4(%[ap]), %%ymm3\n\t"                                            \
      "vfmadd231ps %%ymm0, %%ymm2, %[c00]\n\t" "vfmadd231ps %%ymm1, %%ymm2, %[c01]\n\t"        \
      "vbroadcastss " #K "*24+8(%[ap]), %%ymm2\n\t"                                            \
      "vfmadd231ps %%ymm0, %%ymm3, %[c10]\n\t" "vfmadd231ps %%ymm1, %%ymm3, %[c11]\n\t"        \
      "vbroadcastss " #K "*24+12(%[ap]), %%ymm3\n\t"                                           \
      "vfmadd231ps %%ymm0, %%ymm2, %[c20]\n\t" "vfmadd231ps %%ymm1, %%ymm2, %[c21]\n\t"        \
      "vbroadcastss " #K "*24+16(%[ap]), %%ymm2\n\t"                                           \
      "vfmadd231ps %%ymm0, %%ymm3, %[c30]\n\t" "vfmadd231ps %%ymm1, %%ymm3, %[c31]\n\t"        \
      "vbroadcastss " #K "*24+20(%[ap]), %%ymm3\n\t"                                           \
      "vfmadd231ps %%ymm0, %%ymm2, %[c40]\n\t" "vfmadd231ps %%ymm1, %%ymm2, %[c41]\n\t"        \
      "vfmadd231ps %%ymm0, %%ymm3, %[c50]\n\t" "vfmadd231ps %%ymm1, %%ymm3, %[c51]\n\t"
      asm volatile(
          "1:\n\t"
          GU_ASTEP(0) GU_ASTEP(1) GU_ASTEP(2) GU_ASTEP(3)
          "add $96, %[ap]\n\t"
          "add $256, %[bp]\n\t"
          "dec %[n4]\n\t"
          "jnz 1b\n\t"
          : [ap] "+r"(ap), [bp] "+r"(bp), [n4] "+r"(n4),
            [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20), [c21] "+x"(c21),
            [c30] "+x"(c30), [c31] "+x"(c31), [c40] "+x"(c40), [c41] "+x"(c41), [c50] "+x"(c50), [c51] "+x"(c51)
          :
          : "xmm0", "xmm1", "xmm2", "xmm3", "memory", "cc");
#undef GU_ASTEP
    }
  }
  for (; k + 4 <= kc; k += 4) {
    GU_STEP(0) GU_STEP(1) GU_STEP(2) GU_STEP(3)
    ap += 4 * MR;
    bp += 4 * NR;
  }
  for (; k < kc; k++) {
    GU_STEP(0)
    ap += MR;
    bp += NR;
  }
#undef GU_STEP

  const V va = S::set1(alpha);
  const V acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      T* ci = c + i * ldc;
      if (beta) {
        S::storeu(ci, S::fma(acc[i][0], va, S::loadu(ci)));
        S::storeu(ci + W, S::fma(acc[i][1], va, S::loadu(ci + W)));
      } else {
        S::storeu(ci, S::mul(acc[i][0], va));
        S::storeu(ci + W, S::mul(acc[i][1], va));
      }
    }
    return;
  }
  alignas(32) T tile[MR * NR];
  for (int i = 0; i < MR; i++) {
    S::storeu(tile + i * NR, S::mul(acc[i][0], va));
    S::storeu(tile + i * NR + W, S::mul(acc[i][1], va));
  }
  for (int i = 0; i < mr; i++) {
    T* ci = c + i * ldc;
    const T* ti = tile + i * NR;
    if (beta)
      for (int j = 0; j < nr; j++) ci[j] += ti[j];
    else
      for (int j = 0; j < nr; j++) ci[j] = ti[j];
  }
}

}  // namespace avx2
}  // namespace gu
