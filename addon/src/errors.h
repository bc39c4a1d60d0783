// Errors the addon raises. The bindings turn them into JS errors: ArgError::Type → TypeError,
// ArgError::Range → RangeError, anything else (CudaError, bad_alloc) → Error. The TS loader
// maps those to DTypeError, ShapeError and BackendError.
#pragma once
#include <stdexcept>
#include <string>

namespace gu {

struct ArgError : std::runtime_error {
  enum Kind { Type, Range } kind;
  ArgError(Kind k, const std::string& m) : std::runtime_error(m), kind(k) {}
};

/** A failed CUDA runtime call or kernel launch: "cuda: <what> failed (<code> <name>: <message>)". */
struct CudaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace gu
