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

/**
 * The float32 6×16 kernel on unpacked operands: A(r, p) = arow[r][p·csA] (six row pointers;
 * rows ≥ mr repeat a valid row and are not stored) and B(p, c) = b[p·ldB + c] for c < 16 (all
 * sixteen readable). Packed panels are the special case arow[r] = ap + r, csA = MR, ldB = NR;
 * a row-major A gives csA = 1, a transposed A csA = lda, a row-major B ldB = ldb, so small
 * problems run without copying either operand. C as in microKernel.
 */
__attribute__((always_inline)) inline void microKernelStrided(long kc, const float* const arow[MR], long csA, const float* b,
                                                              long ldB, float* c, long ldc, float alpha, int beta, int mr,
                                                              int nr) {
  for (int i = 0; i < mr; i++) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
  // The accumulators live in ymm4–ymm15 for the whole asm block (twelve "+x" operands would
  // exceed GCC's 30-operand limit next to the six row pointers) and leave through out.
  alignas(32) float out[MR * 16];
  long idx = 0, n4 = kc / 4, n1 = kc % 4;
  const long ldBytes = ldB * 4;
  // One k step: the B row in ymm0/ymm1, the A broadcasts alternate in ymm2/ymm3.
#define GU_SSTEP                                                                         \
  "vmovups (%[b]), %%ymm0\n\t"                                                           \
  "vmovups 32(%[b]), %%ymm1\n\t"                                                         \
  "vbroadcastss (%[r0],%[idx],4), %%ymm2\n\t"                                            \
  "vbroadcastss (%[r1],%[idx],4), %%ymm3\n\t"                                            \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t" "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"      \
  "vbroadcastss (%[r2],%[idx],4), %%ymm2\n\t"                                            \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t" "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"      \
  "vbroadcastss (%[r3],%[idx],4), %%ymm3\n\t"                                            \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t" "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"      \
  "vbroadcastss (%[r4],%[idx],4), %%ymm2\n\t"                                            \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t" "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"    \
  "vbroadcastss (%[r5],%[idx],4), %%ymm3\n\t"                                            \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t" "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"    \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t" "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"    \
  "add %[cs], %[idx]\n\t"                                                                \
  "add %[ldb], %[b]\n\t"
  // A full tile (mr = 6, nr = 16) is stored to C inside the asm: C = acc·alpha (beta = 0) or
  // fma(acc, alpha, C) (beta = 1), as in microKernel; an edge tile leaves through out.
  const long mode = (mr == MR && nr == 16) ? (beta ? 2 : 1) : 0;
  const long ldcBytes = ldc * 4;
  float* cp = mode ? c : out;  // one register: C for a full tile, else out
#define GU_ST0(A, B) "vmulps %%ymm" #A ", %%ymm0, %%ymm" #A "\n\t" "vmulps %%ymm" #B ", %%ymm0, %%ymm" #B "\n\t" \
  "vmovups %%ymm" #A ", (%[c])\n\t" "vmovups %%ymm" #B ", 32(%[c])\n\t" "add %[ldc], %[c]\n\t"
#define GU_ST1(A, B) "vfmadd213ps (%[c]), %%ymm0, %%ymm" #A "\n\t" "vfmadd213ps 32(%[c]), %%ymm0, %%ymm" #B "\n\t" \
  "vmovups %%ymm" #A ", (%[c])\n\t" "vmovups %%ymm" #B ", 32(%[c])\n\t" "add %[ldc], %[c]\n\t"
  asm volatile(
      "vxorps %%xmm4, %%xmm4, %%xmm4\n\t" "vxorps %%xmm5, %%xmm5, %%xmm5\n\t"
      "vxorps %%xmm6, %%xmm6, %%xmm6\n\t" "vxorps %%xmm7, %%xmm7, %%xmm7\n\t"
      "vxorps %%xmm8, %%xmm8, %%xmm8\n\t" "vxorps %%xmm9, %%xmm9, %%xmm9\n\t"
      "vxorps %%xmm10, %%xmm10, %%xmm10\n\t" "vxorps %%xmm11, %%xmm11, %%xmm11\n\t"
      "vxorps %%xmm12, %%xmm12, %%xmm12\n\t" "vxorps %%xmm13, %%xmm13, %%xmm13\n\t"
      "vxorps %%xmm14, %%xmm14, %%xmm14\n\t" "vxorps %%xmm15, %%xmm15, %%xmm15\n\t"
      "test %[n4], %[n4]\n\t"
      "jz 2f\n\t"
      "1:\n\t" GU_SSTEP GU_SSTEP GU_SSTEP GU_SSTEP
      "dec %[n4]\n\t"
      "jnz 1b\n\t"
      "2:\n\t"
      "test %[n1], %[n1]\n\t"
      "jz 4f\n\t"
      "3:\n\t" GU_SSTEP
      "dec %[n1]\n\t"
      "jnz 3b\n\t"
      "4:\n\t"
      "cmpq $1, %[mode]\n\t"
      "jb 5f\n\t"
      "vbroadcastss %[alpha], %%ymm0\n\t"
      "ja 6f\n\t"
      GU_ST0(4, 5) GU_ST0(6, 7) GU_ST0(8, 9) GU_ST0(10, 11) GU_ST0(12, 13) GU_ST0(14, 15)
      "jmp 7f\n\t"
      "6:\n\t"
      GU_ST1(4, 5) GU_ST1(6, 7) GU_ST1(8, 9) GU_ST1(10, 11) GU_ST1(12, 13) GU_ST1(14, 15)
      "jmp 7f\n\t"
      "5:\n\t"
      "vmovaps %%ymm4, 0(%[c])\n\t" "vmovaps %%ymm5, 32(%[c])\n\t"
      "vmovaps %%ymm6, 64(%[c])\n\t" "vmovaps %%ymm7, 96(%[c])\n\t"
      "vmovaps %%ymm8, 128(%[c])\n\t" "vmovaps %%ymm9, 160(%[c])\n\t"
      "vmovaps %%ymm10, 192(%[c])\n\t" "vmovaps %%ymm11, 224(%[c])\n\t"
      "vmovaps %%ymm12, 256(%[c])\n\t" "vmovaps %%ymm13, 288(%[c])\n\t"
      "vmovaps %%ymm14, 320(%[c])\n\t" "vmovaps %%ymm15, 352(%[c])\n\t"
      "7:\n\t"
      : [b] "+r"(b), [idx] "+r"(idx), [n4] "+r"(n4), [n1] "+r"(n1), [c] "+r"(cp)
      : [r0] "r"(arow[0]), [r1] "r"(arow[1]), [r2] "r"(arow[2]), [r3] "r"(arow[3]), [r4] "r"(arow[4]),
        [r5] "r"(arow[5]), [cs] "r"(csA), [ldb] "r"(ldBytes), [mode] "m"(mode), [ldc] "m"(ldcBytes),
        [alpha] "m"(alpha)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
        "xmm13", "xmm14", "xmm15", "memory", "cc");
#undef GU_SSTEP
#undef GU_ST0
#undef GU_ST1
  if (mode) return;
  // An edge tile: C = alpha·acc (+ C), eight columns at a time while they last.
  const __m256 va = _mm256_set1_ps(alpha);
  for (int i = 0; i < mr; i++) {
    float* ci = c + i * ldc;
    float* ti = out + i * 16;
    int j = 0;
    for (; j + 8 <= nr; j += 8) {
      const __m256 t = _mm256_mul_ps(_mm256_load_ps(ti + j), va);
      _mm256_storeu_ps(ci + j, beta ? _mm256_add_ps(_mm256_loadu_ps(ci + j), t) : t);
    }
    if (beta)
      for (; j < nr; j++) ci[j] += ti[j] * alpha;
    else
      for (; j < nr; j++) ci[j] = ti[j] * alpha;
  }
}

