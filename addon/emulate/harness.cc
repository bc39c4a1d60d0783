// The CUDA entry points (cuda_api.h) against the CPU kernels, run under the emulator by run.sh.
#include "cuda_api.h"
#include "gemm.h"
#include "conv2d.h"
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <vector>
using namespace gu;
static unsigned seed = 1;
static float rnd() { seed = seed * 1103515245 + 12345; return (seed >> 8) / float(1 << 24) * 2 - 1; }
static int fails = 0, passes = 0;
static float gAlpha = 0.75f;  // 1 for the whole-tile cases, so C too is written in place
static void cmp(const char* what, const float* a, const float* b, size_t n, double tol) {
  double worst = 0, scale = 1e-30; size_t wi = 0;
  for (size_t i = 0; i < n; i++) { scale = fmax(scale, fabs(b[i])); double d = fabs(a[i] - b[i]); if (!(d <= worst)) { worst = d; wi = i; } }
  if (worst <= tol * scale) passes++; else { fails++; printf("FAIL %s: worst %g at %zu (%g vs %g), scale %g\n", what, worst, wi, a[wi], b[wi], scale); }
}
static void gemmCase(long m, long n, long k, bool ta, bool tb, long batch, long pad, int beta, bool shareA, bool sumC) {
  long ra = ta ? k : m, ca = ta ? m : k, rb = tb ? n : k, cb = tb ? k : n;
  long lda = ca + pad, ldb = cb + pad, ldc = n + pad, off = pad;
  long sA = shareA ? 0 : ra * lda + 1, sB = rb * ldb + 3, sC = sumC ? 0 : m * ldc + 2;
  std::vector<float> a(off + ra * lda + (batch - 1) * sA), b(off + rb * ldb + (batch - 1) * sB), c(off + m * ldc + (batch - 1) * sC);
  for (auto& x : a) x = rnd(); for (auto& x : b) x = rnd(); for (auto& x : c) x = rnd();
  std::vector<float> got = c, want = c;
  GemmProblem<float> p{ta, tb, m, n, k, gAlpha, beta, a.data() + off, lda, sA, b.data() + off, ldb, sB, want.data() + off, ldc, sC, batch};
  gemm(p);
  p.c = got.data() + off;
  auto span = [](long bt, long s, long r, long ld, long cc) { return (bt <= 0 || r <= 0 || cc <= 0) ? 0 : (bt - 1) * s + (r - 1) * ld + cc; };
  cuda::gemm(p, k > 0 ? span(batch, sA, ra, lda, ca) : 0, k > 0 ? span(batch, sB, rb, ldb, cb) : 0, span(batch, sC, m, ldc, n));
  char label[200]; snprintf(label, sizeof label, "gemm %ldx%ldx%ld ta=%d tb=%d batch=%ld pad=%ld beta=%d shareA=%d sumC=%d", m, n, k, ta, tb, batch, pad, beta, shareA, sumC);
  cmp(label, got.data(), want.data(), got.size(), 1e-5 * sqrt(k * (sumC ? batch : 1) + 1));
}
static void convCase(long n, long c, long h, long w, long o, long kh, long kw, long sh, long sw, long ph, long pw) {
  ConvGeometry g{n, c, h, w, o, kh, kw, sh, sw, ph, pw, (h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1};
  std::vector<float> x(n * c * h * w), wt(o * c * kh * kw), bias(o), gy(n * o * g.outH * g.outW);
  for (auto* v : {&x, &wt, &bias, &gy}) for (auto& e : *v) e = rnd();
  std::vector<float> y1(gy.size()), y2(gy.size()), gx1(x.size()), gx2(x.size()), gw1(wt.size()), gw2(wt.size());
  char label[200]; snprintf(label, sizeof label, "conv n%ld c%ld %ldx%ld o%ld k%ldx%ld s%ld,%ld p%ld,%ld", n, c, h, w, o, kh, kw, sh, sw, ph, pw);
  conv2dForward(g, x.data(), wt.data(), bias.data(), y1.data()); cuda::conv2dForward(g, x.data(), wt.data(), bias.data(), y2.data());
  cmp((std::string(label) + " fwd").c_str(), y2.data(), y1.data(), y1.size(), 1e-5 * sqrt(g.rows()));
  conv2dForward(g, x.data(), wt.data(), nullptr, y1.data()); cuda::conv2dForward(g, x.data(), wt.data(), nullptr, y2.data());
  cmp((std::string(label) + " fwd nobias").c_str(), y2.data(), y1.data(), y1.size(), 1e-5 * sqrt(g.rows()));
  conv2dBackwardData(g, gy.data(), wt.data(), gx1.data()); cuda::conv2dBackwardData(g, gy.data(), wt.data(), gx2.data());
  cmp((std::string(label) + " bwd-data").c_str(), gx2.data(), gx1.data(), gx1.size(), 1e-5 * sqrt(o * kh * kw));
  conv2dBackwardWeight(g, x.data(), gy.data(), gw1.data()); cuda::conv2dBackwardWeight(g, x.data(), gy.data(), gw2.data());
  cmp((std::string(label) + " bwd-weight").c_str(), gw2.data(), gw1.data(), gw1.size(), 1e-5 * sqrt(n * g.cols()));
}
int main() {
  printf("status ok=%d device=%s\n", cuda::status().ok, cuda::status().device.c_str());
  long dims[] = {1, 3, 31, 128, 129};
  for (long m : dims) for (long n : dims) for (long k : {1L, 9L, 130L}) gemmCase(m, n, k, (m + k) % 2 == 0, (n + k) % 3 == 0, 1, 0, 0, false, false);
  for (int ta = 0; ta < 2; ta++) for (int tb = 0; tb < 2; tb++) {
    gemmCase(65, 130, 33, ta, tb, 3, 2, 1, false, false);
    gemmCase(17, 9, 30, ta, tb, 5, 1, 0, true, false);
    gemmCase(20, 40, 10, ta, tb, 4, 0, 1, false, true);
    gemmCase(12, 12, 0, ta, tb, 2, 0, 1, false, false);
    gemmCase(12, 12, 0, ta, tb, 2, 1, 0, false, false);
  }
  // Whole tiles (m, n multiples of 128, k of 8): A, B and C are read or written in place.
  gAlpha = 1.0f;
  for (int ta = 0; ta < 2; ta++) for (int tb = 0; tb < 2; tb++) {
    gemmCase(128, 256, 16, ta, tb, 1, 0, 0, false, false);
    gemmCase(256, 128, 24, ta, tb, 1, 4, 0, false, false);
    gemmCase(128, 128, 8, ta, tb, 1, 0, 1, false, false);
    gemmCase(128, 128, 0, ta, tb, 1, 0, 0, false, false);
  }
  gAlpha = 0.75f;
  convCase(2, 3, 7, 7, 4, 3, 3, 1, 1, 0, 0);
  convCase(3, 1, 28, 28, 4, 3, 3, 2, 2, 1, 1);
  convCase(3, 8, 9, 11, 5, 1, 1, 1, 1, 0, 0);
  convCase(2, 8, 9, 11, 5, 1, 1, 2, 2, 0, 0);
  convCase(4, 3, 10, 6, 6, 2, 5, 1, 2, 0, 2);
  convCase(3, 2, 5, 5, 3, 5, 5, 1, 1, 3, 3);
  convCase(2, 6, 13, 13, 7, 3, 3, 3, 3, 2, 2);
  convCase(0, 3, 5, 5, 2, 3, 3, 1, 1, 0, 0);
  convCase(64, 1, 28, 28, 4, 3, 3, 2, 2, 1, 1);  // ch13 simple_cnn: the CPU's chunked and dot-product paths
  convCase(64, 8, 7, 7, 16, 3, 3, 2, 2, 1, 1);
  convCase(64, 16, 4, 4, 32, 3, 3, 2, 2, 1, 1);
  printf("%d passed, %d failed\n", passes, fails);
  return fails != 0;
}
