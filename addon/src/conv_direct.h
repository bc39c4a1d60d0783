// Direct convolution forward (no im2col, no GEMM) for small maps with 4 to 64 output channels:
// vectorised over the output channels. conv2d.cc takes it where directSuited() says so.
// Compiled for AVX2/FMA.
#pragma once
#include "conv2d.h"

namespace gu {

/** Small output rows (< 16, at least 4 pixels), 4 to 64 output channels, at most 2048 taps. */
bool directSuited(const ConvGeometry& g);
void conv2dForwardDirect(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out);

}  // namespace gu
