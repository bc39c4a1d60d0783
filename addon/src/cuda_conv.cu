// conv2d on the GPU as im2col + the device GEMM. Images go in chunks whose im2col columns fit
// a fixed budget, each chunk one batched GEMM (the weight is shared: stride 0).
//   forward:         out_i[O, L]  = W[O, K] · cols_i[K, L] (+ bias)
//   backward-data:   cols_i[K, L] = Wᵀ[K, O] · gy_i[O, L], then col2im (a gather, no atomics)
//   backward-weight: part_i[O, K] = gy_i[O, L] · cols_iᵀ[L, K], then a fixed-order sum over i
#include <cstring>

#include "cuda_api.h"
#include "cuda_device.h"
#include "cuda_gemm.h"
#include "cuda_tensor.h"

namespace gu {
namespace cuda {
namespace {

constexpr long long kColsBudget = 1LL << 26;  // floats of im2col columns per chunk (256 MiB)

/** cols[i][(ci·kh + ky)·kw + kx][oy·outW + ox] for images [0, nb) of x. */
__global__ void im2colKernel(const float* __restrict__ x, float* __restrict__ cols, long long nb, int c, int h, int w,
                             int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW) {
  const long long L = static_cast<long long>(outH) * outW, K = static_cast<long long>(c) * kh * kw;
  GU_GRID_LOOP(e, nb * K * L) {
    const long long l = e % L, r = (e / L) % K, i = e / (K * L);
    const int ox = static_cast<int>(l % outW), oy = static_cast<int>(l / outW);
    const int kx = static_cast<int>(r % kw), ky = static_cast<int>((r / kw) % kh), ci = static_cast<int>(r / (kw * kh));
    const int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
    cols[e] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((i * c + ci) * h + iy) * w + ix] : 0.0f;
  }
}

/** gx[i][ci][iy][ix] = Σ over the (ky, kx) that reach it of cols[i][(ci, ky, kx)][(oy, ox)]. */
__global__ void col2imKernel(const float* __restrict__ cols, float* __restrict__ gx, long long nb, int c, int h, int w,
                             int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW) {
  const long long L = static_cast<long long>(outH) * outW, K = static_cast<long long>(c) * kh * kw;
  GU_GRID_LOOP(e, nb * c * h * w) {
    const int ix = static_cast<int>(e % w), iy = static_cast<int>((e / w) % h), ci = static_cast<int>((e / (w * h)) % c);
    const long long i = e / (static_cast<long long>(c) * h * w);
    float sum = 0.0f;
    for (int ky = 0; ky < kh; ky++) {
      const int ty = iy + ph - ky;  // = oy·sh
      if (ty < 0 || ty % sh) continue;
      const int oy = ty / sh;
      if (oy >= outH) continue;
      for (int kx = 0; kx < kw; kx++) {
        const int tx = ix + pw - kx;  // = ox·sw
        if (tx < 0 || tx % sw) continue;
        const int ox = tx / sw;
        if (ox >= outW) continue;
        sum += cols[(i * K + (static_cast<long long>(ci) * kh + ky) * kw + kx) * L + static_cast<long long>(oy) * outW + ox];
      }
    }
    gx[e] = sum;
  }
}

/** out[i][o][l] = bias[o] for every image, before a GEMM with beta = 1. */
__global__ void fillBias(float* __restrict__ out, const float* __restrict__ bias, long long n, long long o, long long L) {
  GU_GRID_LOOP(e, n * o * L) out[e] = bias[(e / L) % o];
}

/** gw[e] = (accumulate ? gw[e] : 0) + Σ_b part[b][e], summed in b order. */
__global__ void sumPartials(const float* __restrict__ part, long long nb, long long size, float* __restrict__ gw,
                            int accumulate) {
  GU_GRID_LOOP(e, size) {
    float s = accumulate ? gw[e] : 0.0f;
    for (long long b = 0; b < nb; b++) s += part[b * size + e];
    gw[e] = s;
  }
}

long long imagesPerChunk(const ConvGeometry& g) {
  const long long per = g.rows() * g.cols();
  long long nb = kColsBudget / (per > 0 ? per : 1);
  if (nb < 1) nb = 1;
  return nb < g.n ? nb : g.n;
}

/** cols of images [i0, i0 + nb) of the device input x: x itself when pointwise, else im2col. */
const float* colsOf(const ConvGeometry& g, const float* x, long long i0, long long nb) {
  const float* xi = x + i0 * g.image();
  if (g.pointwise()) return xi;
  float* cols = buffer(kCols, nb * g.rows() * g.cols());
  GU_LAUNCH(im2colKernel, blocksFor(nb * g.rows() * g.cols()), kThreads)(
      xi, cols, nb, int(g.c), int(g.h), int(g.w), int(g.kh), int(g.kw), int(g.strideH), int(g.strideW), int(g.padH),
      int(g.padW), int(g.outH), int(g.outW));
  checkLaunch("im2col kernel");
  return cols;
}

GemmProblem<float> batched(bool ta, bool tb, long m, long n, long k, const float* a, long lda, long sa, const float* b,
                           long ldb, long sb, float* c, long ldc, long sc, long batch, int beta) {
  return {ta, tb, m, n, k, 1.0f, beta, a, lda, sa, b, ldb, sb, c, ldc, sc, batch};
}

void requireIntGeometry(const ConvGeometry& g, const char* op) {
  const long big = 1L << 30;
  if (g.c > big || g.h > big || g.w > big || g.kh > big || g.kw > big || g.outH > big || g.outW > big || g.padH > big ||
      g.padW > big || g.strideH > big || g.strideW > big || double(g.c) * g.h * g.w > 2e9)
    throw CudaError(std::string(op) + ": geometry too large for the CUDA kernels");
}

}  // namespace

void conv2dForwardDevice(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* y) {
  requireDevice("cuda conv2dForward");
  requireIntGeometry(g, "cuda conv2dForward");
  if (g.n == 0) return;
  const long K = g.rows(), L = g.cols();
  if (bias) {
    GU_LAUNCH(fillBias, blocksFor(g.n * g.outImage()), kThreads)(y, bias, g.n, g.o, L);
    checkLaunch("bias kernel");
  }
  const long long chunk = imagesPerChunk(g);
  for (long long i0 = 0; i0 < g.n; i0 += chunk) {
    const long long nb = g.n - i0 < chunk ? g.n - i0 : chunk;
    const float* cols = colsOf(g, x, i0, nb);
    gemmOnDevice(batched(false, false, g.o, L, K, w, K, 0, cols, L, g.pointwise() ? g.image() : K * L,
                         y + i0 * g.outImage(), L, g.outImage(), nb, bias ? 1 : 0));
  }
}

void conv2dBackwardDataDevice(const ConvGeometry& g, const float* gy, const float* w, float* gx) {
  requireDevice("cuda conv2dBackwardData");
  requireIntGeometry(g, "cuda conv2dBackwardData");
  if (g.n == 0) return;
  const long K = g.rows(), L = g.cols();
  if (g.pointwise()) {  // gx_i[C, HW] = Wᵀ[C, O] · gy_i[O, HW]
    gemmOnDevice(batched(true, false, K, L, g.o, w, K, 0, gy, L, g.outImage(), gx, L, g.image(), g.n, 0));
    return;
  }
  const long long chunk = imagesPerChunk(g);
  float* cols = buffer(kCols, chunk * K * L);
  for (long long i0 = 0; i0 < g.n; i0 += chunk) {
    const long long nb = g.n - i0 < chunk ? g.n - i0 : chunk;
    gemmOnDevice(batched(true, false, K, L, g.o, w, K, 0, gy + i0 * g.outImage(), L, g.outImage(), cols, L, K * L, nb, 0));
    GU_LAUNCH(col2imKernel, blocksFor(nb * g.image()), kThreads)(cols, gx + i0 * g.image(), nb, int(g.c), int(g.h), int(g.w),
                                                                 int(g.kh), int(g.kw), int(g.strideH), int(g.strideW),
                                                                 int(g.padH), int(g.padW), int(g.outH), int(g.outW));
    checkLaunch("col2im kernel");
  }
}

void conv2dBackwardWeightDevice(const ConvGeometry& g, const float* x, const float* gy, float* gw) {
  requireDevice("cuda conv2dBackwardWeight");
  requireIntGeometry(g, "cuda conv2dBackwardWeight");
  const long K = g.rows(), L = g.cols(), OK = g.o * g.rows();
  if (g.n == 0) {
    check(cudaMemset(gw, 0, OK * sizeof(float)), "cudaMemset");
    return;
  }
  const long long chunk = imagesPerChunk(g);
  float* part = buffer(kPartial, chunk * OK);
  for (long long i0 = 0; i0 < g.n; i0 += chunk) {
    const long long nb = g.n - i0 < chunk ? g.n - i0 : chunk;
    const float* cols = colsOf(g, x, i0, nb);
    gemmOnDevice(batched(false, true, g.o, K, L, gy + i0 * g.outImage(), L, g.outImage(), cols, L,
                         g.pointwise() ? g.image() : K * L, part, K, OK, nb, 0));
    GU_LAUNCH(sumPartials, blocksFor(OK), kThreads)(part, nb, OK, gw, i0 > 0 ? 1 : 0);
    checkLaunch("weight-gradient sum kernel");
  }
}

// The host-pointer entry points: copy in through the cached buffers, run, copy out.
void conv2dForward(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out) {
  requireDevice("cuda conv2dForward");
  if (g.n == 0) return;
  float* x = buffer(kInA, g.n * g.image());
  float* w = buffer(kInB, g.o * g.rows());
  float* y = buffer(kOut, g.n * g.outImage());
  float* b = bias ? buffer(kBias, g.o) : nullptr;
  upload(x, input, g.n * g.image(), "conv2dForward copy input");
  upload(w, weight, g.o * g.rows(), "conv2dForward copy weight");
  if (bias) upload(b, bias, g.o, "conv2dForward copy bias");
  conv2dForwardDevice(g, x, w, b, y);
  download(out, y, g.n * g.outImage(), "conv2dForward copy out");
}

void conv2dBackwardData(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput) {
  requireDevice("cuda conv2dBackwardData");
  if (g.n == 0) return;
  float* gy = buffer(kInA, g.n * g.outImage());
  float* w = buffer(kInB, g.o * g.rows());
  float* gx = buffer(kOut, g.n * g.image());
  upload(gy, gradOut, g.n * g.outImage(), "conv2dBackwardData copy gradOut");
  upload(w, weight, g.o * g.rows(), "conv2dBackwardData copy weight");
  conv2dBackwardDataDevice(g, gy, w, gx);
  download(gradInput, gx, g.n * g.image(), "conv2dBackwardData copy gradInput");
}

void conv2dBackwardWeight(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight) {
  requireDevice("cuda conv2dBackwardWeight");
  const long OK = g.o * g.rows();
  if (g.n == 0) {
    std::memset(gradWeight, 0, OK * sizeof(float));
    return;
  }
  float* x = buffer(kInA, g.n * g.image());
  float* gy = buffer(kInB, g.n * g.outImage());
  float* gw = buffer(kOut, OK);
  upload(x, input, g.n * g.image(), "conv2dBackwardWeight copy input");
  upload(gy, gradOut, g.n * g.outImage(), "conv2dBackwardWeight copy gradOut");
  conv2dBackwardWeightDevice(g, x, gy, gw);
  download(gradWeight, gw, OK, "conv2dBackwardWeight copy gradWeight");
}

}  // namespace cuda
}  // namespace gu
