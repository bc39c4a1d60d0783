// Reading and checking the arrays of a conv2d binding (shared by the CPU and CUDA bindings).
#pragma once
#include "args.h"

namespace gu {

struct ConvArrays {
  ConvGeometry g;
  const float* x = nullptr;     // input  [n, c, h, w]       (forward, backward-weight)
  const float* w = nullptr;     // weight [o, c, kh, kw]     (forward, backward-data)
  const float* bias = nullptr;  // bias   [o] or null        (forward)
  const float* gy = nullptr;    // gradOut [n, o, outH, outW] (backward)
  float* out = nullptr;         // out, gradInput or gradWeight
};

namespace convcheck {

inline double volume(long a, long b, long c, long d) { return double(a) * b * c * d; }

inline void input(const char* op, ConvArrays& r, const Napi::CallbackInfo& info, size_t i, const char* name, bool writable) {
  Span<float> s = arrayArg<float>(info, i, op, name);
  const ConvGeometry& g = r.g;
  needLength(op, name, s.length, volume(g.n, g.c, g.h, g.w), "n·c·h·w");
  if (writable) r.out = s.data; else r.x = s.data;
}

inline void weight(const char* op, ConvArrays& r, const Napi::CallbackInfo& info, size_t i, const char* name, bool writable) {
  Span<float> s = arrayArg<float>(info, i, op, name);
  const ConvGeometry& g = r.g;
  needLength(op, name, s.length, volume(g.o, g.c, g.kh, g.kw), "o·c·kh·kw");
  if (writable) r.out = s.data; else r.w = s.data;
}

inline void output(const char* op, ConvArrays& r, const Napi::CallbackInfo& info, size_t i, const char* name, bool writable) {
  Span<float> s = arrayArg<float>(info, i, op, name);
  const ConvGeometry& g = r.g;
  needLength(op, name, s.length, volume(g.n, g.o, g.outH, g.outW), "n·o·outH·outW");
  if (writable) r.out = s.data; else r.gy = s.data;
}

/** The im2col buffer (c·kh·kw × outH·outW floats) must be allocatable at all. */
inline void colsSize(const char* op, const ConvGeometry& g) {
  if (double(g.c) * g.kh * g.kw * g.outH * g.outW > 4e12)
    throw ArgError(ArgError::Range, std::string(op) + ": the im2col buffer would exceed 16 TB; check the geometry");
}

}  // namespace convcheck

/** (geometry, input, weight, bias | null, out) */
inline ConvArrays convForwardArgs(const Napi::CallbackInfo& info, const char* op) {
  ConvArrays r;
  r.g = convArgs(info, 0, op);
  convcheck::input(op, r, info, 1, "input", false);
  convcheck::weight(op, r, info, 2, "weight", false);
  if (info.Length() > 3 && !info[3].IsNull() && !info[3].IsUndefined()) {
    Span<float> b = arrayArg<float>(info, 3, op, "bias");
    needLength(op, "bias", b.length, double(r.g.o), "o");
    r.bias = b.data;
  }
  convcheck::output(op, r, info, 4, "out", true);
  convcheck::colsSize(op, r.g);
  return r;
}

/** (geometry, gradOut, weight, gradInput) */
inline ConvArrays convBackwardDataArgs(const Napi::CallbackInfo& info, const char* op) {
  ConvArrays r;
  r.g = convArgs(info, 0, op);
  convcheck::output(op, r, info, 1, "gradOut", false);
  convcheck::weight(op, r, info, 2, "weight", false);
  convcheck::input(op, r, info, 3, "gradInput", true);
  convcheck::colsSize(op, r.g);
  return r;
}

/** (geometry, input, gradOut, gradWeight) */
inline ConvArrays convBackwardWeightArgs(const Napi::CallbackInfo& info, const char* op) {
  ConvArrays r;
  r.g = convArgs(info, 0, op);
  convcheck::input(op, r, info, 1, "input", false);
  convcheck::output(op, r, info, 2, "gradOut", false);
  convcheck::weight(op, r, info, 3, "gradWeight", true);
  convcheck::colsSize(op, r.g);
  return r;
}

}  // namespace gu
