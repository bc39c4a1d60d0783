// The caching allocator behind CUDA tensors, as PyTorch's: a freed block goes back to a free list
// of its size class instead of to cudaFree, so a training step that allocates the same sizes each
// time stops calling the driver after the first. Classes: multiples of 512 B up to 1 MiB, then
// four per power of two (≤ 25% slack). emptyCache() returns the free blocks to the driver; out of
// memory first empties the cache and retries, then throws OutOfMemory with the sizes.
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cuda_api.h"
#include "cuda_device.h"
#include "cuda_tensor.h"

namespace gu {
namespace cuda {
namespace {

std::mutex mu;
std::unordered_map<size_t, std::vector<void*>> freeLists;
size_t cachedBytes = 0;  // in the free lists
MemoryStats stats{};

size_t sizeClass(size_t bytes) {
  if (bytes <= 512) return 512;
  if (bytes <= (1u << 20)) return (bytes + 511) / 512 * 512;
  size_t p = 1u << 20;
  while (p * 2 < bytes) p *= 2;  // p < bytes ≤ 2p: classes p·1.25, p·1.5, p·1.75, 2p
  const size_t step = p / 4;
  return (bytes + step - 1) / step * step;
}

std::string mib(double b) {
  char s[32];
  snprintf(s, sizeof s, "%.2f MiB", b / (1 << 20));
  return s;
}

void releaseCached() {
  for (auto& [size, list] : freeLists)
    for (void* p : list) cudaFree(p);
  stats.reserved -= static_cast<double>(cachedBytes);
  cachedBytes = 0;
  freeLists.clear();
}

}  // namespace

void* deviceAlloc(size_t bytes, size_t* rounded) {
  requireDevice("cuda alloc");
  const size_t size = sizeClass(bytes);
  std::lock_guard<std::mutex> lock(mu);
  *rounded = size;
  stats.allocations++;
  void* p = nullptr;
  auto it = freeLists.find(size);
  if (it != freeLists.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
    cachedBytes -= size;
  } else {
    cudaError_t e = cudaMalloc(&p, size);
    if (e == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      releaseCached();
      e = cudaMalloc(&p, size);
    }
    if (e == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      size_t freeB = 0, total = 0;
      cudaMemGetInfo(&freeB, &total);
      throw OutOfMemory("cuda: out of memory: tried to allocate " + mib(double(size)) + "; " + mib(stats.allocated) +
                        " already allocated by tensors, " + mib(double(freeB)) + " free of " + mib(double(total)) +
                        " on the device. Free tensors you no longer need (drop references; cuda.emptyCache() returns "
                        "cached blocks), or use a smaller batch");
    }
    check(e, "cudaMalloc");
    stats.cudaMallocs++;
    stats.reserved += static_cast<double>(size);
    if (stats.reserved > stats.maxReserved) stats.maxReserved = stats.reserved;
  }
  stats.allocated += static_cast<double>(size);
  if (stats.allocated > stats.maxAllocated) stats.maxAllocated = stats.allocated;
  return p;
}

void deviceFree(void* p, size_t rounded) {
  if (!p) return;
  std::lock_guard<std::mutex> lock(mu);
  freeLists[rounded].push_back(p);
  cachedBytes += rounded;
  stats.allocated -= static_cast<double>(rounded);
}

MemoryStats memoryStats() {
  std::lock_guard<std::mutex> lock(mu);
  return stats;
}

void resetPeakMemoryStats() {
  std::lock_guard<std::mutex> lock(mu);
  stats.maxAllocated = stats.allocated;
  stats.maxReserved = stats.reserved;
}

void emptyCache() {
  if (!status().ok) return;
  std::lock_guard<std::mutex> lock(mu);
  releaseCached();
}

void copyToDevice(void* dst, const void* src, size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "copy to device");
}
void copyToHost(void* dst, const void* src, size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "copy to host");
}
void copyOnDevice(void* dst, const void* src, size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice), "copy on device");
}
void synchronize() { check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }

}  // namespace cuda
}  // namespace gu
