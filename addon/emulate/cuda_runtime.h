// A CPU emulation of the few CUDA runtime pieces the addon uses, so that the CUDA sources build as
// plain C++ (GU_CUDA_EMULATE) and run without a GPU: in addon/emulate/run.sh's harness and in the
// emulated addon (scripts/build-addon.mjs --emulate) that the device tests load. Memory from
// cudaMalloc starts as 0xFF bytes (NaN) to expose unwritten reads. GROUNDUP_EMU_MEMORY_MB caps the
// emulated device memory (so out-of-memory paths can be tested).
#pragma once
#ifndef GU_CUDA_EMULATE
#define GU_CUDA_EMULATE 1
#endif
#include <mutex>
#include <unordered_map>
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
// -DGU_EMU_THREADS: one OS thread per CUDA thread of a __syncthreads kernel, with a std::barrier
// (the old way: real concurrency, but thousands of threads per launch).
#ifdef GU_EMU_THREADS
inline void __syncthreads() { assert(!emuSequential && "syncthreads in a sequential launch"); emuBarrier->arrive_and_wait(); }
#else
// By default each CUDA thread of a block is a fiber (ucontext) on the calling thread: __syncthreads
// switches back to the block's scheduler, which runs every other fiber to the same barrier first.
// Deterministic, and far cheaper than OS threads (run.sh: 1 min instead of 4). ASan warns once that
// it does not fully support swapcontext; the harness passes under it.
#include <csetjmp>
#include <functional>
#include <ucontext.h>
// A fiber starts on its own stack through swapcontext (once per block); afterwards the switches
// are _setjmp/_longjmp, which, unlike swapcontext, make no sigprocmask system call.
struct EmuFiber { ucontext_t ctx; jmp_buf jb; std::vector<char> stack; bool done, started; };
inline ucontext_t emuSchedulerCtx;
inline jmp_buf emuSchedulerJb;
inline std::vector<EmuFiber> emuFibers;
inline int emuCurrent = -1;
inline std::function<void()> emuBody;
[[noreturn]] inline void emuFiberEntry() {
  emuBody();
  emuFibers[emuCurrent].done = true;
  _longjmp(emuSchedulerJb, 1);  // never return: uc_link would resume a stale scheduler context
}
inline void __syncthreads() {
  assert(!emuSequential && "syncthreads in a sequential launch");
  if (!_setjmp(emuFibers[emuCurrent].jb)) _longjmp(emuSchedulerJb, 1);
}
#endif

typedef int cudaError_t;
enum { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorNoDevice = 100, cudaErrorNoKernelImageForDevice = 209 };
enum cudaMemcpyKind { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
struct cudaDeviceProp { char name[256]; int major, minor; size_t totalGlobalMem; };
inline const char* cudaGetErrorName(cudaError_t e) { return e == cudaErrorMemoryAllocation ? "cudaErrorMemoryAllocation" : "cudaErrorEmu"; }
inline const char* cudaGetErrorString(cudaError_t e) { return e == cudaErrorMemoryAllocation ? "out of memory" : "emulated error"; }
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int) { strcpy(p->name, "CPU emulator (addon/emulate)"); p->major = 8; p->minor = 0; p->totalGlobalMem = 1ull << 34; return cudaSuccess; }
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
struct EmuMemory {
  std::mutex mu;
  std::unordered_map<void*, size_t> sizes;
  size_t used = 0;
  size_t limit() const {
    const char* v = std::getenv("GROUNDUP_EMU_MEMORY_MB");
    return v && *v ? size_t(std::strtoull(v, nullptr, 10)) << 20 : size_t(1) << 34;
  }
};
inline EmuMemory& emuMemory() { static EmuMemory m; return m; }
inline cudaError_t cudaMalloc(void** p, size_t n) {
  EmuMemory& m = emuMemory();
  std::lock_guard<std::mutex> lock(m.mu);
  if (m.used + n > m.limit()) { *p = nullptr; return cudaErrorMemoryAllocation; }
  *p = aligned_alloc(256, (n + 255) / 256 * 256 + 256); if (!*p) return cudaErrorMemoryAllocation;
  memset(*p, 0xFF, n); m.sizes[*p] = n; m.used += n; return cudaSuccess;
}
inline cudaError_t cudaFree(void* p) {
  if (!p) return cudaSuccess;
  EmuMemory& m = emuMemory();
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.sizes.find(p);
  if (it == m.sizes.end()) return cudaErrorInvalidValue;
  m.used -= it->second; m.sizes.erase(it); free(p); return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) { memcpy(d, s, n); return cudaSuccess; }
