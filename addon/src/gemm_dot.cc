// The dot-product GEMM (gemm_dot.h): 4 rows of A against 3 rows of B at a time, 12 vector
// accumulators along k, reduced once at the end. Compiled with -mavx2 -mfma.
#include "gemm_dot.h"

#include "gemm_chunks.h"
#include "gemm_eager.h"
#include "gemm_microkernel.h"

namespace gu {
namespace avx2 {
namespace {

constexpr int RA = 4, RB = 3;

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
inline double hsum(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/** C[i0:i0+mr, j0:j0+nr] for mr ≤ 4, nr ≤ 3 (missing rows repeat the last one and are not stored). */
template <class S>
void block(const GemmProblem<typename S::T>& p, long bt, long i0, int mr, long j0, int nr) {
  using T = typename S::T;
  using V = typename S::V;
  const T* a[RA];
  const T* b[RB];
  for (int i = 0; i < RA; i++) a[i] = p.a + bt * p.strideA + (i0 + (i < mr ? i : mr - 1)) * p.lda;
  for (int j = 0; j < RB; j++) b[j] = p.b + bt * p.strideB + (j0 + (j < nr ? j : nr - 1)) * p.ldb;
  V acc[RA][RB];
  for (auto& row : acc)
    for (V& v : row) v = S::zero();
  long q = 0;
  for (; q + S::W <= p.k; q += S::W) {
    const V b0 = S::loadu(b[0] + q), b1 = S::loadu(b[1] + q), b2 = S::loadu(b[2] + q);
    for (int i = 0; i < RA; i++) {
      const V ai = S::loadu(a[i] + q);
      acc[i][0] = S::fma(ai, b0, acc[i][0]);
      acc[i][1] = S::fma(ai, b1, acc[i][1]);
      acc[i][2] = S::fma(ai, b2, acc[i][2]);
    }
  }
  T* c = p.c + bt * p.strideC + i0 * p.ldc + j0;
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) {
      T s = hsum(acc[i][j]);
      for (long r = q; r < p.k; r++) s += a[i][r] * b[j][r];
      T& out = c[i * p.ldc + j];
      out = p.beta ? out + p.alpha * s : p.alpha * s;
    }
}

template <class S>
struct Job {
  const GemmProblem<typename S::T>* p;
  long blocksM, blocks;  // blocks per batch item: blocksM × blocksN
  long total, chunks;    // blocks in all, and the chunks of consecutive blocks handed out
  ChunkQueue queue;
};

template <class S>
void task(void* ctx, int tid, int nthreads) {
  Job<S>& job = *static_cast<Job<S>*>(ctx);
  const GemmProblem<typename S::T>& p = *job.p;
  // Chunks of consecutive blocks; a batch item's blocks are written by one or more threads,
  // each C element by exactly one.
  for (long ch; (ch = job.queue.next(tid)) >= 0;)
    for (long x = job.total * ch / job.chunks; x < job.total * (ch + 1) / job.chunks; x++) {
      const long bt = x / job.blocks, r = x % job.blocks;
      const long i0 = (r % job.blocksM) * RA, j0 = (r / job.blocksM) * RB;
      const int mr = p.m - i0 < RA ? static_cast<int>(p.m - i0) : RA, nr = p.n - j0 < RB ? static_cast<int>(p.n - j0) : RB;
      block<S>(p, bt, i0, mr, j0, nr);
    }
}

template <class S>
void run(const GemmProblem<typename S::T>& p, int nthreads, bool wake) {
  const long bm = (p.m + RA - 1) / RA, bn = (p.n + RB - 1) / RB;
  Job<S> job;
  job.p = &p;
  job.blocksM = bm, job.blocks = bm * bn, job.total = bm * bn * p.batch;
  // Batch items accumulating into one C (strideC = 0) must run in order: one thread.
  const bool disjoint = p.batch == 1 || p.strideC >= (p.m - 1) * p.ldc + p.n;
  if (!disjoint) nthreads = 1;
  // Chunks of at least ~64K multiply-adds, up to 8 per thread.
  const double work = double(p.m) * p.n * p.k * p.batch;
  long chunks = static_cast<long>(work / 65536.0);
  if (chunks > 8L * nthreads) chunks = 8L * nthreads;
  if (chunks > job.total) chunks = job.total;
  job.chunks = chunks < 1 ? 1 : chunks;
  if (job.chunks < nthreads) nthreads = static_cast<int>(job.chunks);
  job.queue.init(job.chunks, nthreads);
  poolRunEager(nthreads, task<S>, &job, wake);
}

}  // namespace

void gemmDot(const GemmProblem<float>& p, int nthreads, bool wake) { run<F32>(p, nthreads, wake); }
void gemmDot(const GemmProblem<double>& p, int nthreads, bool wake) { run<F64>(p, nthreads, wake); }

}  // namespace avx2
}  // namespace gu
