// im2col / col2im for one image: cols[(ci·kh + ky)·kw + kx, oy·outW + ox], rows ld apart (so
// the columns of several images can sit side by side in one matrix). Each output row is
// split into a zero prefix, a valid middle and a zero suffix computed up front, so the inner
// loop has no bounds test (and is a plain copy when the stride is 1).
#include <immintrin.h>

#include <cstring>

#include "conv2d.h"

namespace gu {
namespace {

/** The ox for which ix = ox·s − pad + kx lies in [0, w): [lo, hi). */
inline void validRange(long w, long outW, long s, long pad, long kx, long& lo, long& hi) {
  const long first = pad - kx;  // ix ≥ 0  ⇔  ox·s ≥ first
  lo = first <= 0 ? 0 : (first + s - 1) / s;
  const long last = w - 1 + pad - kx;  // ix ≤ w − 1  ⇔  ox·s ≤ last
  hi = last < 0 ? 0 : last / s + 1;
  if (hi > outW) hi = outW;
  if (lo > hi) lo = hi;
}

}  // namespace

void im2col(const ConvGeometry& g, const float* image, float* cols, long ld) {
  for (long ci = 0; ci < g.c; ci++)
    for (long ky = 0; ky < g.kh; ky++)
      for (long kx = 0; kx < g.kw; kx++) {
        float* row = cols + ((ci * g.kh + ky) * g.kw + kx) * ld;
        long lo, hi;
        validRange(g.w, g.outW, g.strideW, g.padW, kx, lo, hi);
        for (long oy = 0; oy < g.outH; oy++) {
          float* dst = row + oy * g.outW;
          const long iy = oy * g.strideH - g.padH + ky;
          if (iy < 0 || iy >= g.h) {
            std::memset(dst, 0, g.outW * sizeof(float));
            continue;
          }
          for (long ox = 0; ox < lo; ox++) dst[ox] = 0;
          if (lo < hi) {
            const float* src = image + (ci * g.h + iy) * g.w + lo * g.strideW - g.padW + kx;  // ix at ox = lo
            if (g.strideW == 1)
              std::memcpy(dst + lo, src, (hi - lo) * sizeof(float));
            else
              for (long ox = lo; ox < hi; ox++) dst[ox] = src[(ox - lo) * g.strideW];
          }
          for (long ox = hi; ox < g.outW; ox++) dst[ox] = 0;
        }
      }
}

void col2im(const ConvGeometry& g, const float* cols, long ld, float* image) {
  for (long ci = 0; ci < g.c; ci++)
    for (long ky = 0; ky < g.kh; ky++)
      for (long kx = 0; kx < g.kw; kx++) {
        const float* row = cols + ((ci * g.kh + ky) * g.kw + kx) * ld;
        long lo, hi;
        validRange(g.w, g.outW, g.strideW, g.padW, kx, lo, hi);
        for (long oy = 0; oy < g.outH; oy++) {
          const long iy = oy * g.strideH - g.padH + ky;
          if (iy < 0 || iy >= g.h) continue;
          if (lo >= hi) continue;
          const float* src = row + oy * g.outW;
          float* dst = image + (ci * g.h + iy) * g.w + lo * g.strideW - g.padW + kx;  // ix at ox = lo
          if (g.strideW == 1)
            for (long ox = lo; ox < hi; ox++) dst[ox - lo] += src[ox];
          else
            for (long ox = lo; ox < hi; ox++) dst[(ox - lo) * g.strideW] += src[ox];
        }
      }
}

namespace {

/** table[(ky·kw + kx)·L + oy·outW + ox] = iy·w + ix, or −1 in the padding. */
void gatherTable(const ConvGeometry& g, int* table) {
  for (long ky = 0; ky < g.kh; ky++)
    for (long kx = 0; kx < g.kw; kx++)
      for (long oy = 0; oy < g.outH; oy++)
        for (long ox = 0; ox < g.outW; ox++) {
          const long iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
          const bool in = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
          *table++ = in ? static_cast<int>(iy * g.w + ix) : -1;
        }
}

}  // namespace

void im2colImages(const ConvGeometry& g, const float* images, long nb, float* cols, long ld, int* table) {
  const long L = g.cols(), plane = g.h * g.w;
  if (g.outW >= 16) {  // long rows: the per-image copy loop is faster
    for (long j = 0; j < nb; j++) im2col(g, images + j * g.image(), cols + j * L, ld);
    return;
  }
  gatherTable(g, table);
  for (long ci = 0; ci < g.c; ci++)
    for (long q = 0; q < g.kh * g.kw; q++) {
      const int* t = table + q * L;
      float* row = cols + (ci * g.kh * g.kw + q) * ld;
      for (long j = 0; j < nb; j++) {
        const float* src = images + (j * g.c + ci) * plane;
        float* dst = row + j * L;
        long l = 0;
        // Eight at a time with a masked gather: the padding lanes (index −1) read nothing and give 0.
        for (; l + 8 <= L; l += 8) {
          const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + l));
          const __m256 in = _mm256_castsi256_ps(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(-1)));
          _mm256_storeu_ps(dst + l, _mm256_mask_i32gather_ps(_mm256_setzero_ps(), src, idx, in, 4));
        }
        for (; l < L; l++) {
          const int o = t[l];
          const float v = src[o < 0 ? 0 : o];  // a select, not a branch; src[0] always exists
          dst[l] = o < 0 ? 0.0f : v;
        }
      }
    }
}

void col2imImages(const ConvGeometry& g, const float* cols, long ld, long nb, float* images, int* table) {
  const long L = g.cols(), plane = g.h * g.w;
  if (g.outW >= 16) {
    for (long j = 0; j < nb; j++) col2im(g, cols + j * L, ld, images + j * g.image());
    return;
  }
  gatherTable(g, table);
  for (long ci = 0; ci < g.c; ci++)
    for (long q = 0; q < g.kh * g.kw; q++) {
      const int* t = table + q * L;
      const float* row = cols + (ci * g.kh * g.kw + q) * ld;
      for (long j = 0; j < nb; j++) {
        float* dst = images + (j * g.c + ci) * plane;
        const float* src = row + j * L;
        for (long l = 0; l < L; l++)
          if (t[l] >= 0) dst[t[l]] += src[l];
      }
    }
}

}  // namespace gu
