// Elementwise loops generated from the op records, and the channel sums of bias gradients.
#pragma once

namespace gu {

struct ElementwiseInfo {
  const char* key;
  const char* expr;
  int arrays;
  int params;
};

/** How many generated loops there are; their ids are 0..count−1. */
int elementwiseCount();
ElementwiseInfo elementwiseInfo(int id);
/**
 * out[r·outRowStride + j] = expr(in[k][r·rowStrides[k] + j]…, params…) for r < rows, j < cols
 * (inner stride 1 everywhere; a row stride 0 broadcasts one row).
 */
void elementwiseRun(int id, long rows, long cols, const double* params, float* out, long outRowStride, const float* const* in,
                    const long* rowStrides);
/** out[c] = Σ_o Σ_i x[(o·C + c)·inner + i] / divisor, x contiguous [outer, C, inner]. */
void sumOuterInner(const float* x, long outer, long channels, long inner, float* out, double divisor);

}  // namespace gu
