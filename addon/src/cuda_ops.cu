// The kernels of CUDA tensors besides GEMM and conv: one expression kernel that runs any
// elementwise op record (its formula lowered to byte code by packages/tensor/src/device/program.ts)
// over broadcast strided operands of any dtype, computing in double as the CPU loops do; the
// reductions over one dim; and the index kernels (index_select/index_add, gather/scatter_add).
#include "cuda_device.h"
#include "cuda_gemm.h"
#include "cuda_tensor.h"

#ifdef GU_CUDA_EMULATE
#include <cmath>
#define GU_MATH(f) std::f
#define GU_BY_VALUE(T) const T&  // the emulator calls the kernel once per thread: no 2 KB copy each time
#else
#define GU_MATH(f) f
#define GU_BY_VALUE(T) T
#endif

namespace gu {
namespace cuda {
namespace {

// Opcodes: keep in step with OPCODES in packages/tensor/src/device/program.ts.
enum Op {
  kLoad = 0, kConst, kNeg, kNot, kAdd, kSub, kMul, kDiv, kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr, kSelect,
  kExp = 32, kLog, kLog1p, kExpm1, kSqrt, kSin, kCos, kTanh, kAbs, kFloor, kCeil, kRint, kPow, kFmod, kIsfinite, kSigmoid, kErf,
};

__device__ inline double loadAs(const void* p, int dt, long long i) {
  switch (dt) {
    case kF32: return static_cast<const float*>(p)[i];
    case kF64: return static_cast<const double*>(p)[i];
    case kI32: return static_cast<const int*>(p)[i];
    default: return static_cast<const unsigned char*>(p)[i];
  }
}

__device__ inline void storeAs(void* p, int dt, long long i, double v) {
  switch (dt) {
    case kF32: static_cast<float*>(p)[i] = static_cast<float>(v); break;
    case kF64: static_cast<double*>(p)[i] = v; break;
    case kI32: static_cast<int*>(p)[i] = static_cast<int>(v); break;  // the host checked the int32 range
    default: static_cast<unsigned char*>(p)[i] = v != 0 ? 1 : 0;
  }
}

__device__ inline double sigmoidOf(double x) { return x >= 0 ? 1 / (1 + GU_MATH(exp)(-x)) : GU_MATH(exp)(x) / (1 + GU_MATH(exp)(x)); }

__global__ void exprKernel(GU_BY_VALUE(ExprCall) c, long long total) {
  GU_GRID_LOOP(e, total) {
    long long rem = e, po = c.outOffset;
    long long pin[kMaxOperands];
    for (int k = 0; k < c.nin; k++) pin[k] = c.inOffset[k];
    for (int d = c.ndim - 1; d >= 0; d--) {
      const long long n = c.shape[d], i = rem % n;
      rem /= n;
      po += i * c.outStrides[d];
      for (int k = 0; k < c.nin; k++) pin[k] += i * c.inStrides[k][d];
    }
    double st[16];
    int sp = 0;
    for (int pc = 0; pc < c.progLen; pc++) {
      const int ins = c.prog[pc], op = ins & 255, arg = ins >> 8;
      switch (op) {
        case kLoad: st[sp++] = loadAs(c.in[arg], c.inDtype[arg], pin[arg]); break;
        case kConst: st[sp++] = c.consts[arg]; break;
        case kNeg: st[sp - 1] = -st[sp - 1]; break;
        case kNot: st[sp - 1] = st[sp - 1] == 0 ? 1 : 0; break;
        case kSelect: { const double b = st[--sp], a = st[--sp]; st[sp - 1] = st[sp - 1] != 0 ? a : b; break; }
        case kExp: st[sp - 1] = GU_MATH(exp)(st[sp - 1]); break;
        case kLog: st[sp - 1] = GU_MATH(log)(st[sp - 1]); break;
        case kLog1p: st[sp - 1] = GU_MATH(log1p)(st[sp - 1]); break;
        case kExpm1: st[sp - 1] = GU_MATH(expm1)(st[sp - 1]); break;
        case kSqrt: st[sp - 1] = GU_MATH(sqrt)(st[sp - 1]); break;
        case kSin: st[sp - 1] = GU_MATH(sin)(st[sp - 1]); break;
        case kCos: st[sp - 1] = GU_MATH(cos)(st[sp - 1]); break;
        case kTanh: st[sp - 1] = GU_MATH(tanh)(st[sp - 1]); break;
        case kAbs: st[sp - 1] = GU_MATH(fabs)(st[sp - 1]); break;
        case kFloor: st[sp - 1] = GU_MATH(floor)(st[sp - 1]); break;
        case kCeil: st[sp - 1] = GU_MATH(ceil)(st[sp - 1]); break;
        case kRint: st[sp - 1] = GU_MATH(rint)(st[sp - 1]); break;
        case kIsfinite: st[sp - 1] = (st[sp - 1] - st[sp - 1] == 0) ? 1 : 0; break;
        case kSigmoid: st[sp - 1] = sigmoidOf(st[sp - 1]); break;
        case kErf: st[sp - 1] = GU_MATH(erf)(st[sp - 1]); break;
        default: {  // binary
          const double b = st[--sp], a = st[sp - 1];
          double r;
          switch (op) {
            case kAdd: r = a + b; break;
            case kSub: r = a - b; break;
            case kMul: r = a * b; break;
            case kDiv: r = a / b; break;
            case kLt: r = a < b; break;
            case kLe: r = a <= b; break;
            case kGt: r = a > b; break;
            case kGe: r = a >= b; break;
            case kEq: r = a == b; break;
            case kNe: r = a != b; break;
            case kAnd: r = (a != 0 && b != 0); break;
            case kOr: r = (a != 0 || b != 0); break;
            case kPow: r = GU_MATH(pow)(a, b); break;
            case kFmod: r = GU_MATH(fmod)(a, b); break;
            default: r = 0.0 / 0.0;  // an unknown opcode: NaN, and program.ts never writes one
          }
          st[sp - 1] = r;
        }
      }
    }
    storeAs(c.out, c.outDtype, po, st[0]);
  }
}

/** One thread per (o, i): a sequential pass over j, accumulating in double. */
__global__ void reduceStrided(int op, const float* __restrict__ in, void* out, long long outer, long long n, long long inner) {
  GU_GRID_LOOP(e, outer * inner) {
    const long long o = e / inner, i = e % inner;
    const float* p = in + o * n * inner + i;
    double acc = op == kSum ? 0.0 : op == kProd ? 1.0 : p[0];
    long long best = 0;
    for (long long j = (op == kSum || op == kProd) ? 0 : 1; j < n; j++) {
      const double v = p[j * inner];
      switch (op) {
        case kSum: acc += v; break;
        case kProd: acc *= v; break;
        case kMax: case kArgmax: if (acc == acc && (v != v || v > acc)) { acc = v; best = j; } break;
        default: if (acc == acc && (v != v || v < acc)) { acc = v; best = j; } break;
      }
    }
    if (op == kArgmax || op == kArgmin) static_cast<int*>(out)[e] = static_cast<int>(best);
    else static_cast<float*>(out)[e] = static_cast<float>(acc);
  }
}

constexpr int kRowThreads = 256;
/** A sum over long rows (inner = 1): one block per row, a tree in shared memory. */
__global__ void sumRows(const float* __restrict__ in, float* __restrict__ out, long long n) {
  __shared__ double part[kRowThreads];
  const float* p = in + static_cast<long long>(blockIdx.x) * n;
  double s = 0;
  for (long long j = threadIdx.x; j < n; j += kRowThreads) s += p[j];
  part[threadIdx.x] = s;
  __syncthreads();
  for (int w = kRowThreads / 2; w > 0; w /= 2) {
    if (static_cast<int>(threadIdx.x) < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = static_cast<float>(part[0]);
}

__global__ void indexSelectKernel(const float* __restrict__ in, const int* __restrict__ idx, float* __restrict__ out,
                                  long long outer, long long n, long long m, long long inner) {
  GU_GRID_LOOP(e, outer * m * inner) {
    const long long i = e % inner, k = (e / inner) % m, o = e / (inner * m);
    out[e] = in[(o * n + idx[k]) * inner + i];
  }
}

__global__ void indexAddKernel(const float* __restrict__ src, const int* __restrict__ idx, float* __restrict__ out,
                               long long outer, long long n, long long m, long long inner) {
  GU_GRID_LOOP(e, outer * m * inner) {
    const long long i = e % inner, k = (e / inner) % m, o = e / (inner * m);
    atomicAdd(out + (o * n + idx[k]) * inner + i, src[e]);
  }
}

__global__ void indexCopyKernel(const float* __restrict__ src, const int* __restrict__ idx, float* __restrict__ out,
                                long long outer, long long n, long long m, long long inner) {
  GU_GRID_LOOP(e, outer * m * inner) {
    const long long i = e % inner, k = (e / inner) % m, o = e / (inner * m);
    out[(o * n + idx[k]) * inner + i] = src[e];  // repeated indices: one of the writes wins, as in PyTorch
  }
}

__global__ void gatherKernel(const float* __restrict__ in, const int* __restrict__ idx, float* __restrict__ out,
                             long long outer, long long n, long long kk, long long inner) {
  GU_GRID_LOOP(e, outer * kk * inner) {
    const long long i = e % inner, o = e / (inner * kk);
    out[e] = in[(o * n + idx[e]) * inner + i];
  }
}

__global__ void scatterAddKernel(const float* __restrict__ src, const int* __restrict__ idx, float* __restrict__ out,
                                 long long outer, long long n, long long kk, long long inner) {
  GU_GRID_LOOP(e, outer * kk * inner) {
    const long long i = e % inner, o = e / (inner * kk);
    atomicAdd(out + (o * n + idx[e]) * inner + i, src[e]);
  }
}

__global__ void findBad(const int* __restrict__ idx, long long count, long long n, long long* first) {
  GU_GRID_LOOP(e, count) if (idx[e] < 0 || idx[e] >= n) atomicMin(reinterpret_cast<long long*>(first), e);
}

__global__ void poolForward(int kind, const float* __restrict__ x, float* __restrict__ out, int* __restrict__ arg,
                            const int* __restrict__ tab, const float* __restrict__ div, long long planes, long long H, long long W,
                            long long OH, long long OW) {
  const int *hs = tab, *he = tab + OH, *ws = tab + 2 * OH, *we = tab + 2 * OH + OW;
  GU_GRID_LOOP(o, planes * OH * OW) {
    const long long pl = o / (OH * OW), i = (o / OW) % OH, j = o % OW;
    const float* p = x + pl * H * W;
    if (kind == 0) {
      float best = -INFINITY;
      int bi = hs[i] * static_cast<int>(W) + ws[j];
      for (int h = hs[i]; h < he[i]; h++)
        for (int w = ws[j]; w < we[j]; w++) {
          const float v = p[h * W + w];
          if (v > best || v != v) { best = v; bi = static_cast<int>(h * W + w); }
        }
      out[o] = best;
      arg[o] = bi;
    } else {
      double acc = 0;
      for (int h = hs[i]; h < he[i]; h++)
        for (int w = ws[j]; w < we[j]; w++) acc += p[h * W + w];
      out[o] = static_cast<float>(acc / div[i * OW + j]);
    }
  }
}

__global__ void poolBackward(int kind, const float* __restrict__ g, float* __restrict__ gx, const int* __restrict__ arg,
                             const int* __restrict__ tab, const float* __restrict__ div, long long planes, long long H, long long W,
                             long long OH, long long OW) {
  const int *hs = tab, *he = tab + OH, *ws = tab + 2 * OH, *we = tab + 2 * OH + OW;
  GU_GRID_LOOP(o, planes * OH * OW) {
    const long long pl = o / (OH * OW), i = (o / OW) % OH, j = o % OW;
    float* q = gx + pl * H * W;
    if (kind == 1) {
      atomicAdd(q + arg[o], g[o]);
    } else {
      const float v = static_cast<float>(g[o] / div[i * OW + j]);
      for (int h = hs[i]; h < he[i]; h++)
        for (int w = ws[j]; w < we[j]; w++) atomicAdd(q + h * W + w, v);
    }
  }
}

}  // namespace

void pool2d(int kind, const float* src, float* out, int* arg, const int* tables, const float* divisor, long long planes, long long H,
            long long W, long long OH, long long OW) {
  const long long n = planes * OH * OW;
  if (n == 0) return;
  if (kind == 0 || kind == 2)
    GU_LAUNCH(poolForward, blocksFor(n), kThreads)(kind, src, out, arg, tables, divisor, planes, H, W, OH, OW);
  else
    GU_LAUNCH(poolBackward, blocksFor(n), kThreads)(kind, src, out, arg, tables, divisor, planes, H, W, OH, OW);
  checkLaunch("pool kernel");
}

void runExpr(const ExprCall& c) {
  long long total = 1;
  for (int d = 0; d < c.ndim; d++) total *= c.shape[d];
  if (total == 0) return;
  GU_LAUNCH(exprKernel, blocksFor(total), kThreads)(c, total);
  checkLaunch("expression kernel");
}

void reduce(ReduceOp op, const float* in, void* out, long long outer, long long n, long long inner) {
  if (outer * inner == 0) return;
  if (op == kSum && inner == 1 && n >= 4096) {
    for (long long o0 = 0; o0 < outer; o0 += 65535) {
      const long long rows = outer - o0 < 65535 ? outer - o0 : 65535;
      GU_LAUNCH_SYNC(sumRows, dim3(static_cast<unsigned>(rows)), kRowThreads)(in + o0 * n, static_cast<float*>(out) + o0, n);
    }
  } else {
    GU_LAUNCH(reduceStrided, blocksFor(outer * inner), kThreads)(static_cast<int>(op), in, out, outer, n, inner);
  }
  checkLaunch("reduce kernel");
}

void indexOp(IndexKind kind, const float* src, const int* idx, float* out, long long outer, long long n, long long m, long long inner) {
  using Kernel = void (*)(const float*, const int*, float*, long long, long long, long long, long long);
  static const Kernel kernels[] = {indexSelectKernel, indexAddKernel, gatherKernel, scatterAddKernel, indexCopyKernel};
  static const char* const names[] = {"index_select kernel", "index_add kernel", "gather kernel", "scatter_add kernel", "index_copy kernel"};
  if (outer * m * inner == 0) return;
  GU_LAUNCH(kernels[kind], blocksFor(outer * m * inner), kThreads)(src, idx, out, outer, n, m, inner);
  checkLaunch(names[kind]);
}

long long firstBadIndex(const int* idx, long long count, long long n, int* badValue) {
  if (count == 0) return -1;
  long long* first = reinterpret_cast<long long*>(buffer(kFlag, 4));
  const long long none = count;
  copyToDevice(first, &none, sizeof none);
  GU_LAUNCH(findBad, blocksFor(count), kThreads)(idx, count, n, first);
  checkLaunch("index check kernel");
  long long at = 0;
  copyToHost(&at, first, sizeof at);
  if (at >= count) return -1;
  copyToHost(badValue, idx + at, sizeof(int));
  return at;
}

void gemmDevice(const GemmProblem<float>& p) {
  requireDevice("cuda gemm");
  gemmOnDevice(p);
}

}  // namespace cuda
}  // namespace gu
