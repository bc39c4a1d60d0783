// Per-thread scratch buffers (packed GEMM panels, im2col columns) that grow on demand and
// are kept between calls, so that a training loop allocates nothing after its first step.
#pragma once
#include <cstddef>

namespace gu {

enum ScratchSlot {
  kPackA = 0, kPackB = 1, kCols = 2, kPartial = 3, kStage = 4, kTable = 5,
  kPadded = 6, kTile = 7, kWeightT = 8, kOffsets = 9,  // the direct convolution's (conv_direct.cc)
  kSlots = 10
};

/** A 64-byte aligned buffer of at least bytes for thread tid (tid < 64); throws std::bad_alloc. */
void* scratch(int tid, ScratchSlot slot, size_t bytes);
/** Frees every buffer (at exit). */
void scratchRelease();

}  // namespace gu
