// The float32 GEMM for small and skinny problems (m or n ≤ 64, one row or column, or at most
// 512³ multiply-adds): the shapes small models train with, where the Goto/BLIS driver spends
// more time packing and synchronising than multiplying. The 6×16 micro-kernel reads A in
// place (broadcasts from six row pointers: A's rows, or its columns when transposed) and a
// row-major B in place; only a transposed B, a ragged last panel, or an operand whose leading
// dimension would pile into a few L1 sets is packed, once per thread and batch item where it
// fits. m = 1 or n = 1 is a matrix × vector product. Threads take chunks of C (ranges of
// rows or of columns, whichever repeats no packing) from a ChunkQueue (gemm_chunks.h) and
// never wait for each other (poolRunEager): a worker that is asleep or descheduled on a busy
// machine costs nothing. Chunks are made of whole tiles and every tile is summed the same way
// whatever the chunking, so results do not depend on the thread count. Include only from AVX2
// units.
#pragma once
#include "gemm.h"
#include "gemm_chunks.h"
#include "gemm_eager.h"
#include "gemm_pack.h"
#include "scratch.h"

namespace gu {
namespace avx2 {
namespace small {

constexpr long NR = 16;

inline long smin(long a, long b) { return a < b ? a : b; }
inline long ceilDiv(long a, long b) { return (a + b - 1) / b; }

/** Rows of C (and A) per pass over the column panels: A's block stays in L2, C's rows close. */
constexpr long kMc = 144;

/** Packed B of one chunk (all of k) up to this size is kept for the thread's next chunks. */
constexpr long kMemoFloats = 1L << 18;

/** k is cut into blocks of at most this many (C is re-read between them). */
constexpr long kKc = 512;

inline long kBlock(long k) {
  if (k <= kKc) return k;
  return ceilDiv(k, ceilDiv(k, kKc));  // equal blocks, e.g. 784 = 2 × 392
}

/** Packed B: [panel][p][16] for the kc rows and the columns of one chunk, zero-padded. */
inline long packedFloats(long kc, long cols) { return ceilDiv(cols, NR) * NR * kc; }

/** dst[q·16 + r] = row r [p, p+8) for r < 8 (rows at or past `valid` read as zero). */
inline void transposeRows8(const float* const rows[8], int valid, long p, float* dst) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; i++) r[i] = i < valid ? _mm256_loadu_ps(rows[i] + p) : _mm256_setzero_ps();
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int q = 0; q < 4; q++) {
    _mm256_store_ps(dst + q * NR, _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
    _mm256_store_ps(dst + (q + 4) * NR, _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
  }
}

/** Lane mask with the first `count` (0..8) lanes set. */
inline __m256i laneMask(long count) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lanes);
}

/**
 * One 16-column panel of op(B)[p0:p0+kc, j:j+nr] → dst[p][16] (nr ≤ 16, zero-padded).
 * op(B)(p, j) is b[p·ldb + j], or b[j·ldb + p] when trans.
 */
inline void packPanel(const float* b, long ldb, bool trans, long p0, long kc, long j, int nr, float* dst) {
  if (!trans) {
    const float* src = b + p0 * ldb + j;
    if (nr == NR) {
      for (long p = 0; p < kc; p++, src += ldb, dst += NR) {
        _mm256_store_ps(dst, _mm256_loadu_ps(src));
        _mm256_store_ps(dst + 8, _mm256_loadu_ps(src + 8));
      }
      return;
    }
    // Masked loads never touch the columns past nr (they may lie past the end of b).
    const __m256i m0 = laneMask(nr < 8 ? nr : 8), m1 = laneMask(nr > 8 ? nr - 8 : 0);
    for (long p = 0; p < kc; p++, src += ldb, dst += NR) {
      _mm256_store_ps(dst, _mm256_maskload_ps(src, m0));
      _mm256_store_ps(dst + 8, _mm256_maskload_ps(src + 8, m1));
    }
    return;
  }
  // Column j + c of op(B) is row j + c of the stored B: transpose 8×8 tiles in registers.
  for (int half = 0; half < 2; half++) {
    const float* rows[8];
    const int valid = nr - 8 * half < 0 ? 0 : (nr - 8 * half > 8 ? 8 : nr - 8 * half);
    for (int r = 0; r < 8; r++) rows[r] = b + (j + 8 * half + (r < valid ? r : 0)) * ldb + p0;
    float* d = dst + 8 * half;
    long p = 0;
    for (; p + 8 <= kc; p += 8) transposeRows8(rows, valid, p, d + p * NR);
    for (; p < kc; p++)
      for (int r = 0; r < 8; r++) d[p * NR + r] = r < valid ? rows[r][p] : 0.0f;
  }
}

