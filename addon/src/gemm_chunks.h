// Dynamic chunk scheduling for the GEMMs run with poolRunEager (gemm_eager.h): each thread owns
// a contiguous range of chunks and takes from its front; when its range is empty it steals from
// the back of the others'. A thread that never joins has its whole range stolen, and each
// thread writes mostly one contiguous part of C (threads taking turns through neighbouring
// chunks would trade cache lines at every boundary). Include only from AVX2 units.
#pragma once

namespace gu {
namespace avx2 {

constexpr int kMaxChunkThreads = 64;

/** Chunks [lo, hi) in one word, hi in the low half, on its own cache line. */
struct alignas(64) ChunkRange {
  unsigned long long word;
};

struct ChunkQueue {
  int nthreads;
  ChunkRange ranges[kMaxChunkThreads];

  /** Splits chunks [0, total) evenly over nthreads (≤ 64) owners. */
  void init(long total, int n) {
    nthreads = n;
    for (int t = 0; t < n; t++) {
      const unsigned long long lo = total * t / n, hi = total * (t + 1) / n;
      ranges[t].word = lo << 32 | hi;
    }
  }

  /** Thread tid's next chunk, or -1 when none is left anywhere. */
  long next(int tid) {
    long x = take(ranges[tid], true);
    for (int d = 1; x < 0 && d < nthreads; d++) x = take(ranges[(tid + d) % nthreads], false);
    return x;
  }

 private:
  static long take(ChunkRange& r, bool front) {
    unsigned long long w = __atomic_load_n(&r.word, __ATOMIC_RELAXED);
    for (;;) {
      const long lo = static_cast<long>(w >> 32), hi = static_cast<long>(w & 0xffffffffu);
      if (lo >= hi) return -1;
      const unsigned long long nw = front ? w + (1ull << 32) : w - 1;
      if (__atomic_compare_exchange_n(&r.word, &w, nw, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return front ? lo : hi - 1;
    }
  }
};

}  // namespace avx2
}  // namespace gu
