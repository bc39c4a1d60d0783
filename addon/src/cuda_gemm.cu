// SGEMM on the GPU in three steps, so the hot kernel has one simple shape to handle:
//   1. pad-copy op(A) into At[k][m] and op(B) into Bp[k][n], zero-filled to whole tiles
//      (this absorbs transposes, leading dimensions, offsets and odd sizes);
//   2. a tiled kernel: 128×128 tile of C per block, 8-deep k slices staged in shared memory
//      with float4 loads, an 8×8 register block per thread (256 threads);
//   3. scatter Cp into C with alpha and beta.
// When m, n and k are whole tiles and an operand is 16-byte aligned with leading dimension and
// batch stride in multiples of 4, the kernel reads (or, for C with alpha 1 and beta 0, writes) it
// in place: A as it is stored (row-major or transposed), B when not transposed. No copy then.
#include "cuda_api.h"
#include "cuda_device.h"
#include "cuda_gemm.h"

namespace gu {
namespace cuda {
namespace {

constexpr int BM = 128, BN = 128, BK = 8, TM = 8, TN = 8;
constexpr int kTileThreads = (BM / TM) * (BN / TN);  // 256
static_assert(BM * BK == 4 * kTileThreads && BN * BK == 4 * kTileThreads, "one float4 per thread per slice");

inline long long roundUp(long long x, long long m) { return (x + m - 1) / m * m; }

/** dst[b][r][c] = (r < R && c < C) ? src[b·sb + r·sr + c·sc] : 0, over batch × Rp × Cp. */
__global__ void padCopy(const float* __restrict__ src, long long sb, long long sr, long long sc, long long R, long long C,
                        float* __restrict__ dst, long long Rp, long long Cp, long long batch) {
  const long long per = Rp * Cp;
  GU_GRID_LOOP(e, batch * per) {
    const long long b = e / per, r = (e / Cp) % Rp, c = e % Cp;
    dst[e] = (r < R && c < C) ? src[b * sb + r * sr + c * sc] : 0.0f;
  }
}

/**
 * Cp[b] = op(A)[b] · Bp[b] over whole tiles: A is At (Kp×Mp, row stride lda) or, with kARowMajor,
 * row-major Mp×Kp (row stride lda); Bp is Kp×Np (ldb); Cp is Mp×Np (ldc).
 */
template <bool kARowMajor>
__global__ void __launch_bounds__(kTileThreads) sgemmTiled(const float* __restrict__ At, const float* __restrict__ Bp,
                                                         float* __restrict__ Cp, int lda, int ldb, int ldc, int Kp, long long sA,
                                                         long long sB, long long sC) {
  __shared__ __align__(16) float As[BK][BM];
  __shared__ __align__(16) float Bs[BK][BN];
  const long long b = blockIdx.z;
  At += b * sA;
  Bp += b * sB;
  Cp += b * sC;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  const int t = threadIdx.x;
  const int tr = (t / (BN / TN)) * TM, tc = (t % (BN / TN)) * TN;  // this thread's 8×8 block
  const int lk = t / (BM / 4), lc = (t % (BM / 4)) * 4;             // this thread's float4 of each slice

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.0f;

  for (int k0 = 0; k0 < Kp; k0 += BK) {
    if (kARowMajor) {  // thread t: 4 consecutive k of row t/2, stored transposed into As
      const int ar = t >> 1, ak = (t & 1) * 4;
      const float4 v = *reinterpret_cast<const float4*>(At + static_cast<long long>(row0 + ar) * lda + k0 + ak);
      As[ak][ar] = v.x;
      As[ak + 1][ar] = v.y;
      As[ak + 2][ar] = v.z;
      As[ak + 3][ar] = v.w;
    } else {
      *reinterpret_cast<float4*>(&As[lk][lc]) =
          *reinterpret_cast<const float4*>(At + static_cast<long long>(k0 + lk) * lda + row0 + lc);
    }
    *reinterpret_cast<float4*>(&Bs[lk][lc]) =
        *reinterpret_cast<const float4*>(Bp + static_cast<long long>(k0 + lk) * ldb + col0 + lc);
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk++) {
      float ra[TM], rb[TN];
      const float4 a0 = *reinterpret_cast<const float4*>(&As[kk][tr]);
      const float4 a1 = *reinterpret_cast<const float4*>(&As[kk][tr + 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&Bs[kk][tc]);
      const float4 b1 = *reinterpret_cast<const float4*>(&Bs[kk][tc + 4]);
      ra[0] = a0.x; ra[1] = a0.y; ra[2] = a0.z; ra[3] = a0.w; ra[4] = a1.x; ra[5] = a1.y; ra[6] = a1.z; ra[7] = a1.w;
      rb[0] = b0.x; rb[1] = b0.y; rb[2] = b0.z; rb[3] = b0.w; rb[4] = b1.x; rb[5] = b1.y; rb[6] = b1.z; rb[7] = b1.w;
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
    }
    __syncthreads();  // before the next slice overwrites As/Bs
  }
#pragma unroll
  for (int i = 0; i < TM; i++) {
    float* row = Cp + static_cast<long long>(row0 + tr + i) * ldc + col0 + tc;
    *reinterpret_cast<float4*>(row) = make_float4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
    *reinterpret_cast<float4*>(row + 4) = make_float4(acc[i][4], acc[i][5], acc[i][6], acc[i][7]);
  }
}

/** C[b·sc + i·ldc + j] = alpha·Cp[b][i][j] + (beta ? C[…] : 0) for i < m, j < n. */
__global__ void scatterC(const float* __restrict__ Cp, long long Mp, long long Np, float* __restrict__ C, long long ldc,
                         long long sc, long long m, long long n, long long batch, float alpha, int beta) {
  GU_GRID_LOOP(e, batch * m * n) {
    const long long b = e / (m * n), i = (e / n) % m, j = e % n;
    float* c = C + b * sc + i * ldc + j;
    const float v = alpha * Cp[(b * Mp + i) * Np + j];
    *c = beta ? *c + v : v;
  }
}

/** A pointer, leading dimension and batch stride the kernel's float4 accesses can use in place. */
bool aligned4(const float* p, long long ld, long long stride) {
  return reinterpret_cast<unsigned long long>(p) % 16 == 0 && ld % 4 == 0 && stride % 4 == 0 && ld < (1LL << 31);
}

/** Up to 65535 batch items (gridDim.z) whose C do not overlap. */
void gemmChunk(const GemmProblem<float>& d) {
  const long long Mp = roundUp(d.m, BM), Np = roundUp(d.n, BN), Kp = roundUp(d.k, BK);
  const bool whole = Mp == d.m && Np == d.n && Kp == d.k;
  const bool aDirect = whole && aligned4(d.a, d.lda, d.strideA);
  const bool bDirect = whole && !d.transB && aligned4(d.b, d.ldb, d.strideB);
  const bool cDirect = whole && d.alpha == 1.0f && !d.beta && aligned4(d.c, d.ldc, d.strideC);
  // A shared operand (stride 0) is packed once and read by every batch item.
  const long long nA = d.strideA ? d.batch : 1, nB = d.strideB ? d.batch : 1;
  const float* A = d.a;
  const float* B = d.b;
  float* C = d.c;
  if (!aDirect) {
    float* At = buffer(kPackA, nA * Kp * Mp);
    // op(A)(i, p) sits at a[i·lda + p], or a[p·lda + i] when transA; At is indexed [p][i].
    GU_LAUNCH(padCopy, blocksFor(nA * Kp * Mp), kThreads)(d.a, d.strideA, d.transA ? d.lda : 1, d.transA ? 1 : d.lda, d.k, d.m,
                                                          At, Kp, Mp, nA);
    checkLaunch("gemm pack A");
    A = At;
  }
  if (!bDirect) {
    float* Bp = buffer(kPackB, nB * Kp * Np);
    // op(B)(p, j) sits at b[p·ldb + j], or b[j·ldb + p] when transB; Bp is indexed [p][j].
    GU_LAUNCH(padCopy, blocksFor(nB * Kp * Np), kThreads)(d.b, d.strideB, d.transB ? 1 : d.ldb, d.transB ? d.ldb : 1, d.k, d.n,
                                                          Bp, Kp, Np, nB);
    checkLaunch("gemm pack B");
    B = Bp;
  }
  if (!cDirect) C = buffer(kPackC, d.batch * Mp * Np);
  const int lda = aDirect ? static_cast<int>(d.lda) : static_cast<int>(Mp);
  const int ldb = bDirect ? static_cast<int>(d.ldb) : static_cast<int>(Np);
  const int ldc = cDirect ? static_cast<int>(d.ldc) : static_cast<int>(Np);
  const long long sA = aDirect ? d.strideA : d.strideA ? Kp * Mp : 0;
  const long long sB = bDirect ? d.strideB : d.strideB ? Kp * Np : 0;
  const long long sC = cDirect ? d.strideC : Mp * Np;
  const dim3 grid(static_cast<unsigned>(Np / BN), static_cast<unsigned>(Mp / BM), static_cast<unsigned>(d.batch));
  if (aDirect && !d.transA)
    GU_LAUNCH_SYNC(sgemmTiled<true>, grid, kTileThreads)(A, B, C, lda, ldb, ldc, static_cast<int>(Kp), sA, sB, sC);
  else
    GU_LAUNCH_SYNC(sgemmTiled<false>, grid, kTileThreads)(A, B, C, lda, ldb, ldc, static_cast<int>(Kp), sA, sB, sC);
  checkLaunch("sgemm kernel");
  if (cDirect) return;
  GU_LAUNCH(scatterC, blocksFor(d.batch * d.m * d.n), kThreads)(C, Mp, Np, d.c, d.ldc, d.strideC, d.m, d.n, d.batch, d.alpha,
                                                                 d.beta);
  checkLaunch("gemm scatter C");
}

}  // namespace

void gemmOnDevice(const GemmProblem<float>& d) {
  if (d.m <= 0 || d.n <= 0 || d.batch <= 0) return;
  if (d.m > 65535LL * BM || d.n > (1LL << 30) || d.k > (1LL << 30))  // gridDim.y ≤ 65535; int indices in the kernel
    throw CudaError("cuda gemm: m above 8388480 or n, k above 2^30 are not supported");
  // Batch items whose C overlap (strideC = 0 accumulates) run one after another, in order.
  const bool disjoint = d.batch == 1 || d.strideC >= (d.m - 1) * d.ldc + d.n;
  const long long Mp = roundUp(d.m, BM), Np = roundUp(d.n, BN), Kp = roundUp(d.k, BK);
  const long long perItem = Kp * Mp + Kp * Np + Mp * Np;
  long long chunk = disjoint ? (1LL << 28) / (perItem > 0 ? perItem : 1) : 1;  // ≤ 1 GiB of padded panels
  if (chunk < 1) chunk = 1;
  if (chunk > 65535) chunk = 65535;
  for (long long b0 = 0; b0 < d.batch; b0 += chunk) {
    GemmProblem<float> part = d;
    part.batch = d.batch - b0 < chunk ? d.batch - b0 : chunk;
    part.a = d.a + b0 * d.strideA;
    part.b = d.b + b0 * d.strideB;
    part.c = d.c + b0 * d.strideC;
    gemmChunk(part);
  }
}

void gemm(const GemmProblem<float>& p, long aSpan, long bSpan, long cSpan) {
  requireDevice("cuda gemm");
  float* dA = buffer(kInA, aSpan);
  float* dB = buffer(kInB, bSpan);
  float* dC = buffer(kOut, cSpan);
  upload(dA, p.a, aSpan, "gemm copy A to device");
  upload(dB, p.b, bSpan, "gemm copy B to device");
  // C must come over unless every element of its span is overwritten (beta = 0 and no gaps).
  const bool dense = p.ldc == p.n && (p.batch == 1 || p.strideC == p.m * p.n);
  if (p.beta || !dense) upload(dC, p.c, cSpan, "gemm copy C to device");
  GemmProblem<float> d = p;
  d.a = dA;
  d.b = dB;
  d.c = dC;
  gemmOnDevice(d);
  download(p.c, dC, cSpan, "gemm copy C to host");
}

}  // namespace cuda
}  // namespace gu
