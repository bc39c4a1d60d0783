// Elementwise loops generated from the op records (elementwise_gen.h), plus the strided sum the
// bias gradients need. Built with AVX2/FMA: GCC vectorises the generated loops.
#include "elementwise.h"

#include "elementwise_gen.h"

namespace gu {

int elementwiseCount() { return ew::kKernelCount; }

ElementwiseInfo elementwiseInfo(int id) {
  const ew::Kernel& k = ew::kKernels[id];
  return {k.key, k.expr, k.arrays, k.params};
}

void elementwiseRun(int id, long rows, long cols, const double* params, float* out, long outRowStride, const float* const* in,
                    const long* rowStrides) {
  ew::kKernels[id].fn(rows, cols, params, out, outRowStride, in, rowStrides);
}

void sumOuterInner(const float* x, long outer, long channels, long inner, float* out, double divisor) {
  if (inner == 1) {
    // [outer, C] rows added one by one (a linear layer's bias gradient gy.sum(0)): vectorised across C.
    for (long c = 0; c < channels; c++) out[c] = 0;
    for (long o = 0; o < outer; o++) {
      const float* p = x + o * channels;
      for (long c = 0; c < channels; c++) out[c] += p[c];
    }
    if (divisor != 1.0)
      for (long c = 0; c < channels; c++) out[c] = static_cast<float>(out[c] / divisor);
    return;
  }
  // [outer, C, inner] (an NCHW bias gradient gy.sum([0, 2, 3])): per channel, runs of `inner` floats.
  for (long c = 0; c < channels; c++) {
    double acc = 0;
    for (long o = 0; o < outer; o++) {
      const float* p = x + (o * channels + c) * inner;
      float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      long r = 0;
      for (; r + 8 <= inner; r += 8)
        for (int k = 0; k < 8; k++) s[k] += p[r + k];
      double t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
      for (; r < inner; r++) t += p[r];
      acc += t;
    }
    out[c] = static_cast<float>(acc / divisor);
  }
}

}  // namespace gu
