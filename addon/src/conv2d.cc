// conv2d forward / backward-data / backward-weight as im2col + GEMM, in one of two plans:
//  - images whose im2col matrix is small go in chunks, side by side in one wider matrix
//    (K × nb·L), so that each pass is a single threaded GEMM with a long dimension instead of
//    nb GEMMs with a tiny one (ch13's 4×4 and 2×2 feature maps);
//  - large images go one by one: with at least as many images as threads each thread takes
//    whole images (its own cols buffer, a single-threaded GEMM), else each GEMM is threaded.
#include "conv2d.h"

#include <cstring>

#include "conv_direct.h"

#include "gemm.h"
#include "pool.h"
#include "scratch.h"

namespace gu {
namespace {

constexpr double kMinParallelWork = 128.0 * 128 * 128;  // multiply-adds, as in the GEMM
constexpr long kChunkFloats = 1L << 18;               // im2col floats per chunk (1 MiB)

GemmProblem<float> plain(bool ta, bool tb, long m, long n, long k, const float* a, long lda, const float* b, long ldb,
                         float* c, long ldc, int beta) {
  return {ta, tb, m, n, k, 1.0f, beta, a, lda, 0, b, ldb, 0, c, ldc, 0, 1};
}

/** Images per chunk: ≥ 2 selects the chunked plan. */
long chunkImages(const ConvGeometry& g) {
  const long per = g.rows() * g.cols();
  const long nb = kChunkFloats / (per > 0 ? per : 1);
  return nb < g.n ? nb : g.n;
}

float* floats(int tid, ScratchSlot slot, long count) {
  return static_cast<float*>(scratch(tid, slot, static_cast<size_t>(count) * sizeof(float)));
}

// ---- the chunked plan (thread 0's buffers, threaded GEMMs) ----

int* table(const ConvGeometry& g) {
  return static_cast<int*>(scratch(0, kTable, static_cast<size_t>(g.kh * g.kw * g.cols()) * sizeof(int)));
}

/** cols[K, nb·L]: the im2col matrices of images [i0, i0 + nb) side by side. */
float* chunkCols(const ConvGeometry& g, const float* x, long i0, long nb) {
  const long ld = nb * g.cols();
  float* cols = floats(0, kCols, g.rows() * ld);
  im2colImages(g, x + i0 * g.image(), nb, cols, ld, table(g));
  return cols;
}

/** stage[O, nb·L] ← gy of images [i0, i0 + nb) (stored [n][O][L]). */
float* chunkGradOut(const ConvGeometry& g, const float* gy, long i0, long nb) {
  const long L = g.cols(), ld = nb * L;
  float* stage = floats(0, kStage, g.o * ld);
  for (long j = 0; j < nb; j++)
    for (long o = 0; o < g.o; o++) std::memcpy(stage + o * ld + j * L, gy + ((i0 + j) * g.o + o) * L, L * sizeof(float));
  return stage;
}

void forwardChunked(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* out, long nb) {
  const long K = g.rows(), L = g.cols();
  for (long i0 = 0; i0 < g.n; i0 += nb) {
    const long cnt = g.n - i0 < nb ? g.n - i0 : nb, ld = cnt * L;
    const float* cols = chunkCols(g, x, i0, cnt);
    float* y = floats(0, kStage, g.o * ld);
    gemm(plain(false, false, g.o, ld, K, w, K, cols, ld, y, ld, 0));
    for (long j = 0; j < cnt; j++)
      for (long o = 0; o < g.o; o++) {
        float* dst = out + ((i0 + j) * g.o + o) * L;
        const float* src = y + o * ld + j * L;
        const float b = bias ? bias[o] : 0.0f;
        for (long l = 0; l < L; l++) dst[l] = src[l] + b;
      }
  }
}

void backwardDataChunked(const ConvGeometry& g, const float* gy, const float* w, float* gx, long nb) {
  const long K = g.rows(), L = g.cols();
  for (long i0 = 0; i0 < g.n; i0 += nb) {
    const long cnt = g.n - i0 < nb ? g.n - i0 : nb, ld = cnt * L;
    const float* stage = chunkGradOut(g, gy, i0, cnt);
    float* cols = floats(0, kCols, K * ld);
    gemm(plain(true, false, K, ld, g.o, w, K, stage, ld, cols, ld, 0));  // cols = Wᵀ · gy
    std::memset(gx + i0 * g.image(), 0, cnt * g.image() * sizeof(float));
    col2imImages(g, cols, ld, cnt, gx + i0 * g.image(), table(g));
  }
}

void backwardWeightChunked(const ConvGeometry& g, const float* x, const float* gy, float* gw, long nb) {
  const long K = g.rows(), L = g.cols();
  for (long i0 = 0; i0 < g.n; i0 += nb) {
    const long cnt = g.n - i0 < nb ? g.n - i0 : nb, ld = cnt * L;
    const float* stage = chunkGradOut(g, gy, i0, cnt);
    const float* cols = chunkCols(g, x, i0, cnt);
    gemm(plain(false, true, g.o, K, ld, stage, ld, cols, ld, gw, K, i0 > 0 ? 1 : 0));  // gW += gy · colsᵀ
  }
}

// ---- the per-image plan ----

/** Threads for whole-image parallelism, or 0 to run images in turn through the threaded GEMM. */
int imageThreads(const ConvGeometry& g) {
  const int nt = poolThreads();
  const double work = double(g.o) * g.rows() * g.cols();
  if (nt == 1 || work * g.n < kMinParallelWork) return 1;
  if (g.n < nt) return 0;
  if (g.n % nt == 0 || g.n >= 4L * nt || work < 4 * kMinParallelWork) return nt;
  return 0;  // e.g. 3 large images on 2 threads: splitting each GEMM balances better
}

/** Thread tid's share [lo, hi) of the images when nt threads take whole images. */
void share(long n, int tid, int nt, long& lo, long& hi) {
  const long per = (n + nt - 1) / nt;
  lo = tid * per < n ? tid * per : n;
  hi = lo + per < n ? lo + per : n;
}

/** Reserves, on the calling thread, what each of nt image-workers will need. */
void reserve(const ConvGeometry& g, int nt, long gemmM, long gemmN, long gemmK) {
  for (int t = 0; t < (nt < 1 ? 1 : nt); t++) {
    if (!g.pointwise()) floats(t, kCols, g.rows() * g.cols());
    gemmReserve(t, gemmM, gemmN, gemmK);
  }
}

struct Job {
  const ConvGeometry* g;
  const float *x, *w, *bias, *gy;
  float *y, *gx, *gw;
  bool threadedGemm;
};

void run(const GemmProblem<float>& p, const Job& j, int tid) { j.threadedGemm ? gemm(p) : gemmSerial(p, tid); }

/** cols of image i: the image itself when pointwise, else im2col into tid's buffer. */
const float* colsOf(const Job& j, long i, int tid) {
  const float* image = j.x + i * j.g->image();
  if (j.g->pointwise()) return image;
  float* cols = floats(tid, kCols, j.g->rows() * j.g->cols());
  im2col(*j.g, image, cols, j.g->cols());
  return cols;
}

void forwardImage(const Job& j, long i, int tid) {
  const ConvGeometry& g = *j.g;
  const long K = g.rows(), L = g.cols();
  const float* cols = colsOf(j, i, tid);
  float* y = j.y + i * g.outImage();
  if (j.bias)
    for (long o = 0; o < g.o; o++)
      for (long l = 0; l < L; l++) y[o * L + l] = j.bias[o];
  run(plain(false, false, g.o, L, K, j.w, K, cols, L, y, L, j.bias ? 1 : 0), j, tid);
}

void backwardDataImage(const Job& j, long i, int tid) {
  const ConvGeometry& g = *j.g;
  const long K = g.rows(), L = g.cols();
  const float* gy = j.gy + i * g.outImage();
  float* gx = j.gx + i * g.image();
  if (g.pointwise()) {  // gx[C, HW] = Wᵀ[C, O] · gy[O, HW]
    run(plain(true, false, K, L, g.o, j.w, K, gy, L, gx, L, 0), j, tid);
    return;
  }
  float* cols = floats(tid, kCols, K * L);
  run(plain(true, false, K, L, g.o, j.w, K, gy, L, cols, L, 0), j, tid);  // cols = Wᵀ · gy
  std::memset(gx, 0, g.image() * sizeof(float));
  col2im(g, cols, L, gx);
}

/** acc[O, K] (+)= gy_i[O, L] · cols_iᵀ[L, K]. */
void backwardWeightImage(const Job& j, long i, int tid, float* acc, int beta) {
  const ConvGeometry& g = *j.g;
  const long K = g.rows(), L = g.cols();
  const float* cols = colsOf(j, i, tid);
  run(plain(false, true, g.o, K, L, j.gy + i * g.outImage(), L, cols, L, acc, K, beta), j, tid);
}

void forwardTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  for (long i = lo; i < hi; i++) forwardImage(j, i, tid);
}

void backwardDataTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  for (long i = lo; i < hi; i++) backwardDataImage(j, i, tid);
}