inline cudaError_t cudaMemset(void* d, int v, size_t n) { memset(d, v, n); return cudaSuccess; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
inline cudaError_t cudaMemGetInfo(size_t* free, size_t* total) {
  EmuMemory& m = emuMemory(); *total = m.limit(); *free = *total - m.used; return cudaSuccess;
}
inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }

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
#ifdef GU_EMU_THREADS
  for (unsigned z = 0; z < grid.z; z++) for (unsigned y = 0; y < grid.y; y++) for (unsigned x = 0; x < grid.x; x++) {
    std::barrier<> bar(nt); emuBarrier = &bar;
    std::vector<std::thread> ts;
    for (unsigned t = 0; t < nt; t++) ts.emplace_back([=] { blockIdx = dim3(x, y, z); threadIdx = dim3(t, 0, 0); kernel(args...); });
    for (auto& th : ts) th.join();
  }
#else
  constexpr size_t kStack = 128 * 1024;
  if (emuFibers.size() < nt) emuFibers.resize(nt);
  emuBody = [=] { kernel(args...); };
  for (unsigned z = 0; z < grid.z; z++) for (unsigned y = 0; y < grid.y; y++) for (unsigned x = 0; x < grid.x; x++) {
    for (unsigned t = 0; t < nt; t++) {
      EmuFiber& f = emuFibers[t];
      if (f.stack.size() < kStack) f.stack.resize(kStack);
      getcontext(&f.ctx);
      f.ctx.uc_stack.ss_sp = f.stack.data();
      f.ctx.uc_stack.ss_size = f.stack.size();
      f.ctx.uc_link = nullptr;
      makecontext(&f.ctx, reinterpret_cast<void (*)()>(emuFiberEntry), 0);
      f.done = false;
      f.started = false;
    }
    // Rounds: each unfinished fiber runs to its next __syncthreads (or its end), in thread order.
    for (unsigned left = nt; left > 0;) {
      for (unsigned t = 0; t < nt; t++) {
        EmuFiber& f = emuFibers[t];
        if (f.done) continue;
        emuCurrent = static_cast<int>(t);
        blockIdx = dim3(x, y, z); threadIdx = dim3(t, 0, 0);
        if (!_setjmp(emuSchedulerJb)) {
          if (!f.started) { f.started = true; swapcontext(&emuSchedulerCtx, &f.ctx); }
          else _longjmp(f.jb, 1);
        }
        if (f.done) left--;
      }
    }
  }
  emuCurrent = -1;
#endif
}

/** GU_LAUNCH(kernel, grid, block)(args...) under the emulator (cuda_launch.h). */
template <class K>
struct EmuLaunch {
  K kernel; dim3 grid, block; bool sync;
  template <class... A> void operator()(A... args) const {
    if (sync) emuLaunchSync(kernel, grid, block, args...); else emuLaunchSeq(kernel, grid, block, args...);
  }
};
template <class K> EmuLaunch<K> emuLaunch(K kernel, dim3 grid, dim3 block, bool sync) { return {kernel, grid, block, sync}; }
// Atomics: the emulator runs one CUDA thread at a time outside __syncthreads kernels.
inline float atomicAdd(float* a, float v) { float o = *a; *a = o + v; return o; }
inline double atomicAdd(double* a, double v) { double o = *a; *a = o + v; return o; }
inline long long atomicMin(long long* a, long long v) { long long o = *a; if (v < o) *a = v; return o; }
