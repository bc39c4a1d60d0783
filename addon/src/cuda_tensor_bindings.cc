// N-API bindings of CUDA tensors (cuda_tensor.h): a device block is a JS External that owns it;
// when V8 collects it, the finalizer returns the block to the caching allocator, and V8 is told
// how many bytes each block holds (napi_adjust_external_memory) so collection keeps pace with the
// device. Every call checks that what a kernel touches lies inside its blocks. All calls come
// from the JS thread, so the device work is ordered on one stream.
#include <napi.h>

#include <cstring>

#include "args.h"
#include "cuda_api.h"
#include "cuda_tensor.h"
#include "kernels_gen.h"

namespace gu {
namespace {

struct Block {
  void* ptr;
  size_t bytes;  // the size class
};

const char* const kDtypeNames[] = {"float32", "float64", "int32", "bool"};
const size_t kDtypeBytes[] = {4, 8, 4, 1};

Block& blockArg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsExternal())
    throw ArgError(ArgError::Type, std::string(op) + ": " + name + " must be a device buffer (from cudaAlloc)");
  Block* b = info[i].As<Napi::External<Block>>().Data();
  if (!b || !b->ptr) throw ArgError(ArgError::Type, std::string(op) + ": " + name + " is a freed device buffer");
  return *b;
}

double numberArg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) throw ArgError(ArgError::Type, std::string(op) + ": " + name + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

long long countArg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  const double v = numberArg(info, i, op, name);
  if (!(v >= 0) || v != std::floor(v) || v > 9007199254740991.0)
    throw ArgError(ArgError::Range, std::string(op) + ": " + name + " must be an integer ≥ 0, got " + show(v));
  return static_cast<long long>(v);
}

/** Throws unless [byteOffset, byteOffset + bytes) lies inside the block. */
void needBytes(const char* op, const char* name, const Block& b, double byteOffset, double bytes) {
  if (bytes > 0 && byteOffset + bytes > static_cast<double>(b.bytes))
    throw ArgError(ArgError::Range, std::string(op) + ": " + name + " holds " + std::to_string(b.bytes) + " bytes but bytes up to " +
                                        show(byteOffset + bytes) + " are needed");
}

char* at(const Block& b, long long byteOffset) { return static_cast<char*>(b.ptr) + byteOffset; }

void viewOf(const Napi::CallbackInfo& info, size_t i, const char* op, void** data, size_t* bytes) {
  if (i >= info.Length() || !info[i].IsTypedArray()) throw ArgError(ArgError::Type, std::string(op) + ": host must be a typed array");
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  napi_typedarray_type type;
  size_t length = 0, byteOffset = 0;
  napi_value buffer;
  napi_get_typedarray_info(info.Env(), t, &type, &length, data, &buffer, &byteOffset);
  *bytes = t.ByteLength();
}

}  // namespace

Napi::Value bindCudaAlloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value result;
  guarded(info, [&] {
    const long long bytes = countArg(info, 0, "cudaAlloc", "bytes");
    size_t rounded = 0;
    void* p = cuda::deviceAlloc(static_cast<size_t>(bytes), &rounded);
    Block* b = new Block{p, rounded};
    int64_t adjusted = 0;
    napi_adjust_external_memory(env, static_cast<int64_t>(rounded), &adjusted);
    result = Napi::External<Block>::New(env, b, [](Napi::Env e, Block* blk) {
      if (blk->ptr) {  // not released early
        int64_t left = 0;
        napi_adjust_external_memory(e, -static_cast<int64_t>(blk->bytes), &left);
        cuda::deviceFree(blk->ptr, blk->bytes);
      }
      delete blk;
    });
  });
  return result;
}

/** cudaRelease(block): returns the block to the cache now (autograd's dead gradient buffers); using it afterwards throws. */
Napi::Value bindCudaRelease(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(info, [&] {
    Block& b = blockArg(info, 0, "cudaRelease", "block");
    int64_t left = 0;
    napi_adjust_external_memory(env, -static_cast<int64_t>(b.bytes), &left);
    cuda::deviceFree(b.ptr, b.bytes);
    b.ptr = nullptr;
  });
}

/** host ↔ device through a whole typed array at a byte offset of the block. */
Napi::Value hostTransfer(const Napi::CallbackInfo& info, const char* op, bool toDevice) {
  return guarded(info, [&] {
    Block& b = blockArg(info, 0, op, "device");
    const long long off = countArg(info, 1, op, "byteOffset");
    void* data = nullptr;
    size_t bytes = 0;
    viewOf(info, 2, op, &data, &bytes);
    needBytes(op, "device", b, double(off), double(bytes));
    if (toDevice) cuda::copyToDevice(at(b, off), data, bytes);
    else cuda::copyToHost(data, at(b, off), bytes);
  });
}

