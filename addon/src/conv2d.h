// conv2d on the CPU as im2col + the AVX2 GEMM (NCHW input, OIHW weight, groups = 1).
// Compiled for AVX2/FMA: call only after cpuHasAvx2Fma() said yes.
#pragma once

namespace gu {

struct ConvGeometry {
  long n, c, h, w, o, kh, kw, strideH, strideW, padH, padW, outH, outW;
  long rows() const { return c * kh * kw; }      // K of the GEMM
  long cols() const { return outH * outW; }      // L of the GEMM
  long image() const { return c * h * w; }
  long outImage() const { return o * outH * outW; }
  /** A 1×1, stride-1, unpadded conv needs no im2col: the image already is cols. */
  bool pointwise() const { return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0; }
};

/** cols[c·kh·kw, outH·outW] from one image[c, h, w]; row r of cols starts at cols + r·ld (ld ≥ outH·outW). */
void im2col(const ConvGeometry& g, const float* image, float* cols, long ld);
/** image[c, h, w] += cols[c·kh·kw, outH·outW] scattered back (the caller zeroes image); rows ld apart. */
void col2im(const ConvGeometry& g, const float* cols, long ld, float* image);

/**
 * im2col of nb images side by side: cols[K, nb·L], image j in columns [j·L, (j+1)·L). For small
 * outputs: one gather table (table: kh·kw·L ints of scratch) serves every channel and image.
 */
void im2colImages(const ConvGeometry& g, const float* images, long nb, float* cols, long ld, int* table);
/** The inverse of im2colImages: images (zeroed by the caller) += cols. */
void col2imImages(const ConvGeometry& g, const float* cols, long ld, long nb, float* images, int* table);

void conv2dForward(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out);
void conv2dBackwardData(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput);
void conv2dBackwardWeight(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight);

}  // namespace gu
