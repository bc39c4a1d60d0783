// Named error classes shared by every groundup package. Each message says what was wrong,
// the shapes or values involved and, where one exists, the fix.

export class GroundupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: broadcasting, matmul, view, cat/stack. */
export class ShapeError extends GroundupError {}
/** An op was given a dtype it does not accept. */
export class DTypeError extends GroundupError {}
/** A malformed einsum equation or operands that do not fit it. */
export class EinsumError extends GroundupError {}
/** An index out of range or an unsupported index form. */
export class IndexError extends GroundupError {}
/** Misuse of autograd: backward on a non-scalar, a freed graph, an in-place edit of a saved tensor. */
export class AutogradError extends GroundupError {}
/** A malformed op record: an expression that does not parse, a gradient reading what the op does not save. */
export class OpError extends GroundupError {}
/** A backend that cannot load or a kernel that failed. */
export class BackendError extends GroundupError {}
/** A dataset that is missing or malformed. */
export class DataError extends GroundupError {}
/** A weights file that is corrupt or does not match the model. */
export class SerializationError extends GroundupError {}
/** A device that does not exist here, or tensors on different devices. */
export class DeviceError extends GroundupError {}
/** The GPU ran out of memory even after the caching allocator returned its free blocks (PyTorch's torch.cuda.OutOfMemoryError). */
export class CudaOutOfMemoryError extends DeviceError {}