/** cudaUpload(block, byteOffset, hostTypedArray): host → device, the whole typed array. */
Napi::Value bindCudaUpload(const Napi::CallbackInfo& info) { return hostTransfer(info, "cudaUpload", true); }

/** cudaDownload(block, byteOffset, hostTypedArray): device → host, filling the typed array (synchronises). */
Napi::Value bindCudaDownload(const Napi::CallbackInfo& info) { return hostTransfer(info, "cudaDownload", false); }

/** cudaCopy(dst, dstByteOffset, src, srcByteOffset, bytes): device → device. */
Napi::Value bindCudaCopy(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Block& d = blockArg(info, 0, "cudaCopy", "dst");
    const long long dOff = countArg(info, 1, "cudaCopy", "dstByteOffset");
    Block& s = blockArg(info, 2, "cudaCopy", "src");
    const long long sOff = countArg(info, 3, "cudaCopy", "srcByteOffset");
    const long long bytes = countArg(info, 4, "cudaCopy", "bytes");
    needBytes("cudaCopy", "dst", d, double(dOff), double(bytes));
    needBytes("cudaCopy", "src", s, double(sOff), double(bytes));
    cuda::copyOnDevice(at(d, dOff), at(s, sOff), bytes);
  });
}

/**
 * cudaExpr(meta, prog, consts, out, ...inputs). meta (Float64Array): ndim, shape…, outDtype,
 * outOffset, outStrides…, nin, then per input dtype, offset, strides… (offsets and strides in elements).
 */
Napi::Value bindCudaExpr(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaExpr";
    Span<double> meta = arrayArg<double>(info, 0, op, "meta");
    Span<double> progF = arrayArg<double>(info, 1, op, "prog");
    Span<double> consts = arrayArg<double>(info, 2, op, "consts");
    cuda::ExprCall c{};
    size_t k = 0;
    auto next = [&](const char* what) -> double {
      if (k >= meta.length) throw ArgError(ArgError::Range, std::string(op) + ": meta ends before " + what);
      return meta.data[k++];
    };
    c.ndim = static_cast<int>(next("ndim"));
    if (c.ndim < 0 || c.ndim > cuda::kMaxDims) throw ArgError(ArgError::Range, std::string(op) + ": at most 8 dims after coalescing");
    for (int d = 0; d < c.ndim; d++) c.shape[d] = static_cast<long long>(next("shape"));
    auto operand = [&](size_t argIndex, int dtype, long long offset, long long* strides, const char* name) -> char* {
      if (dtype < 0 || dtype > 3) throw ArgError(ArgError::Range, std::string(op) + ": unknown dtype code");
      Block& b = blockArg(info, argIndex, op, name);
      double last = double(offset);
      for (int d = 0; d < c.ndim; d++) {
        if (c.shape[d] == 0) return static_cast<char*>(b.ptr);
        last += double(c.shape[d] - 1) * double(strides[d]);
      }
      needBytes(op, name, b, 0, (last + 1) * double(kDtypeBytes[dtype]));
      return static_cast<char*>(b.ptr);
    };
    c.outDtype = static_cast<int>(next("outDtype"));
    c.outOffset = static_cast<long long>(next("outOffset"));
    for (int d = 0; d < c.ndim; d++) c.outStrides[d] = static_cast<long long>(next("outStrides"));
    c.out = operand(3, c.outDtype, c.outOffset, c.outStrides, "out");
    c.nin = static_cast<int>(next("nin"));
    if (c.nin < 0 || c.nin > cuda::kMaxOperands || info.Length() < size_t(4 + c.nin))
      throw ArgError(ArgError::Range, std::string(op) + ": expects nin ≤ 6 input buffers after out");
    for (int i = 0; i < c.nin; i++) {
      c.inDtype[i] = static_cast<int>(next("dtype"));
      c.inOffset[i] = static_cast<long long>(next("offset"));
      for (int d = 0; d < c.ndim; d++) c.inStrides[i][d] = static_cast<long long>(next("strides"));
      c.in[i] = operand(4 + i, c.inDtype[i], c.inOffset[i], c.inStrides[i], "input");
    }
    if (progF.length > size_t(cuda::kMaxProgram) || consts.length > size_t(cuda::kMaxConsts))
      throw ArgError(ArgError::Range, std::string(op) + ": the expression is too long for the kernel (256 steps, 64 constants)");
    c.progLen = static_cast<int>(progF.length);
    for (size_t i = 0; i < progF.length; i++) c.prog[i] = static_cast<int>(progF.data[i]);
    for (size_t i = 0; i < consts.length; i++) c.consts[i] = consts.data[i];
    cuda::runExpr(c);
  });
}

