// conv2d forward / backward-data / backward-weight as im2col + GEMM, one image at a time.
// With at least as many images as threads, each thread takes whole images (its own cols
// buffer, a single-threaded GEMM); otherwise images go one by one through the threaded GEMM.
#include "conv2d.h"

#include <cstring>

#include "gemm.h"
#include "pool.h"
#include "scratch.h"

namespace gu {
namespace {

constexpr double kMinParallelWork = 96.0 * 96 * 96;  // multiply-adds, as in the GEMM

GemmProblem<float> plain(bool ta, bool tb, long m, long n, long k, const float* a, long lda, const float* b, long ldb,
                         float* c, long ldc, int beta) {
  return {ta, tb, m, n, k, 1.0f, beta, a, lda, 0, b, ldb, 0, c, ldc, 0, 1};
}

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
    if (!g.pointwise()) scratch(t, kCols, g.rows() * g.cols() * sizeof(float));
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
  float* cols = static_cast<float*>(scratch(tid, kCols, j.g->rows() * j.g->cols() * sizeof(float)));
  im2col(*j.g, image, cols);
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
  float* cols = static_cast<float*>(scratch(tid, kCols, K * L * sizeof(float)));
  run(plain(true, false, K, L, g.o, j.w, K, gy, L, cols, L, 0), j, tid);  // cols = Wᵀ · gy
  std::memset(gx, 0, g.image() * sizeof(float));
  col2im(g, cols, gx);
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
  float* acc = tid == 0 ? j.gw : static_cast<float*>(scratch(tid, kPartial, OK * sizeof(float)));
  long lo, hi;
  share(j.g->n, tid, nt, lo, hi);
  if (lo == hi) std::memset(acc, 0, OK * sizeof(float));
  for (long i = lo; i < hi; i++) backwardWeightImage(j, i, tid, acc, i == lo ? 0 : 1);
}

}  // namespace

void conv2dForward(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out) {
  Job j{&g, input, weight, bias, nullptr, out, nullptr, nullptr, false};
  const int nt = imageThreads(g);
  reserve(g, nt, g.o, g.cols(), g.rows());
  if (nt >= 1) return poolRun(nt, forwardTask, &j);
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) forwardImage(j, i, 0);
}

void conv2dBackwardData(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput) {
  Job j{&g, nullptr, weight, nullptr, gradOut, nullptr, gradInput, nullptr, false};
  const int nt = imageThreads(g);
  reserve(g, nt, g.rows(), g.cols(), g.o);
  if (nt >= 1) return poolRun(nt, backwardDataTask, &j);
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) backwardDataImage(j, i, 0);
}

void conv2dBackwardWeight(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight) {
  Job j{&g, input, nullptr, nullptr, gradOut, nullptr, nullptr, gradWeight, false};
  const long OK = g.o * g.rows();
  if (g.n == 0) {
    std::memset(gradWeight, 0, OK * sizeof(float));
    return;
  }
  const int nt = imageThreads(g);
  reserve(g, nt, g.o, g.rows(), g.cols());
  if (nt >= 1) {
    for (int t = 1; t < nt; t++) scratch(t, kPartial, OK * sizeof(float));
    poolRun(nt, backwardWeightTask, &j);
    for (int t = 1; t < nt; t++) {  // a fixed order, so a given thread count is reproducible
      const float* part = static_cast<const float*>(scratch(t, kPartial, OK * sizeof(float)));
      for (long e = 0; e < OK; e++) gradWeight[e] += part[e];
    }
    return;
  }
  j.threadedGemm = true;
  for (long i = 0; i < g.n; i++) backwardWeightImage(j, i, 0, gradWeight, i == 0 ? 0 : 1);
}

}  // namespace gu
