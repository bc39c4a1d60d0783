// Direct convolution (no im2col, no GEMM) for small maps with output channels in multiples of
// eight: vectorised over the output channels. conv2d.cc takes it where directSuited() says so.
// Compiled for AVX2/FMA.
#pragma once
#include "conv2d.h"

namespace gu {

/** Small output rows (< 16), 8·k output channels up to 64, at most 2048 taps. */
bool directSuited(const ConvGeometry& g);
void conv2dForwardDirect(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out);
void conv2dBackwardDataDirect(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput);
void conv2dBackwardWeightDirect(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight);

}  // namespace gu