/** cudaReduce(op, in, inOffset, out, outer, n, inner): over the middle dim of a contiguous float32 block. */
Napi::Value bindCudaReduce(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaReduce";
    const long long kind = countArg(info, 0, op, "op");
    if (kind > cuda::kProd) throw ArgError(ArgError::Range, std::string(op) + ": unknown reduction");
    Block& in = blockArg(info, 1, op, "in");
    const long long inOff = countArg(info, 2, op, "inOffset");
    Block& out = blockArg(info, 3, op, "out");
    const long long outer = countArg(info, 4, op, "outer"), n = countArg(info, 5, op, "n"), inner = countArg(info, 6, op, "inner");
    if (n == 0 && kind != cuda::kSum && kind != cuda::kProd)
      throw ArgError(ArgError::Range, std::string(op) + ": cannot take a max, min or arg over an empty dim");
    needBytes(op, "in", in, 0, double(inOff + outer * n * inner) * 4);
    needBytes(op, "out", out, 0, double(outer * inner) * 4);
    cuda::reduce(static_cast<cuda::ReduceOp>(kind), static_cast<const float*>(in.ptr) + inOff, out.ptr, outer, n, inner);
  });
}

/**
 * cudaIndex(kind, src, srcOffset, idx, idxOffset, out, outOffset, outer, n, m, inner): 0 index_select,
 * 1 index_add, 2 gather, 3 scatter_add, 4 index_copy (float32 src/out, int32 idx). Indices are checked on the device first.
 */
Napi::Value bindCudaIndex(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaIndex";
    const long long kind = countArg(info, 0, op, "kind");
    Block& src = blockArg(info, 1, op, "src");
    const long long sOff = countArg(info, 2, op, "srcOffset");
    Block& idx = blockArg(info, 3, op, "index");
    const long long iOff = countArg(info, 4, op, "indexOffset");
    Block& out = blockArg(info, 5, op, "out");
    const long long oOff = countArg(info, 6, op, "outOffset");
    const long long outer = countArg(info, 7, op, "outer"), n = countArg(info, 8, op, "n"), m = countArg(info, 9, op, "m"),
                    inner = countArg(info, 10, op, "inner");
    if (kind > 4) throw ArgError(ArgError::Range, std::string(op) + ": unknown kind");
    const bool perElement = kind == 2 || kind == 3;
    const long long nIdx = perElement ? outer * m * inner : m;
    const long long big = outer * n * inner, small = outer * m * inner;
    needBytes(op, "index", idx, 0, double(iOff + nIdx) * 4);
    needBytes(op, "src", src, 0, double(sOff + (kind == 0 || kind == 2 ? big : small)) * 4);
    needBytes(op, "out", out, 0, double(oOff + (kind == 0 || kind == 2 ? small : big)) * 4);
    const int* ix = static_cast<const int*>(idx.ptr) + iOff;
    int bad = 0;
    const long long where = cuda::firstBadIndex(ix, nIdx, n, &bad);
    if (where >= 0)
      throw ArgError(ArgError::Range, std::string(kind == 2 || kind == 3 ? "gather" : "index_select") + ": index " +
                                          std::to_string(bad) + " is out of bounds for a dimension of size " + std::to_string(n) +
                                          " (at position " + std::to_string(where) + ")");
    const float* s = static_cast<const float*>(src.ptr) + sOff;
    float* o = static_cast<float*>(out.ptr) + oOff;
    cuda::indexOp(static_cast<cuda::IndexKind>(kind), s, ix, o, outer, n, m, inner);
  });
}

/** cudaGemmDevice(a, b, c, params): the gemm parameter block, offsets in elements, on device buffers. */
Napi::Value bindCudaGemmDevice(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaGemmDevice";
    Block& a = blockArg(info, 0, op, "a");
    Block& b = blockArg(info, 1, op, "b");
    Block& c = blockArg(info, 2, op, "c");
    GemmExtent e;
    GemmProblem<float> g = gemmParams<float>(paramsArg(info, 3, op, kGemmParams), &e);
    needBytes(op, "c", c, 0, e.cNeed * 4);
    needBytes(op, "a", a, 0, e.aNeed * 4);
    needBytes(op, "b", b, 0, e.bNeed * 4);
    g.a = static_cast<const float*>(a.ptr) + e.aOff;
    g.b = static_cast<const float*>(b.ptr) + e.bOff;
    g.c = static_cast<float*>(c.ptr) + e.cOff;
    cuda::gemmDevice(g);
  });
}