/**
 * microKernelStrided for a short sliver (R ≤ 4 rows of A and C): 2R accumulators, so the
 * last rows of a C whose height is not a multiple of 6 (a conv's 8 output channels) cost R/6
 * of a full sliver, not all of it. Same operands and results as microKernelStrided.
 */
template <int R>
__attribute__((always_inline)) inline void microKernelRows(long kc, const float* const arow[MR], long csA, const float* b,
                                                           long ldB, float* c, long ldc, float alpha, int beta, int nr) {
  __m256 acc[R][2];
  for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  const float* rp[R];
  for (int r = 0; r < R; r++) rp[r] = arow[r];
  long idx = 0;
  for (long p = 0; p < kc; p++, idx += csA, b += ldB) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (int r = 0; r < R; r++) {
      const __m256 a = _mm256_broadcast_ss(rp[r] + idx);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
  }
  const __m256 va = _mm256_set1_ps(alpha);
  if (nr == 16) {
    for (int r = 0; r < R; r++) {
      float* cr = c + r * ldc;
      for (int h = 0; h < 2; h++)
        _mm256_storeu_ps(cr + 8 * h, beta ? _mm256_fmadd_ps(acc[r][h], va, _mm256_loadu_ps(cr + 8 * h))
                                          : _mm256_mul_ps(acc[r][h], va));
    }
    return;
  }
  alignas(32) float t[16];
  for (int r = 0; r < R; r++) {
    float* cr = c + r * ldc;
    int j = 0;
    if (nr >= 8) {
      const __m256 v = _mm256_mul_ps(acc[r][0], va);
      _mm256_storeu_ps(cr, beta ? _mm256_add_ps(_mm256_loadu_ps(cr), v) : v);
      _mm256_store_ps(t + 8, acc[r][1]);
      j = 8;
    } else {
      _mm256_store_ps(t, acc[r][0]);
    }
    if (beta)
      for (; j < nr; j++) cr[j] += t[j] * alpha;
    else
      for (; j < nr; j++) cr[j] = t[j] * alpha;
  }
}

}  // namespace avx2
}  // namespace gu
