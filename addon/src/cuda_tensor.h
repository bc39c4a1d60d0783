// The device side of CUDA tensors (tensors whose storage lives on the GPU): the caching allocator,
// copies, and the kernels the tensor package runs on device pointers. Plain C++; implemented by
// cuda_memory.cu and cuda_ops.cu with nvcc (or under the emulator), by cuda_stub.cc otherwise.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

#include "conv2d.h"
#include "gemm.h"

namespace gu {
namespace cuda {

/** Out of device memory even after emptying the cache: the message gives the sizes and the fix. */
struct OutOfMemory : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MemoryStats {
  double allocated, maxAllocated, reserved, maxReserved;  // bytes (size classes), as PyTorch counts them
  double allocations, cudaMallocs;                           // calls, for tests and benchmarks
};

/** A block of at least `bytes` from the cache (cudaMalloc only on a miss); *rounded is its size class. */
void* deviceAlloc(size_t bytes, size_t* rounded);
/** Returns a block to the cache (not to the driver). */
void deviceFree(void* p, size_t rounded);
MemoryStats memoryStats();
void resetPeakMemoryStats();
/** Frees every cached block (cudaFree) that no tensor holds. */
void emptyCache();

void copyToDevice(void* dst, const void* src, size_t bytes);
void copyToHost(void* dst, const void* src, size_t bytes);
void copyOnDevice(void* dst, const void* src, size_t bytes);
void synchronize();

// ---- the expression kernel: out ← program(operands) over an N-d broadcast, any dtypes ----
constexpr int kMaxDims = 8, kMaxOperands = 6, kMaxProgram = 256, kMaxConsts = 64;
enum DType { kF32 = 0, kF64 = 1, kI32 = 2, kBool = 3 };
/** Byte code: op | arg << 8 (see cuda_ops.cu for the opcodes; packages/tensor/src/device/program.ts writes it). */
struct ExprCall {
  int ndim;
  long long shape[kMaxDims];
  int nin;
  const void* in[kMaxOperands];
  int inDtype[kMaxOperands];
  long long inOffset[kMaxOperands];
  long long inStrides[kMaxOperands][kMaxDims];
  void* out;
  int outDtype;
  long long outOffset;
  long long outStrides[kMaxDims];
  int progLen;
  int prog[kMaxProgram];
  double consts[kMaxConsts];
};
void runExpr(const ExprCall& c);

enum ReduceOp { kSum = 0, kMax = 1, kMin = 2, kArgmax = 3, kArgmin = 4, kProd = 5 };
/** out[o][i] = op over j of in[o][j][i] for contiguous float32 in (outer × n × inner); argmax writes int32. */
void reduce(ReduceOp op, const float* in, void* out, long long outer, long long n, long long inner);
/**
 * The index kernels, over float32 values and int32 indices (checked in range before, by firstBadIndex).
 * With a 1-D idx of m entries: kIndexSelect out[o][k][i] = src[o][idx[k]][i]; kIndexAdd out[o][idx[k]][i] += src[o][k][i]
 * (atomic where indices repeat); kIndexCopy out[o][idx[k]][i] = src[o][k][i] (setitem). With idx shaped
 * outer × m × inner, along the middle dim: kGather out[o][k][i] = src[o][idx[o][k][i]][i]; kScatterAdd its backward.
 */
enum IndexKind { kIndexSelect = 0, kIndexAdd = 1, kGather = 2, kScatterAdd = 3, kIndexCopy = 4 };
void indexOp(IndexKind kind, const float* src, const int* idx, float* out, long long outer, long long n, long long m, long long inner);
/** Largest |idx| check on the device: the first index outside [0, n), or -1 (synchronises). */
long long firstBadIndex(const int* idx, long long count, long long n, int* badValue);

/**
 * 2-D pooling over planes of H×W into OH×OW windows given by tables (int32 on the device: row start,
 * row end, col start, col end). kind 0: max forward (out, arg = flat index in the plane); 1: max
 * backward (src = g, out += at arg); 2: average forward (divisor per window); 3: average backward.
 */
void pool2d(int kind, const float* src, float* out, int* arg, const int* tables, const float* divisor, long long planes, long long H,
            long long W, long long OH, long long OW);

/** gemm with device pointers (GemmProblem's a, b, c are device addresses). */
void gemmDevice(const GemmProblem<float>& p);
/** conv2d with device pointers. */
void conv2dForwardDevice(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* y);
void conv2dBackwardDataDevice(const ConvGeometry& g, const float* gy, const float* w, float* gx);
void conv2dBackwardWeightDevice(const ConvGeometry& g, const float* x, const float* gy, float* gw);

}  // namespace cuda
}  // namespace gu
