// A CPU emulation of the few CUDA runtime pieces the addon uses, so that addon/emulate/run.sh can
// run the CUDA kernels without a GPU. Memory from cudaMalloc starts as 0xFF bytes (NaN) to expose unwritten reads.
#pragma once
#include <barrier>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

struct dim3 { unsigned x, y, z; dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;
struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
#define __global__
#define __shared__ static
#define __launch_bounds__(x)
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict
#define __host__
#define __device__

inline std::barrier<>* emuBarrier = nullptr;
inline thread_local bool emuSequential = false;
inline void __syncthreads() { assert(!emuSequential && "syncthreads in a sequential launch"); emuBarrier->arrive_and_wait(); }

typedef int cudaError_t;
enum { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorNoDevice = 100, cudaErrorNoKernelImageForDevice = 209 };
enum cudaMemcpyKind { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost };
struct cudaDeviceProp { char name[256]; int major, minor; size_t totalGlobalMem; };
inline const char* cudaGetErrorName(cudaError_t) { return "cudaErrorEmu"; }
inline const char* cudaGetErrorString(cudaError_t) { return "emulated error"; }
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int) { strcpy(p->name, "Emulated"); p->major = 8; p->minor = 0; p->totalGlobalMem = 1ull << 34; return cudaSuccess; }
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
inline cudaError_t cudaMalloc(void** p, size_t n) {
  *p = aligned_alloc(256, (n + 255) / 256 * 256); if (!*p) return cudaErrorMemoryAllocation;
  memset(*p, 0xFF, n); return cudaSuccess;
}
inline cudaError_t cudaFree(void* p) { free(p); return cudaSuccess; }
inline cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) { memcpy(d, s, n); return cudaSuccess; }

template <class K, class... A>
void emuLaunchSeq(K kernel, dim3 grid, dim3 block, A... args) {
  blockDim = block; gridDim = grid; emuSequential = true;
  assert(grid.x >= 1 && grid.x <= 2147483647u && grid.y <= 65535 && grid.z <= 65535 && block.x * block.y * block.z <= 1024);
  for (unsigned z = 0; z < grid.z; z++) for (unsigned y = 0; y < grid.y; y++) for (unsigned x = 0; x < grid.x; x++)
    for (unsigned t = 0; t < block.x; t++) { blockIdx = dim3(x, y, z); threadIdx = dim3(t, 0, 0); kernel(args...); }
  emuSequential = false;
}

template <class K, class... A>
void emuLaunchSync(K kernel, dim3 grid, dim3 block, A... args) {
  blockDim = block; gridDim = grid;
  assert(grid.y <= 65535 && grid.z <= 65535 && block.x <= 1024);
  const unsigned nt = block.x;
  for (unsigned z = 0; z < grid.z; z++) for (unsigned y = 0; y < grid.y; y++) for (unsigned x = 0; x < grid.x; x++) {
    std::barrier<> bar(nt); emuBarrier = &bar;
    std::vector<std::thread> ts;
    for (unsigned t = 0; t < nt; t++) ts.emplace_back([=] { blockIdx = dim3(x, y, z); threadIdx = dim3(t, 0, 0); kernel(args...); });
    for (auto& th : ts) th.join();
  }
}
