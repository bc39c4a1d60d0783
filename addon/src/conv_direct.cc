// Direct convolution for small feature maps (output rows under 16 wide) with output channels in
// multiples of eight: vectorised over the output channels, eight per AVX register, on a
// zero-padded copy of each image. No im2col matrix and no GEMM with a tiny dimension: ch13's
// simple_cnn layers (4→8 on 14², 8→16 on 7², 16→32 on 4²) spent over half their time in
// im2col/col2im gathers. Images are shared out among the pool's threads.
#include "conv_direct.h"

#include <immintrin.h>

#include <cstring>

#include "pool.h"
#include "scratch.h"

namespace gu {
namespace {

struct Dims {
  long H, W;     // padded image
  long K, O, L;  // taps c·kh·kw, output channels, output pixels
};

inline Dims dims(const ConvGeometry& g) { return {g.h + 2 * g.padH, g.w + 2 * g.padW, g.rows(), g.o, g.cols()}; }

float* floats(int tid, ScratchSlot slot, long count) {
  return static_cast<float*>(scratch(tid, slot, static_cast<size_t>(count) * sizeof(float)));
}

/** p[c][H][W] ← one image, zero-padded. */
void pad(const ConvGeometry& g, const Dims& d, const float* x, float* p) {
  std::memset(p, 0, static_cast<size_t>(g.c * d.H * d.W) * sizeof(float));
  for (long c = 0; c < g.c; c++)
    for (long iy = 0; iy < g.h; iy++)
      std::memcpy(p + (c * d.H + iy + g.padH) * d.W + g.padW, x + (c * g.h + iy) * g.w, g.w * sizeof(float));
}

/** Offset of tap k = (c·kh + ky)·kw + kx in the padded image, from an output pixel's corner. */
void tapOffsets(const ConvGeometry& g, const Dims& d, long* off) {
  for (long c = 0; c < g.c; c++)
    for (long ky = 0; ky < g.kh; ky++)
      for (long kx = 0; kx < g.kw; kx++) *off++ = (c * d.H + ky) * d.W + kx;
}

// ---- forward: y[o][l] = bias[o] + Σ_k w[o][k]·x(k, l) ----

/** Four output pixels (their corners in the padded image) times all taps: acc[p][b] = bias + Σ_k x(p, k)·w[k][8b…]. */
template <int OB>
inline void fourPixels(const float* c0, const float* c1, const float* c2, const float* c3, const float* __restrict wt,
                       const long* __restrict off, long K, long O, const float* bias, float* __restrict out /*[4][O]*/) {
  __m256 acc[4][OB];
#pragma GCC unroll 8
  for (int b = 0; b < OB; b++) {
    const __m256 init = bias ? _mm256_loadu_ps(bias + 8 * b) : _mm256_setzero_ps();
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++) acc[p][b] = init;
  }
  for (long k = 0; k < K; k++) {
    const long o = off[k];
    const __m256 x0 = _mm256_broadcast_ss(c0 + o), x1 = _mm256_broadcast_ss(c1 + o);
    const __m256 x2 = _mm256_broadcast_ss(c2 + o), x3 = _mm256_broadcast_ss(c3 + o);
    const float* w = wt + k * O;
#pragma GCC unroll 8
    for (int b = 0; b < OB; b++) {
      const __m256 wv = _mm256_loadu_ps(w + 8 * b);
      acc[0][b] = _mm256_fmadd_ps(x0, wv, acc[0][b]);
      acc[1][b] = _mm256_fmadd_ps(x1, wv, acc[1][b]);
      acc[2][b] = _mm256_fmadd_ps(x2, wv, acc[2][b]);
      acc[3][b] = _mm256_fmadd_ps(x3, wv, acc[3][b]);
    }
  }
#pragma GCC unroll 4
  for (int p = 0; p < 4; p++)
#pragma GCC unroll 8
    for (int b = 0; b < OB; b++) _mm256_storeu_ps(out + p * O + 8 * b, acc[p][b]);
}

template <int OB>
void forwardImage(const ConvGeometry& g, const Dims& d, const float* xp, const float* wt, const float* bias, const long* off, float* y,
                  float* tile) {
  const long O = d.O, L = d.L;
  // The image's pixels four at a time in row-major order (across rows: a 2×2 map is one block); the
  // last block repeats its last pixel, and the tile [L + 3][O] has room for it.
  const auto corner = [&](long l) {
    const long q = l < L ? l : L - 1;
    return xp + (q / g.outW) * g.strideH * d.W + (q % g.outW) * g.strideW;
  };
  for (long l = 0; l < L; l += 4)
    fourPixels<OB>(corner(l), corner(l + 1), corner(l + 2), corner(l + 3), wt, off, d.K, O, bias, tile + l * O);
  // The [L][O] tile into y's [O][L] layout.
  for (long o = 0; o < O; o++)
    for (long l = 0; l < L; l++) y[o * L + l] = tile[l * O + o];
}

// ---- backward-weight: gw[o][k] += Σ_l gy[o][l]·x(k, l), accumulated as acc[k][o] ----

/**
 * For TB taps at a time, over every pixel of `count` images (padded images xp, transposed
 * gradients gyt, both stacked): the accumulators stay in registers across all the images.
 */
template <int OB, int TB>
void weightImages(const ConvGeometry& g, const Dims& d, const float* xp, const float* gyt, long count, const long* off, float* acc) {
  const long O = d.O, img = g.c * d.H * d.W;
  for (long k0 = 0; k0 < d.K; k0 += TB) {
    const long nt = d.K - k0 < TB ? d.K - k0 : TB;
    __m256 a[TB][OB];
#pragma GCC unroll 12
    for (int t = 0; t < TB; t++)
#pragma GCC unroll 8
      for (int b = 0; b < OB; b++) a[t][b] = t < nt ? _mm256_loadu_ps(acc + (k0 + t) * O + 8 * b) : _mm256_setzero_ps();
    long po[TB];
    for (int t = 0; t < TB; t++) po[t] = off[t < nt ? k0 + t : k0];
    for (long i = 0; i < count; i++)
      for (long oy = 0; oy < g.outH; oy++)
        for (long ox = 0; ox < g.outW; ox++) {
          const float* gv = gyt + (i * d.L + oy * g.outW + ox) * O;
          __m256 gy[OB];
#pragma GCC unroll 8
          for (int b = 0; b < OB; b++) gy[b] = _mm256_loadu_ps(gv + 8 * b);
          const float* corner = xp + i * img + oy * g.strideH * d.W + ox * g.strideW;
#pragma GCC unroll 12
          for (int t = 0; t < TB; t++) {
            const __m256 xv = _mm256_broadcast_ss(corner + po[t]);
#pragma GCC unroll 8
            for (int b = 0; b < OB; b++) a[t][b] = _mm256_fmadd_ps(xv, gy[b], a[t][b]);
          }
        }
    for (long t = 0; t < nt; t++)
      for (int b = 0; b < OB; b++) _mm256_storeu_ps(acc + (k0 + t) * O + 8 * b, a[t][b]);
  }
}

/** gyt[l][o] ← gy[o][l] of one image. */
void transposeGy(const Dims& d, const float* gy, float* gyt) {
  for (long o = 0; o < d.O; o++)
    for (long l = 0; l < d.L; l++) gyt[l * d.O + o] = gy[o * d.L + l];
}

// ---- backward-data: gx(k, l) += Σ_o w[o][k]·gy[o][l], scattered into the padded image ----

/** col[k0 … k0 + 8·NV) = Σ_o w[o][k]·gy[o][l]: eight taps per register. */
template <int NV>
inline void tapBlock(const float* __restrict wk, long Kp, long k0, const float* __restrict gyl, long O, long L, float* __restrict col) {
  __m256 a[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; v++) a[v] = _mm256_setzero_ps();
  for (long o = 0; o < O; o++) {
    const __m256 gv = _mm256_broadcast_ss(gyl + o * L);
    const float* w = wk + o * Kp + k0;
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) a[v] = _mm256_fmadd_ps(gv, _mm256_loadu_ps(w + 8 * v), a[v]);
  }
#pragma GCC unroll 8
  for (int v = 0; v < NV; v++) _mm256_storeu_ps(col + k0 + 8 * v, a[v]);
}