/** cudaConvDevice(kind, geometry, a, aOffset, b, bOffset, bias|null, biasOffset, out, outOffset): 0 forward(x, w), 1 backward-data(gy, w), 2 backward-weight(x, gy). */
Napi::Value bindCudaConvDevice(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaConvDevice";
    const long long kind = countArg(info, 0, op, "kind");
    ConvGeometry g = convArgs(info, 1, op);
    Block& a = blockArg(info, 2, op, "a");
    const long long aOff = countArg(info, 3, op, "aOffset");
    Block& b = blockArg(info, 4, op, "b");
    const long long bOff = countArg(info, 5, op, "bOffset");
    const bool hasBias = info.Length() > 6 && info[6].IsExternal();
    const long long biasOff = hasBias ? countArg(info, 7, op, "biasOffset") : 0;
    Block& out = blockArg(info, 8, op, "out");
    const long long oOff = countArg(info, 9, op, "outOffset");
    const double x = double(g.n) * g.image(), w = double(g.o) * g.rows(), y = double(g.n) * g.outImage();
    const double aNeed = kind == 1 ? y : x, bNeed = kind == 2 ? y : w, oNeed = kind == 0 ? y : kind == 1 ? x : w;
    needBytes(op, "a", a, 0, (aOff + aNeed) * 4);
    needBytes(op, "b", b, 0, (bOff + bNeed) * 4);
    needBytes(op, "out", out, 0, (oOff + oNeed) * 4);
    const float* pa = static_cast<const float*>(a.ptr) + aOff;
    const float* pb = static_cast<const float*>(b.ptr) + bOff;
    float* po = static_cast<float*>(out.ptr) + oOff;
    if (kind == 0) {
      const float* bias = nullptr;
      if (hasBias) {
        Block& bb = blockArg(info, 6, op, "bias");
        needBytes(op, "bias", bb, 0, double(biasOff + g.o) * 4);
        bias = static_cast<const float*>(bb.ptr) + biasOff;
      }
      cuda::conv2dForwardDevice(g, pa, pb, bias, po);
    } else if (kind == 1) {
      cuda::conv2dBackwardDataDevice(g, pa, pb, po);
    } else {
      cuda::conv2dBackwardWeightDevice(g, pa, pb, po);
    }
  });
}

/**
 * cudaPool(kind, src, srcOffset, out, outOffset, arg|null, tables, divisor|null, planes, H, W, OH, OW): see cuda::pool2d.
 * tables holds 2·OH + 2·OW int32 window bounds, each inside [0, H] or [0, W] (checked on the host side by the caller).
 */
Napi::Value bindCudaPool(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "cudaPool";
    const long long kind = countArg(info, 0, op, "kind");
    if (kind > 3) throw ArgError(ArgError::Range, std::string(op) + ": unknown kind");
    Block& src = blockArg(info, 1, op, "src");
    const long long sOff = countArg(info, 2, op, "srcOffset");
    Block& out = blockArg(info, 3, op, "out");
    const long long oOff = countArg(info, 4, op, "outOffset");
    const bool isMax = kind < 2;
    Block* arg = isMax ? &blockArg(info, 5, op, "arg") : nullptr;
    Block& tab = blockArg(info, 6, op, "tables");
    Block* div = isMax ? nullptr : &blockArg(info, 7, op, "divisor");
    const long long planes = countArg(info, 8, op, "planes"), H = countArg(info, 9, op, "H"), W = countArg(info, 10, op, "W"),
                    OH = countArg(info, 11, op, "OH"), OW = countArg(info, 12, op, "OW");
    const double big = double(planes) * H * W, small = double(planes) * OH * OW;
    const bool fwd = kind == 0 || kind == 2;
    needBytes(op, "src", src, 0, (sOff + (fwd ? big : small)) * 4);
    needBytes(op, "out", out, 0, (oOff + (fwd ? small : big)) * 4);
    if (arg) needBytes(op, "arg", *arg, 0, small * 4);
    needBytes(op, "tables", tab, 0, double(2 * OH + 2 * OW) * 4);
    if (div) needBytes(op, "divisor", *div, 0, double(OH * OW) * 4);
    cuda::pool2d(static_cast<int>(kind), static_cast<const float*>(src.ptr) + sOff, static_cast<float*>(out.ptr) + oOff,
                 arg ? static_cast<int*>(arg->ptr) : nullptr, static_cast<const int*>(tab.ptr),
                 div ? static_cast<const float*>(div->ptr) : nullptr, planes, H, W, OH, OW);
  });
}

Napi::Value bindCudaMemoryStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cuda::MemoryStats s = cuda::memoryStats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("allocated", s.allocated);
  o.Set("maxAllocated", s.maxAllocated);
  o.Set("reserved", s.reserved);
  o.Set("maxReserved", s.maxReserved);
  o.Set("allocations", s.allocations);
  o.Set("cudaMallocs", s.cudaMallocs);
  return o;
}

Napi::Value bindCudaEmptyCache(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { cuda::emptyCache(); });
}

Napi::Value bindCudaResetPeak(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { cuda::resetPeakMemoryStats(); });
}

Napi::Value bindCudaSynchronize(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { cuda::synchronize(); });
}

}  // namespace gu