void backwardWeightTask(void* ctx, int tid, int nt) {
  const Job& j = *static_cast<const Job*>(ctx);
  const long OK = j.g->o * j.g->rows();
  // Thread 0 sums into gradWeight itself, the others into partial buffers reserved up front.
  float* acc = tid == 0 ? j.gw : floats(tid, kPartial, OK);
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  if (lo == hi) std::memset(acc, 0, OK * sizeof(float));
  for (long i = lo; i < hi; i++) backwardWeightImage(j, i, tid, acc, i == lo ? 0 : 1);
}

}  // namespace

void conv2dForward(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out) {
  if (g.n == 0) return;
  if (directSuited(g)) return conv2dForwardDirect(g, input, weight, bias, out);
  const long nb = chunkImages(g);
  if (nb >= 2) return forwardChunked(g, input, weight, bias, out, nb);
  Job j{&g, input, weight, bias, nullptr, out, nullptr, nullptr, false};
  const int nt = imageThreads(g);
  reserve(g, nt, g.o, g.cols(), g.rows());
  if (nt >= 1) return poolRun(nt, forwardTask, &j);
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) forwardImage(j, i, 0);
}

void conv2dBackwardData(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput) {
  if (g.n == 0) return;
  const long nb = chunkImages(g);
  if (nb >= 2) return backwardDataChunked(g, gradOut, weight, gradInput, nb);
  Job j{&g, nullptr, weight, nullptr, gradOut, nullptr, gradInput, nullptr, false};
  const int nt = imageThreads(g);
  reserve(g, nt, g.rows(), g.cols(), g.o);
  if (nt >= 1) return poolRun(nt, backwardDataTask, &j);
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) backwardDataImage(j, i, 0);
}

void conv2dBackwardWeight(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight) {
  const long OK = g.o * g.rows();
  if (g.n == 0) {
    std::memset(gradWeight, 0, OK * sizeof(float));
    return;
  }
  const long nb = chunkImages(g);
  if (nb >= 2) return backwardWeightChunked(g, input, gradOut, gradWeight, nb);
  Job j{&g, input, nullptr, nullptr, gradOut, nullptr, nullptr, gradWeight, false};
  const int nt = imageThreads(g);
  reserve(g, nt, g.o, g.rows(), g.cols());
  if (nt >= 1) {
    for (int t = 1; t < nt; t++) floats(t, kPartial, OK);
    poolRun(nt, backwardWeightTask, &j);
    for (int t = 1; t < nt; t++) {  // a fixed order, so a given thread count is reproducible
      const float* part = floats(t, kPartial, OK);
      for (long e = 0; e < OK; e++) gradWeight[e] += part[e];
    }
    return;
  }
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) backwardWeightImage(j, i, 0, gradWeight, i == 0 ? 0 : 1);
}

}  // namespace gu