void dataImage(const ConvGeometry& g, const Dims& d, const float* wk /*[O][Kp]*/, long Kp, const float* gy, const long* off, float* gxp,
               float* col) {
  const long full = Kp / 64 * 64, tail = (Kp - full) / 8;
  for (long oy = 0; oy < g.outH; oy++)
    for (long ox = 0; ox < g.outW; ox++) {
      const long l = oy * g.outW + ox;
      const float* gyl = gy + l;
      for (long k0 = 0; k0 < full; k0 += 64) tapBlock<8>(wk, Kp, k0, gyl, d.O, d.L, col);
      switch (tail) {
        case 1: tapBlock<1>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 2: tapBlock<2>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 3: tapBlock<3>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 4: tapBlock<4>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 5: tapBlock<5>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 6: tapBlock<6>(wk, Kp, full, gyl, d.O, d.L, col); break;
        case 7: tapBlock<7>(wk, Kp, full, gyl, d.O, d.L, col); break;
        default: break;
      }
      float* corner = gxp + oy * g.strideH * d.W + ox * g.strideW;
      for (long k = 0; k < d.K; k++) corner[off[k]] += col[k];
    }
}

template <int OB>
void forwardRange(const ConvGeometry& g, const Dims& d, const float* x, const float* wt, const float* bias, const long* off, float* out,
                  long lo, long hi, int tid) {
  float* xp = floats(tid, kPadded, g.c * d.H * d.W);
  float* tile = floats(tid, kTile, (d.L + 4) * d.O);
  for (long i = lo; i < hi; i++) {
    pad(g, d, x + i * g.image(), xp);
    forwardImage<OB>(g, d, xp, wt, bias, off, out + i * g.outImage(), tile);
  }
}