// ---- one row or one column of C: matrix × vector ----

inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

/**
 * y[i] = Σ_p mat[i·rs + p]·v[p] for R rows from row i (rows contiguous along k): two
 * accumulators per row, 16 k at a time, a masked tail. Every row is summed the same way
 * whatever R, so row groups may fall anywhere.
 */
template <int R>
inline void dotRows(const float* mat, long rs, const float* v, long k, float* out) {
  __m256 acc0[R], acc1[R];
  for (int r = 0; r < R; r++) acc0[r] = acc1[r] = _mm256_setzero_ps();
  long p = 0;
  for (; p + 16 <= k; p += 16) {
    const __m256 v0 = _mm256_loadu_ps(v + p), v1 = _mm256_loadu_ps(v + p + 8);
    for (int r = 0; r < R; r++) {
      acc0[r] = _mm256_fmadd_ps(_mm256_loadu_ps(mat + r * rs + p), v0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(_mm256_loadu_ps(mat + r * rs + p + 8), v1, acc1[r]);
    }
  }
  if (p < k) {
    const __m256i m0 = laneMask(smin(8, k - p)), m1 = laneMask(k - p > 8 ? k - p - 8 : 0);
    const __m256 v0 = _mm256_maskload_ps(v + p, m0), v1 = _mm256_maskload_ps(v + p + 8, m1);
    for (int r = 0; r < R; r++) {
      acc0[r] = _mm256_fmadd_ps(_mm256_maskload_ps(mat + r * rs + p, m0), v0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(_mm256_maskload_ps(mat + r * rs + p + 8, m1), v1, acc1[r]);
    }
  }
  for (int r = 0; r < R; r++) out[r] = hsum8(_mm256_add_ps(acc0[r], acc1[r]));
}

/**
 * y[i0:i1] for y_i = Σ_p M(i, p)·v[p·vs], M(i, p) = mat[i·rs + p·cs] with rs = 1 or cs = 1,
 * stored as y[i·ys] = alpha·y_i (+ y[i·ys] when beta). tmp holds k floats (a strided v).
 */
inline void gemv(long i0, long i1, long k, const float* mat, long rs, long cs, const float* v, long vs, float* y, long ys,
                 float alpha, int beta, float* tmp) {
  auto put = [&](long i, float s) {
    float& o = y[i * ys];
    o = beta ? o + alpha * s : alpha * s;
  };
  if (cs == 1 && rs != 1) {  // rows of M run along k: dot products
    if (vs != 1) {
      for (long p = 0; p < k; p++) tmp[p] = v[p * vs];
      v = tmp;
    }
    float s[4];
    long i = i0;
    for (; i + 4 <= i1; i += 4) {
      dotRows<4>(mat + i * rs, rs, v, k, s);
      for (int r = 0; r < 4; r++) put(i + r, s[r]);
    }
    for (; i < i1; i++) {
      dotRows<1>(mat + i * rs, rs, v, k, s);
      put(i, s[0]);
    }
    return;
  }
  // Columns of M run along i: y += v_p · M[:, p], 32 rows at a time, two k at a time.
  for (long i = i0; i < i1; i += 32) {
    const long len = smin(32, i1 - i);
    __m256i mask[4];
    for (int q = 0; q < 4; q++) mask[q] = laneMask(len - 8 * q < 0 ? 0 : smin(8, len - 8 * q));
    __m256 e[4], o[4];
    for (int q = 0; q < 4; q++) e[q] = o[q] = _mm256_setzero_ps();
    const float* col = mat + i * rs;
    long p = 0;
    for (; p + 2 <= k; p += 2) {
      const __m256 v0 = _mm256_broadcast_ss(v + p * vs), v1 = _mm256_broadcast_ss(v + (p + 1) * vs);
      for (int q = 0; q < 4; q++) {
        e[q] = _mm256_fmadd_ps(_mm256_maskload_ps(col + p * cs + 8 * q, mask[q]), v0, e[q]);
        o[q] = _mm256_fmadd_ps(_mm256_maskload_ps(col + (p + 1) * cs + 8 * q, mask[q]), v1, o[q]);
      }
    }
    if (p < k) {
      const __m256 v0 = _mm256_broadcast_ss(v + p * vs);
      for (int q = 0; q < 4; q++) e[q] = _mm256_fmadd_ps(_mm256_maskload_ps(col + p * cs + 8 * q, mask[q]), v0, e[q]);
    }
    alignas(32) float sum[32];
    for (int q = 0; q < 4; q++) _mm256_store_ps(sum + 8 * q, _mm256_add_ps(e[q], o[q]));
    for (long r = 0; r < len; r++) put(i + r, sum[r]);
  }
}

/** C of batch item bt when n = 1 (rows [i0, i1)) or m = 1 (columns [j0, j1)). */
inline void gemvChunk(const GemmProblem<float>& p, long bt, long i0, long i1, long j0, long j1, int tid) {
  const float* a = p.a + bt * p.strideA;
  const float* b = p.b + bt * p.strideB;
  float* c = p.c + bt * p.strideC;
  float* tmp = static_cast<float*>(scratch(tid, kPackA, p.k * sizeof(float)));
  if (p.n == 1)  // C[:, 0] = op(A) · op(B)[:, 0]
    gemv(i0, i1, p.k, a, p.transA ? 1 : p.lda, p.transA ? p.lda : 1, b, p.transB ? 1 : p.ldb, c, p.ldc, p.alpha, p.beta, tmp);
  else  // C[0, :] = op(B)ᵀ · op(A)[0, :]
    gemv(j0, j1, p.k, b, p.transB ? p.ldb : 1, p.transB ? 1 : p.ldb, a, p.transA ? p.lda : 1, c, 1, p.alpha, p.beta, tmp);
}

/**
 * Whether a row-major B can be read in place: a panel's kc rows (one or two cache lines each)
 * must fit in L1 without piling into a few of its sets (ldb a multiple of 1024 floats puts
 * every row in the same set of the 64-set, 8-way L1).
 */
inline bool fitsL1(long ld, long kc, long linesPerRow) {
  const long lines = kc * linesPerRow;
  long g = (ld * 4) & 4095;  // gcd(ld·4, 4096)
  g = g == 0 ? 4096 : g & -g;
  const long sets = 4096 / (g < 64 ? 64 : g);
  return lines <= 384 && lines <= sets * 6;
}
inline bool directB(const GemmProblem<float>& p, long kc) { return !p.transB && fitsL1(p.ldb, kc, p.ldb % NR == 0 ? 1 : 2); }
/** A row-major A is always read in place (six rows, each contiguous); a transposed one like B. */
inline bool directA(const GemmProblem<float>& p, long kc) { return !p.transA || fitsL1(p.lda, kc, 1); }

struct Plan {
  bool rows;    // chunks are ranges of rows (all columns), else ranges of columns (all rows)
  long chunk;   // rows (a multiple of MR) or columns (a multiple of NR) per chunk
  long chunks;  // per batch item
  long kc;      // k block
  bool packB;   // op(B) is packed (transposed, or an awkward ldb), else read in place (a ragged panel packed)
  bool packA;   // op(A) is packed (transposed with an awkward lda), else read in place
  bool perItem; // chunks are (item, range); else a chunk runs its range over every item in turn
  long total;   // chunks in all
};

/**
 * Per thread: what its buffers hold, so that its chunks of one batch item pack B (row chunks)
 * or A (column chunks) once.
 */
struct Memo {
  const float* bBuf = nullptr;              // kPackB holds op(B)[block pc, j0:j1] of item bt
  long bt = -1, pc = -1, j0 = -1, j1 = -1;  // (pc = -1: all of k)
  const float* aBuf = nullptr;              // kPackA holds all of op(A) of item aBt
  long aBt = -1;
};

/**
 * Floats of packed B a thread needs for chunks up to width columns: a chunk packs all of k
 * when that fits the memo, else one block of kc.
 */
inline long bFloats(long width, long k, long kc) {
  const long all = width * k;
  return all <= kMemoFloats ? all : (width * kc > kMemoFloats ? width * kc : kMemoFloats);
}

/** Floats of packed A a thread needs: all of op(A) when it fits the memo, else one block. */
inline long packedAFloats(const GemmProblem<float>& p, const Plan& pl) {
  const long mPad = ceilDiv(p.m, MR) * MR;
  return mPad * p.k <= kMemoFloats ? mPad * p.k : ceilDiv(smin(kMc, p.m), MR) * MR * pl.kc;
}

/** C[i0:i1, j0:j1] of batch item bt (all of k), with thread tid's buffers. */
inline void chunk(const GemmProblem<float>& p, const Plan& plan, long bt, long i0, long i1, long j0, long j1, int tid,
                  Memo& memo) {
  const float* a = p.a + bt * p.strideA;
  const float* b = p.b + bt * p.strideB;
  float* c = p.c + bt * p.strideC;
  const long csA = p.transA ? p.lda : 1;
  // With B read in place only a ragged last panel is packed (when this chunk has it).
  const long jEdge = p.n / NR * NR;
  const bool ragged = !plan.packB && j1 > jEdge;
  const long pj0 = plan.packB ? j0 : jEdge, width = ceilDiv(j1 - pj0, NR) * NR;
  // All of k is packed at once when it fits (row chunks then share it), else block by block.
  const bool whole = width * p.k <= kMemoFloats;
  float* const bpAll =
      plan.packB || ragged ? static_cast<float*>(scratch(tid, kPackB, bFloats(width, p.k, plan.kc) * sizeof(float))) : nullptr;
  // A packed (see Plan::packA): for column chunks all of it at once when it fits (they then
  // share it), else block by block.
  const long mPad = ceilDiv(p.m, MR) * MR;
  const bool wholeA = plan.packA && !plan.rows && mPad * p.k <= kMemoFloats;
  float* const apAll = plan.packA ? static_cast<float*>(scratch(tid, kPackA, packedAFloats(p, plan) * sizeof(float))) : nullptr;
  if (wholeA && (memo.aBuf != apAll || memo.aBt != bt)) {
    for (long q = 0; q < p.k; q += plan.kc) packA<F32>(a, p.lda, p.transA, 0, p.m, q, smin(plan.kc, p.k - q), apAll + q * mPad);
    memo.aBuf = apAll, memo.aBt = bt;
  }
  for (long pc = 0; pc < p.k; pc += plan.kc) {
    const long kc = smin(plan.kc, p.k - pc);
    const int beta = pc == 0 ? p.beta : 1;
    float* bp = nullptr;
    if (bpAll) {
      bp = whole ? bpAll + pc * width : bpAll;
      const long key = whole ? -1 : pc;
      if (memo.bBuf != bpAll || memo.bt != bt || memo.pc != key || memo.j0 != pj0 || memo.j1 != j1) {
        for (long q = whole ? 0 : pc; q < (whole ? p.k : pc + kc); q += plan.kc) {
          const long kq = smin(plan.kc, p.k - q);
          float* dst = whole ? bpAll + q * width : bpAll;
          for (long j = pj0; j < j1; j += NR)
            packPanel(b, p.ldb, p.transB, q, kq, j, static_cast<int>(smin(NR, j1 - j)), dst + (j - pj0) * kq);
        }
        memo.bBuf = bpAll, memo.bt = bt, memo.pc = key, memo.j0 = pj0, memo.j1 = j1;
      }
    }
    for (long ic = i0; ic < i1; ic += kMc) {
      const long ie = smin(i1, ic + kMc);
      float* ap = nullptr;
      if (wholeA) {
        ap = apAll + pc * mPad + ic * kc;
      } else if (plan.packA) {
        ap = apAll;
        packA<F32>(a, p.lda, p.transA, ic, ie - ic, pc, kc, ap);
      }
      for (long jr = j0; jr < j1; jr += NR) {
        const int nr = static_cast<int>(smin(NR, j1 - jr));
        const float* bj;
        long ldB;
        if (plan.packB) {
          bj = bp + (jr - j0) * kc, ldB = NR;
        } else if (jr >= jEdge) {
          bj = bp, ldB = NR;
        } else {
          bj = b + pc * p.ldb + jr, ldB = p.ldb;
        }
        for (long ir = ic; ir < ie; ir += MR) {
          const int mr = static_cast<int>(smin(MR, ie - ir));
          const float* rows[MR];
          for (int r = 0; r < MR; r++) {
            const long i = ir + (r < mr ? r : mr - 1);
            rows[r] = ap ? ap + (ir - ic) * kc + r : p.transA ? a + pc * p.lda + i : a + i * p.lda + pc;
          }
          const long cs = ap ? MR : csA;
          float* cij = c + ir * p.ldc + jr;
          switch (mr) {
            case 1: microKernelRows<1>(kc, rows, cs, bj, ldB, cij, p.ldc, p.alpha, beta, nr); break;
            case 2: microKernelRows<2>(kc, rows, cs, bj, ldB, cij, p.ldc, p.alpha, beta, nr); break;
            case 3: microKernelRows<3>(kc, rows, cs, bj, ldB, cij, p.ldc, p.alpha, beta, nr); break;
            case 4: microKernelRows<4>(kc, rows, cs, bj, ldB, cij, p.ldc, p.alpha, beta, nr); break;
            default: microKernelStrided(kc, rows, cs, bj, ldB, cij, p.ldc, p.alpha, beta, mr, nr);
          }
        }
      }
    }
  }
}

/** Chunk x of the plan. */
inline void runChunk(const GemmProblem<float>& p, const Plan& plan, long x, int tid, Memo& memo) {
  const long bt = plan.perItem ? x / plan.chunks : 0, r = plan.perItem ? x % plan.chunks : x;
  long i0 = 0, i1 = p.m, j0 = 0, j1 = p.n;
  if (plan.rows) {
    i0 = r * plan.chunk, i1 = smin(p.m, i0 + plan.chunk);
  } else {
    j0 = r * plan.chunk, j1 = smin(p.n, j0 + plan.chunk);
  }
  const bool vector = p.n == 1 || p.m == 1;
  for (long b = plan.perItem ? bt : 0; b < (plan.perItem ? bt + 1 : p.batch); b++)
    vector ? gemvChunk(p, b, i0, i1, j0, j1, tid) : chunk(p, plan, b, i0, i1, j0, j1, tid, memo);
}

/** Splits C into chunks of whole tiles, up to 8 per thread (fewer when the work is small). */
inline Plan plan(const GemmProblem<float>& p, int nthreads, bool disjointC) {
  Plan pl;
  pl.kc = kBlock(p.k);
  pl.packB = !directB(p, pl.kc);
  pl.packA = !directA(p, pl.kc);
  const long tm = ceilDiv(p.m, MR), tn = ceilDiv(p.n, NR);
  if (p.n == 1 || p.m == 1) {
    pl.rows = p.n == 1;
  } else {
    // Row chunks each need all of packed B, column chunks all of packed A: split the side whose
    // packing is not repeated (B packed once per thread when it fits the memo; transposing
    // A costs about twice as much per float as copying B), else the longer one, but keep at
    // least two chunks per thread.
    const double never = 1e300;
    const double dupRows = pl.packB ? (ceilDiv(p.n, NR) * NR * p.k <= kMemoFloats ? double(p.n) * p.k : never) : 0;
    const double dupCols = pl.packA ? (ceilDiv(p.m, MR) * MR * p.k <= kMemoFloats ? 2.0 * p.m * p.k : never) : 0;
    pl.rows = dupRows != dupCols ? dupRows < dupCols : tm * MR >= tn * NR;
    const long few = 2L * (nthreads < 1 ? 1 : nthreads);
    if (pl.rows && tm < few && tn >= few && dupCols < never) pl.rows = false;
    if (!pl.rows && tn < few && tm >= few && dupRows < never) pl.rows = true;
  }
  const long tiles = pl.rows ? tm : tn;
  pl.perItem = disjointC;
  const double work = double(p.m) * p.n * p.k * (disjointC ? 1 : p.batch);
  // Chunks of at least ~64K multiply-adds (1–2 µs), up to 8 per thread.
  long want = nthreads <= 1 ? 1 : 8L * nthreads;
  const long byWork = static_cast<long>(work / 65536.0);
  if (want > byWork) want = byWork < 1 ? 1 : byWork;
  if (pl.perItem && p.batch >= want) want = 1;  // whole items are chunks enough
  else if (pl.perItem) want = ceilDiv(want, p.batch);
  if (want > tiles) want = tiles;
  const long perChunk = ceilDiv(tiles, want);
  pl.chunk = perChunk * (pl.rows ? MR : NR);
  pl.chunks = ceilDiv(tiles, perChunk);
  pl.total = pl.chunks * (pl.perItem ? p.batch : 1);
  return pl;
}

/** The packed-B floats one thread may need (what reserve must set aside). */
inline long scratchFloats(const GemmProblem<float>& p, const Plan& pl) {
  if (p.n == 1 || p.m == 1) return 0;
  const long width = pl.packB ? ceilDiv(pl.rows ? p.n : smin(pl.chunk, p.n), NR) * NR : p.n % NR ? NR : 0;
  return bFloats(width, p.k, pl.kc);
}

struct Job {
  const GemmProblem<float>* p;
  Plan plan;
  ChunkQueue queue;
};

inline void task(void* ctx, int tid, int nthreads) {
  Job& job = *static_cast<Job*>(ctx);
  Memo memo;
  for (long x; (x = job.queue.next(tid)) >= 0;) runChunk(*job.p, job.plan, x, tid, memo);
}

/** Threaded over the pool (eagerly: see gemm_eager.h); nthreads = 1 runs on the caller. */
inline void run(const GemmProblem<float>& p, int nthreads, bool disjointC, bool wake) {
  Job job;
  job.p = &p;
  job.plan = plan(p, nthreads, disjointC);
  if (job.plan.total < nthreads) nthreads = static_cast<int>(job.plan.total);
  job.queue.init(job.plan.total, nthreads);
  const long floats = scratchFloats(p, job.plan);
  for (int t = 0; t < nthreads; t++) {  // allocation may throw: do it here
    scratch(t, kPackB, floats * sizeof(float));
    if (job.plan.packA) scratch(t, kPackA, packedAFloats(p, job.plan) * sizeof(float));
    if (p.n == 1 || p.m == 1) scratch(t, kPackA, p.k * sizeof(float));
  }
  poolRunEager(nthreads, task, &job, wake);
}

/** Sets aside thread tid's buffers for any m×n×k problem (whatever its transposes and strides). */
inline void reserve(int tid, long m, long n, long k) {
  if (m < 1 || n < 1 || k < 1) return;
  const long kc = kBlock(k), width = ceilDiv(n, NR) * NR, mPad = ceilDiv(m, MR) * MR;
  scratch(tid, kPackB, bFloats(width, k, kc) * sizeof(float));
  long aFloats = mPad * k <= kMemoFloats ? mPad * k : ceilDiv(smin(kMc, m), MR) * MR * kc;
  if (aFloats < k) aFloats = k;  // the matrix × vector case's copy of a strided vector
  scratch(tid, kPackA, aFloats * sizeof(float));
}

/** On the calling thread with tid's buffers (inside a pool task), which reserve() set aside. */
inline void serial(const GemmProblem<float>& p, int tid) {
  const bool disjointC = true;  // one thread runs the items in order either way
  const Plan pl = plan(p, 1, disjointC);
  Memo memo;
  for (long x = 0; x < pl.total; x++) runChunk(p, pl, x, tid, memo);
}

}  // namespace small
}  // namespace avx2
}  // namespace gu
