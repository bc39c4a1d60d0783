// Reading and checking a binding's arguments. Every typed array is taken zero-copy (its data
// pointer already includes a subarray's byteOffset), and every index the kernel will touch is
// checked against the array's length before the kernel runs.
#pragma once
#include <napi.h>

#include <cmath>
#include <sstream>
#include <string>

#include "conv2d.h"
#include "errors.h"
#include "gemm.h"
#include "kernels_gen.h"

namespace gu {

template <typename T>
struct Span {
  T* data;
  size_t length;
};

template <typename T> constexpr napi_typedarray_type arrayType();
template <> constexpr napi_typedarray_type arrayType<float>() { return napi_float32_array; }
template <> constexpr napi_typedarray_type arrayType<double>() { return napi_float64_array; }
template <typename T> constexpr const char* arrayName();
template <> constexpr const char* arrayName<float>() { return "Float32Array"; }
template <> constexpr const char* arrayName<double>() { return "Float64Array"; }

/** info[i] as a typed array of T, or ArgError::Type naming the op and the argument. */
template <typename T>
Span<T> arrayArg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t byteOffset;
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, &buffer, &byteOffset) != napi_ok ||
      type != arrayType<T>())
    throw ArgError(ArgError::Type, std::string(op) + ": " + name + " must be a " + arrayName<T>());
  return {static_cast<T*>(data), length};
}

inline std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/** The parameter block (a Float64Array the loader fills per call: no per-field N-API calls). */
struct Params {
  const double* p;
  size_t n;
  const char* op;
  long integer(size_t i, const char* name, long min) const {
    const double v = i < n ? p[i] : NAN;
    if (!(v >= min) || v > 9007199254740991.0 || v != std::floor(v))
      throw ArgError(ArgError::Range, std::string(op) + ": " + name + " must be an integer ≥ " + std::to_string(min) +
                                          ", got " + show(v));
    return static_cast<long>(v);
  }
  double number(size_t i) const { return i < n ? p[i] : NAN; }
};

inline Params paramsArg(const Napi::CallbackInfo& info, size_t i, const char* op, size_t expect) {
  Span<double> s = arrayArg<double>(info, i, op, "params");
  if (s.length < expect)
    throw ArgError(ArgError::Range, std::string(op) + ": params has " + std::to_string(s.length) + " entries, expected " +
                                        std::to_string(expect));
  return {s.data, s.length, op};
}

/** Throws unless elements [0, need) exist: "<op>: <name> has N elements but M are needed (…)". */
inline void needLength(const char* op, const char* name, size_t have, double need, const std::string& why) {
  if (need > static_cast<double>(have))
    throw ArgError(ArgError::Range, std::string(op) + ": " + name + " has " + std::to_string(have) + " elements but " +
                                        std::to_string(static_cast<long long>(need)) + " are needed (" + why + ")");
}

// The parameter blocks' layouts (GemmParam, ConvParam, SumParam) are generated from the kernel
// manifest into kernels_gen.h, which the TS loader's writers (native/params.ts) follow too.

/** Elements each GEMM operand must hold from its start (0 when the operand is not touched), and the offsets. */
struct GemmExtent {
  long aOff, bOff, cOff;
  double aNeed, bNeed, cNeed;
};

/** The GEMM of a parameter block, its pointers left null; *ext says how far it reaches into each operand. */
template <typename T>
GemmProblem<T> gemmParams(const Params& P, GemmExtent* ext) {
  GemmProblem<T> g;
  g.transA = P.integer(kGemmTransA, "transA", 0) != 0;
  g.transB = P.integer(kGemmTransB, "transB", 0) != 0;
  g.m = P.integer(kGemmM, "m", 0), g.n = P.integer(kGemmN, "n", 0), g.k = P.integer(kGemmK, "k", 0);
  g.alpha = static_cast<T>(P.number(kGemmAlpha));
  const long beta = P.integer(kGemmBeta, "beta", 0);
  if (beta > 1) throw ArgError(ArgError::Range, std::string(P.op) + ": beta must be 0 or 1, got " + std::to_string(beta));
  g.beta = static_cast<int>(beta);
  g.batch = P.integer(kGemmBatch, "batch", 0);
  const long rowsA = g.transA ? g.k : g.m, colsA = g.transA ? g.m : g.k;
  const long rowsB = g.transB ? g.n : g.k, colsB = g.transB ? g.k : g.n;
  g.lda = P.integer(kGemmLda, g.transA ? "lda (≥ m when transA)" : "lda (≥ k)", colsA);
  g.ldb = P.integer(kGemmLdb, g.transB ? "ldb (≥ k when transB)" : "ldb (≥ n)", colsB);
  g.ldc = P.integer(kGemmLdc, "ldc (≥ n)", g.n);
  ext->aOff = P.integer(kGemmAOffset, "aOffset", 0), ext->bOff = P.integer(kGemmBOffset, "bOffset", 0);
  ext->cOff = P.integer(kGemmCOffset, "cOffset", 0);
  g.strideA = P.integer(kGemmStrideA, "strideA", 0);
  g.strideB = P.integer(kGemmStrideB, "strideB", 0);
  g.strideC = P.integer(kGemmStrideC, "strideC", 0);
  const double last = static_cast<double>(g.batch - 1);
  const bool writes = g.batch > 0 && g.m > 0 && g.n > 0, reads = writes && g.k > 0;
  ext->cNeed = writes ? ext->cOff + last * g.strideC + double(g.m - 1) * g.ldc + g.n : 0;
  ext->aNeed = reads ? ext->aOff + last * g.strideA + double(rowsA - 1) * g.lda + colsA : 0;
  ext->bNeed = reads ? ext->bOff + last * g.strideB + double(rowsB - 1) * g.ldb + colsB : 0;
  g.a = nullptr, g.b = nullptr, g.c = nullptr;
  return g;
}