/** Images per batch of the weight gradient: padded images and gradients of ~256 KiB in all. */
long weightBatch(const ConvGeometry& g, const Dims& d) {
  const long per = g.c * d.H * d.W + d.L * d.O;
  const long b = (64L * 1024) / (per > 0 ? per : 1);
  return b < 1 ? 1 : b;
}

template <int OB>
void weightRange(const ConvGeometry& g, const Dims& d, const float* x, const float* gy, const long* off, float* acc, long lo, long hi, int tid) {
  const long img = g.c * d.H * d.W, batch = weightBatch(g, d);
  float* xp = floats(tid, kPadded, batch * img);
  float* gyt = floats(tid, kTile, batch * d.L * d.O);
  constexpr int TB = OB == 1 ? 12 : OB == 2 ? 6 : OB <= 4 ? 3 : 1;
  for (long i0 = lo; i0 < hi; i0 += batch) {
    const long count = hi - i0 < batch ? hi - i0 : batch;
    for (long i = 0; i < count; i++) {
      pad(g, d, x + (i0 + i) * g.image(), xp + i * img);
      transposeGy(d, gy + (i0 + i) * g.outImage(), gyt + i * d.L * d.O);
    }
    weightImages<OB, TB>(g, d, xp, gyt, count, off, acc);
  }
}

struct Job {
  const ConvGeometry* g;
  Dims d;
  const float *x, *w, *bias, *gy;
  float* out;
  const long* off;
  long Kp;
};

void share(long n, int tid, int nt, long& lo, long& hi) {
  const long per = (n + nt - 1) / nt;
  lo = tid * per < n ? tid * per : n;
  hi = lo + per < n ? lo + per : n;
}

int threadsFor(const ConvGeometry& g) {
  const int nt = poolThreads();
  const double work = double(g.n) * g.o * g.rows() * g.cols();
  return work < 2e5 || g.n < 2 ? 1 : (nt < g.n ? nt : static_cast<int>(g.n));
}

void forwardTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  switch (j.d.O / 8) {
    case 1: return forwardRange<1>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 2: return forwardRange<2>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 3: return forwardRange<3>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 4: return forwardRange<4>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 5: return forwardRange<5>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 6: return forwardRange<6>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    case 7: return forwardRange<7>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
    default: return forwardRange<8>(*j.g, j.d, j.x, j.w, j.bias, j.off, j.out, lo, hi, tid);
  }
}

void weightTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  float* acc = floats(tid, kPartial, j.d.K * j.d.O);
  std::memset(acc, 0, static_cast<size_t>(j.d.K * j.d.O) * sizeof(float));
  switch (j.d.O / 8) {
    case 1: return weightRange<1>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 2: return weightRange<2>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 3: return weightRange<3>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 4: return weightRange<4>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 5: return weightRange<5>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 6: return weightRange<6>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    case 7: return weightRange<7>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
    default: return weightRange<8>(*j.g, j.d, j.x, j.gy, j.off, acc, lo, hi, tid);
  }
}

void dataTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  const ConvGeometry& g = *j.g;
  long lo, hi;
  share(g.n, tid, nt, lo, hi);
  float* gxp = floats(tid, kPadded, g.c * j.d.H * j.d.W);
  float* col = floats(tid, kTile, j.Kp);
  for (long i = lo; i < hi; i++) {
    std::memset(gxp, 0, static_cast<size_t>(g.c * j.d.H * j.d.W) * sizeof(float));
    dataImage(g, j.d, j.w, j.Kp, j.gy + i * g.outImage(), j.off, gxp, col);
    float* gx = j.out + i * g.image();
    for (long c = 0; c < g.c; c++)
      for (long iy = 0; iy < g.h; iy++)
        std::memcpy(gx + (c * g.h + iy) * g.w, gxp + (c * j.d.H + iy + g.padH) * j.d.W + g.padW, g.w * sizeof(float));
  }
}

long* offsets(const ConvGeometry& g, const Dims& d) {
  long* off = static_cast<long*>(scratch(0, kOffsets, static_cast<size_t>(d.K) * sizeof(long)));
  tapOffsets(g, d, off);
  return off;
}

}  // namespace

bool directSuited(const ConvGeometry& g) { return g.o % 8 == 0 && g.o <= 64 && g.rows() <= 2048 && g.outW < 16 && g.n > 0; }

void conv2dForwardDirect(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out) {
  const Dims d = dims(g);
  float* wt = floats(0, kWeightT, d.K * d.O);  // [K][O]
  for (long o = 0; o < d.O; o++)
    for (long k = 0; k < d.K; k++) wt[k * d.O + o] = weight[o * d.K + k];
  Job j{&g, d, input, wt, bias, nullptr, out, offsets(g, d), 0};
  poolRun(threadsFor(g), forwardTask, &j);
}

void conv2dBackwardWeightDirect(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight) {
  const Dims d = dims(g);
  const int nt = threadsFor(g);
  const float* part[64];
  for (int t = 0; t < nt; t++) part[t] = floats(t, kPartial, d.K * d.O);  // reserved on this thread
  Job j{&g, d, input, nullptr, nullptr, gradOut, nullptr, offsets(g, d), 0};
  poolRun(nt, weightTask, &j);
  // gw[o][k] = Σ over threads, in a fixed order, of acc[k][o].
  for (long o = 0; o < d.O; o++)
    for (long k = 0; k < d.K; k++) {
      float s = 0;
      for (int t = 0; t < nt; t++) s += part[t][k * d.O + o];
      gradWeight[o * d.K + k] = s;
    }
}

void conv2dBackwardDataDirect(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput) {
  const Dims d = dims(g);
  const long Kp = (d.K + 7) / 8 * 8;
  float* wk = floats(0, kWeightT, d.O * Kp);  // [O][Kp], zero past K
  for (long o = 0; o < d.O; o++)
    for (long k = 0; k < Kp; k++) wk[o * Kp + k] = k < d.K ? weight[o * d.K + k] : 0.0f;
  Job j{&g, d, nullptr, wk, nullptr, gradOut, gradInput, offsets(g, d), Kp};
  poolRun(threadsFor(g), dataTask, &j);
}

}  // namespace gu
