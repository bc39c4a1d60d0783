// Per-thread scratch buffers for the CPU kernels.
#include "scratch.h"

#include <cstdlib>
#include <new>

namespace gu {
namespace {

constexpr int kMaxTid = 64;

struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
};
Buffer buffers[kMaxTid][kSlots];

}  // namespace

void* scratch(int tid, ScratchSlot slot, size_t bytes) {
  if (tid < 0 || tid >= kMaxTid) throw std::bad_alloc();
  Buffer& b = buffers[tid][slot];
  if (b.bytes >= bytes && b.data) return b.data;
  std::free(b.data);
  b.data = nullptr;
  b.bytes = 0;
  size_t rounded = ((bytes | 1) + 4095) & ~size_t(4095);  // grow in pages; never size 0
  b.data = std::aligned_alloc(64, rounded);
  if (!b.data) throw std::bad_alloc();
  b.bytes = rounded;
  return b.data;
}

void scratchRelease() {
  for (auto& row : buffers)
    for (auto& b : row) {
      std::free(b.data);
      b = Buffer();
    }
}

}  // namespace gu