/** Reads and checks a GEMM: every element of A, B and C it will touch lies inside its array. */
template <typename T>
GemmProblem<T> gemmArgs(const Napi::CallbackInfo& info, const char* op) {
  Span<T> a = arrayArg<T>(info, 0, op, "a"), b = arrayArg<T>(info, 1, op, "b"), c = arrayArg<T>(info, 2, op, "c");
  GemmExtent e;
  GemmProblem<T> g = gemmParams<T>(paramsArg(info, 3, op, kGemmParams), &e);
  needLength(op, "c", c.length, e.cNeed, "cOffset + (batch−1)·strideC + (m−1)·ldc + n");
  needLength(op, "a", a.length, e.aNeed, "aOffset + (batch−1)·strideA + (rows−1)·lda + cols");
  needLength(op, "b", b.length, e.bNeed, "bOffset + (batch−1)·strideB + (rows−1)·ldb + cols");
  // Offsets are applied only when in range, so an empty problem never forms a wild pointer.
  g.a = a.data + (static_cast<size_t>(e.aOff) <= a.length ? e.aOff : 0);
  g.b = b.data + (static_cast<size_t>(e.bOff) <= b.length ? e.bOff : 0);
  g.c = c.data + (static_cast<size_t>(e.cOff) <= c.length ? e.cOff : 0);
  return g;
}

/** Reads and checks a conv geometry: outH/outW must follow from the others. */
inline ConvGeometry convArgs(const Napi::CallbackInfo& info, size_t i, const char* op) {
  Params P = paramsArg(info, i, op, kConvParams);
  ConvGeometry g;
  g.n = P.integer(kConvN, "n", 0), g.c = P.integer(kConvC, "c", 1), g.h = P.integer(kConvH, "h", 1), g.w = P.integer(kConvW, "w", 1);
  g.o = P.integer(kConvO, "o", 1), g.kh = P.integer(kConvKh, "kh", 1), g.kw = P.integer(kConvKw, "kw", 1);
  g.strideH = P.integer(kConvStrideH, "strideH", 1), g.strideW = P.integer(kConvStrideW, "strideW", 1);
  g.padH = P.integer(kConvPadH, "padH", 0), g.padW = P.integer(kConvPadW, "padW", 0);
  g.outH = P.integer(kConvOutH, "outH", 1), g.outW = P.integer(kConvOutW, "outW", 1);
  const long oh = (g.h + 2 * g.padH - g.kh) / g.strideH + 1, ow = (g.w + 2 * g.padW - g.kw) / g.strideW + 1;
  if (g.h + 2 * g.padH < g.kh || g.w + 2 * g.padW < g.kw || oh != g.outH || ow != g.outW)
    throw ArgError(ArgError::Range, std::string(op) + ": outH×outW " + std::to_string(g.outH) + "×" + std::to_string(g.outW) +
                                        " does not follow from the geometry (expected " + std::to_string(oh) + "×" +
                                        std::to_string(ow) + ")");
  return g;
}

/** Runs a binding body, turning C++ errors into the JS error classes the loader expects. */
template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  Napi::Env env = info.Env();
  try {
    body();
  } catch (const ArgError& e) {
    if (e.kind == ArgError::Type) throw Napi::TypeError::New(env, e.what());
    throw Napi::RangeError::New(env, e.what());
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "native: out of memory for scratch buffers");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  return env.Undefined();
}

}  // namespace gu
