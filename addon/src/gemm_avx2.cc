// The Goto/BLIS GEMM driver (compiled with -mavx2 -mfma): five loops around the micro-kernel,
//   jc (NC columns of C) → pc (KC of k; pack B) → ic (MC rows; pack A) → jr (NR) → ir (MR),
// so a KC×NR sliver of B stays in L1, the MC×KC block of A in L2 and the KC×NC panel of B in
// L3. Threads split C into disjoint rectangles (or split the batch), so they never wait on
// one another; each packs its own panels.
#include "gemm.h"
#include "gemm_pack.h"
#include "pool.h"
#include "scratch.h"

namespace gu {
namespace avx2 {
namespace {

// Zen3/Zen4: a 144×256 float block of A is 144 KiB (half a 512 KiB L2); a 256×16 sliver of B
// is 16 KiB of the 32 KiB L1d.
template <class S> struct Blocking;
template <> struct Blocking<F32> { static constexpr long MC = 144, KC = 256, NC = 4080; };
template <> struct Blocking<F64> { static constexpr long MC = 72, KC = 256, NC = 2040; };

// Below this many multiply-adds the pool's hand-off (a few µs) costs more than it saves.
constexpr double kMinParallelWork = 96.0 * 96 * 96;

inline long lmin(long a, long b) { return a < b ? a : b; }
inline long roundUp(long x, long m) { return (x + m - 1) / m * m; }

template <class S>
struct Sizes {
  long apElems, bpElems;
  Sizes(long m, long n, long k) {
    using B = Blocking<S>;
    const long kc = lmin(B::KC, k < 1 ? 1 : k);
    apElems = roundUp(lmin(B::MC, m), MR) * kc;
    bpElems = roundUp(lmin(B::NC, n), 2 * S::W) * kc;
  }
};

template <class S>
void reserve(int tid, long m, long n, long k) {
  Sizes<S> z(m, n, k);
  scratch(tid, kPackA, z.apElems * sizeof(typename S::T));
  scratch(tid, kPackB, z.bpElems * sizeof(typename S::T));
}

/** C[i0:i1, j0:j1] of one batch item, with thread tid's (already reserved) buffers. */
template <class S>
void gemmBlock(const GemmProblem<typename S::T>& p, long bt, long i0, long i1, long j0, long j1, int tid) {
  using T = typename S::T;
  using B = Blocking<S>;
  constexpr long NR = 2 * S::W;
  const T* a = p.a + bt * p.strideA;
  const T* b = p.b + bt * p.strideB;
  T* c = p.c + bt * p.strideC;
  Sizes<S> z(p.m, p.n, p.k);
  T* ap = static_cast<T*>(scratch(tid, kPackA, z.apElems * sizeof(T)));
  T* bp = static_cast<T*>(scratch(tid, kPackB, z.bpElems * sizeof(T)));
  for (long jc = j0; jc < j1; jc += B::NC) {
    const long nc = lmin(B::NC, j1 - jc);
    for (long pc = 0; pc < p.k; pc += B::KC) {
      const long kc = lmin(B::KC, p.k - pc);
      const int beta = pc == 0 ? p.beta : 1;  // later k blocks accumulate onto the first
      packB<S>(b, p.ldb, p.transB, pc, kc, jc, nc, bp);
      for (long ic = i0; ic < i1; ic += B::MC) {
        const long mc = lmin(B::MC, i1 - ic);
        packA<S>(a, p.lda, p.transA, ic, mc, pc, kc, ap);
        for (long jr = 0; jr < nc; jr += NR) {
          const int nr = static_cast<int>(lmin(NR, nc - jr));
          const T* bpj = bp + jr * kc;
          T* cj = c + ic * p.ldc + jc + jr;
          for (long ir = 0; ir < mc; ir += MR) {
            const int mr = static_cast<int>(lmin(MR, mc - ir));
            microKernel<S>(kc, ap + ir * kc, bpj, cj + ir * p.ldc, p.ldc, p.alpha, beta, mr, nr);
          }
        }
      }
    }
  }
}

/** k = 0: op(A)·op(B) is zero, so C becomes beta·C. */
template <class T>
void scaleOnly(const GemmProblem<T>& p) {
  if (p.beta) return;
  for (long bt = 0; bt < p.batch; bt++)
    for (long i = 0; i < p.m; i++) {
      T* row = p.c + bt * p.strideC + i * p.ldc;
      for (long j = 0; j < p.n; j++) row[j] = 0;
    }
}

template <class S>
struct Job {
  const GemmProblem<typename S::T>* p;
  int tm, tn;  // thread grid over C (rows × columns); tm·tn threads
  long rowChunk, colChunk;
  bool byBatch;
};

template <class S>
void runJob(void* ctx, int tid, int nthreads) {
  const Job<S>& job = *static_cast<const Job<S>*>(ctx);
  const GemmProblem<typename S::T>& p = *job.p;
  if (job.byBatch) {
    const long per = (p.batch + nthreads - 1) / nthreads;
    for (long bt = tid * per; bt < lmin(p.batch, (tid + 1) * per); bt++) gemmBlock<S>(p, bt, 0, p.m, 0, p.n, tid);
    return;
  }
  const long i0 = (tid / job.tn) * job.rowChunk, j0 = (tid % job.tn) * job.colChunk;
  const long i1 = lmin(p.m, i0 + job.rowChunk), j1 = lmin(p.n, j0 + job.colChunk);
  if (i0 >= i1 || j0 >= j1) return;
  for (long bt = 0; bt < p.batch; bt++) gemmBlock<S>(p, bt, i0, i1, j0, j1, tid);
}

/** The grid tm×tn = nt that packs the least duplicated data (each row of threads re-packs B). */
template <class S>
void chooseGrid(const GemmProblem<typename S::T>& p, int nt, Job<S>& job) {
  double best = -1;
  for (int tm = nt; tm >= 1; tm--) {
    if (nt % tm) continue;
    const int tn = nt / tm;
    if (p.m < tm * MR && tm > 1) continue;
    if (p.n < tn * 2 * S::W && tn > 1) continue;
    const double cost = double(tn) * p.m * p.k + double(tm) * p.k * p.n;
    if (best < 0 || cost < best) {
      best = cost;
      job.tm = tm;
      job.tn = tn;
    }
  }
  if (best < 0) job.tm = nt, job.tn = 1;
  job.rowChunk = roundUp((p.m + job.tm - 1) / job.tm, MR);
  job.colChunk = roundUp((p.n + job.tn - 1) / job.tn, 2 * S::W);
}

template <class S>
void gemmThreaded(const GemmProblem<typename S::T>& p) {
  if (p.m <= 0 || p.n <= 0 || p.batch <= 0) return;
  if (p.k <= 0) return scaleOnly(p);
  const double work = double(p.m) * p.n * p.k;
  int nt = poolThreads();
  if (work * p.batch < kMinParallelWork) nt = 1;
  // Batch items whose C overlap (strideC = 0 accumulates) must not run at the same time.
  const bool disjointC = p.batch == 1 || p.strideC >= (p.m - 1) * p.ldc + p.n;
  if (!disjointC && p.strideC != 0) nt = 1;
  Job<S> job{&p, 1, 1, p.m, p.n, false};
  if (nt > 1 && disjointC && p.batch >= nt && (work < 4 * kMinParallelWork || p.batch >= 4L * nt)) {
    job.byBatch = true;
    if (p.batch < nt) nt = static_cast<int>(p.batch);
  } else if (nt > 1) {
    chooseGrid<S>(p, nt, job);
  }
  for (int t = 0; t < nt; t++) reserve<S>(t, p.m, p.n, p.k);  // allocation may throw: do it here
  poolRun(nt, runJob<S>, &job);
}

}  // namespace
}  // namespace avx2

void gemm(const GemmProblem<float>& p) { avx2::gemmThreaded<avx2::F32>(p); }
void gemm(const GemmProblem<double>& p) { avx2::gemmThreaded<avx2::F64>(p); }

void gemmReserve(int tid, long m, long n, long k) { avx2::reserve<avx2::F32>(tid, m, n, k); }

void gemmSerial(const GemmProblem<float>& p, int tid) {
  if (p.m <= 0 || p.n <= 0 || p.batch <= 0) return;
  if (p.k <= 0) return avx2::scaleOnly(p);
  for (long bt = 0; bt < p.batch; bt++) avx2::gemmBlock<avx2::F32>(p, bt, 0, p.m, 0, p.n, tid);
}

}  // namespace gu
