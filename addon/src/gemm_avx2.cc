// The Goto/BLIS GEMM driver (compiled with -mavx2 -mfma): five loops around the micro-kernel,
//   jc (NC columns of C) → pc (KC of k; pack B) → ic (MC rows; pack A) → jr (NR) → ir (MR),
// so a KC×NR sliver of B stays in L1, the MC×KC block of A in L2 and the KC×NC panel of B in
// L3. Threads split the batch, or the rows of C (packing their own A blocks and sharing one
// packed B panel, two barriers per panel), or, for short C, its columns. Each element of C is
// summed in the same order whatever the split, so results do not depend on the thread count.
// Small and skinny float32 problems go to gemm_small.h instead, small C with a long k and Bᵀ
// to gemm_dot.h: both hand out chunks to threads that join eagerly (gemm_eager.h).
#include "gemm.h"
#include "gemm_dot.h"
#include "gemm_pack.h"
#include "gemm_small.h"
#include "pool.h"
#include "scratch.h"

#include <sched.h>

namespace gu {
namespace avx2 {
namespace {

// Zen3/Zen4: a 144×256 float block of A is 144 KiB (half a 512 KiB L2); a 256×16 sliver of B
// is 16 KiB of the 32 KiB L1d.
template <class S> struct Blocking;
template <> struct Blocking<F32> { static constexpr long MC = 144, KC = 256, NC = 4080; };
template <> struct Blocking<F64> { static constexpr long MC = 72, KC = 256, NC = 2040; };

// Below this many multiply-adds (≈ 20 µs on one core) handing work to a sleeping worker (≈ 6 µs
// here, and far more when a busy VM has descheduled it) costs more than it saves.
constexpr double kMinParallelWork = 128.0 * 128 * 128;
// The eager paths (gemm_small.h, gemm_dot.h) hand out chunks of ≥ 64K multiply-adds and never
// wait for a worker that is not already running: from two chunks up a second thread can help.
constexpr double kMinEagerWork = 2 * 65536.0;

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

/** A spin barrier for the threads of one GEMM (they run on their own cores: no sleeping). */
struct Barrier {
  int count = 0, generation = 0;
  void wait(int nthreads) {
    const int g = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&count, 1, __ATOMIC_ACQ_REL) == nthreads) {
      __atomic_store_n(&count, 0, __ATOMIC_RELAXED);
      __atomic_store_n(&generation, g + 1, __ATOMIC_RELEASE);
      return;
    }
    for (long spins = 0; __atomic_load_n(&generation, __ATOMIC_ACQUIRE) == g; spins++) {
      _mm_pause();
      if (spins > 2000) sched_yield();  // a partner was descheduled (busy machine, or more threads than cores)
    }
  }
};

/** Threads that split the rows of C share one packed B panel: each packs a slice of it. */
template <class T>
struct Team {
  int tid, nthreads;
  Barrier* barrier;
  T* bp;  // thread 0's packing buffer
};

/** C[i0:i1, j0:j1] of one batch item, with thread tid's (already reserved) buffers. */
template <class S>
void gemmBlock(const GemmProblem<typename S::T>& p, long bt, long i0, long i1, long j0, long j1, int tid,
               const Team<typename S::T>* team) {
  using T = typename S::T;
  using B = Blocking<S>;
  constexpr long NR = 2 * S::W;
  const T* a = p.a + bt * p.strideA;
  const T* b = p.b + bt * p.strideB;
  T* c = p.c + bt * p.strideC;
  Sizes<S> z(p.m, p.n, p.k);
  T* ap = static_cast<T*>(scratch(tid, kPackA, z.apElems * sizeof(T)));
  T* bp = team ? team->bp : static_cast<T*>(scratch(tid, kPackB, z.bpElems * sizeof(T)));
  for (long jc = j0; jc < j1; jc += B::NC) {
    const long nc = lmin(B::NC, j1 - jc);
    for (long pc = 0; pc < p.k; pc += B::KC) {
      const long kc = lmin(B::KC, p.k - pc);
      const int beta = pc == 0 ? p.beta : 1;  // later k blocks accumulate onto the first
      if (team) {
        const long panels = (nc + NR - 1) / NR;
        const long q0 = panels * team->tid / team->nthreads, q1 = panels * (team->tid + 1) / team->nthreads;
        if (q0 < q1) packB<S>(b, p.ldb, p.transB, pc, kc, jc + q0 * NR, lmin(nc, q1 * NR) - q0 * NR, bp + q0 * NR * kc);
        team->barrier->wait(team->nthreads);  // the whole panel is packed
      } else {
        packB<S>(b, p.ldb, p.transB, pc, kc, jc, nc, bp);
      }
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
      if (team) team->barrier->wait(team->nthreads);  // everyone is done with this panel
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

enum class Split { Batch, Rows, Columns };

template <class S>
struct Job {
  const GemmProblem<typename S::T>* p;
  Split split;
  long chunk;  // rows or columns per thread (a multiple of MR or NR)
  Barrier barrier;
};

template <class S>
void runJob(void* ctx, int tid, int nthreads) {
  using T = typename S::T;
  Job<S>& job = *static_cast<Job<S>*>(ctx);
  const GemmProblem<T>& p = *job.p;
  switch (job.split) {
    case Split::Batch: {
      const long per = (p.batch + nthreads - 1) / nthreads;
      for (long bt = tid * per; bt < lmin(p.batch, (tid + 1) * per); bt++) gemmBlock<S>(p, bt, 0, p.m, 0, p.n, tid, nullptr);
      return;
    }
    case Split::Rows: {
      // Every thread takes part in the shared packing and its barriers, even with no rows.
      const long i0 = lmin(p.m, tid * job.chunk), i1 = lmin(p.m, i0 + job.chunk);
      Sizes<S> z(p.m, p.n, p.k);
      Team<T> team{tid, nthreads, &job.barrier, static_cast<T*>(scratch(0, kPackB, z.bpElems * sizeof(T)))};
      for (long bt = 0; bt < p.batch; bt++) gemmBlock<S>(p, bt, i0, i1, 0, p.n, tid, &team);
      return;
    }
    case Split::Columns: {
      const long j0 = lmin(p.n, tid * job.chunk), j1 = lmin(p.n, j0 + job.chunk);
      if (j0 < j1)
        for (long bt = 0; bt < p.batch; bt++) gemmBlock<S>(p, bt, 0, p.m, j0, j1, tid, nullptr);
      return;
    }
  }
}

/** The small-problem path (gemm_small.h) for float32: which shapes it takes. */
inline bool smallShaped(const GemmProblem<double>&) { return false; }
inline bool smallShaped(const GemmProblem<float>& p) {
  const double work = double(p.m) * p.n * p.k;
  return p.m == 1 || p.n == 1 || work <= 512.0 * 512 * 512 || p.m <= 64 || p.n <= 64;
}

inline void runSmall(const GemmProblem<double>&, int, bool, bool) {}
inline void runSmall(const GemmProblem<float>& p, int nt, bool disjointC, bool wake) { small::run(p, nt, disjointC, wake); }

template <class S>
void gemmThreaded(const GemmProblem<typename S::T>& p) {
  if (p.m <= 0 || p.n <= 0 || p.batch <= 0) return;
  if (p.k <= 0) return scaleOnly(p);
  const double work = double(p.m) * p.n * p.k;
  // Batch items whose C overlap (strideC = 0 accumulates) must not run at the same time.
  const bool disjointC = p.batch == 1 || p.strideC >= (p.m - 1) * p.ldc + p.n;
  const bool eager = dotShaped(p) || smallShaped(p);
  int nt = poolThreads();
  // The eager paths split from two chunks of work up, but wake sleeping workers only for
  // work worth a futex wake-up; the Goto/BLIS driver always waits for every thread.
  if (work * p.batch < (eager ? kMinEagerWork : kMinParallelWork)) nt = 1;
  const bool wake = work * p.batch >= kMinParallelWork;
  if (dotShaped(p)) return gemmDot(p, nt, wake);
  if (!disjointC && p.strideC != 0) nt = 1;
  if (smallShaped(p)) return runSmall(p, nt, disjointC, wake);
  Job<S> job{&p, Split::Rows, p.m, Barrier()};
  if (nt > 1 && disjointC && p.batch >= nt && (work < 4 * kMinParallelWork || p.batch >= 4L * nt)) {
    job.split = Split::Batch;
  } else if (nt > 1 && p.m >= 4L * MR * nt) {
    job.split = Split::Rows;  // own blocks of A, one shared panel of B
    job.chunk = roundUp((p.m + nt - 1) / nt, MR);
  } else if (nt > 1) {
    job.split = Split::Columns;  // few rows: each thread re-packs the (small) A
    job.chunk = roundUp((p.n + nt - 1) / nt, 2 * S::W);
  }
  for (int t = 0; t < nt; t++) reserve<S>(t, p.m, p.n, p.k);  // allocation may throw: do it here
  poolRun(nt, runJob<S>, &job);
}

}  // namespace
}  // namespace avx2

void gemm(const GemmProblem<float>& p) { avx2::gemmThreaded<avx2::F32>(p); }
void gemm(const GemmProblem<double>& p) { avx2::gemmThreaded<avx2::F64>(p); }

void gemmReserve(int tid, long m, long n, long k) {
  avx2::reserve<avx2::F32>(tid, m, n, k);
  avx2::small::reserve(tid, m, n, k);
}

void gemmSerial(const GemmProblem<float>& p, int tid) {
  if (p.m <= 0 || p.n <= 0 || p.batch <= 0) return;
  if (p.k <= 0) return avx2::scaleOnly(p);
  if (avx2::dotShaped(p)) return avx2::gemmDot(p, 1, false);
  if (avx2::smallShaped(p)) return avx2::small::serial(p, tid);
  for (long bt = 0; bt < p.batch; bt++) avx2::gemmBlock<avx2::F32>(p, bt, 0, p.m, 0, p.n, tid, nullptr);
}

}  // namespace gu
