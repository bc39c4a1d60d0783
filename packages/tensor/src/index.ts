// @groundup/tensor: the strided tensor, its ops and random numbers.
import './methods.ts';
import { opRecords as definedOps } from './ops/define.ts';

export { Tensor, type NestedArray } from './tensor.ts';
export { Storage } from './storage.ts';
export { type DType, type DTypeName, type TypedArray, type Scalar, promoteTypes, resultType, isFloating, requireFloating, resolveDType } from './dtype.ts';
export { type Device, isDeviceName, checkDevice } from './device.ts';
export { cuda } from './device/memory.ts';
export { broadcastShapes, contiguousStrides, type Shape } from './shape.ts';
export * from './creation.ts';
export { cat, stack, oneHot } from './join.ts';
export * from './elementwise.ts';
export { defineOp, defineOps, opRecords, elementwiseOp, ElementwiseOp } from './ops/define.ts';
export type { OpSpec, OpRecord, OpFunction, OpMethod, OpMethods, DTypeRule, DTypeFn } from './ops/record.ts';
export { FUNCTIONS as EXPR_FUNCTIONS, parseExpr, toJs, toC, type Expr } from './ops/expr.ts';
export * from './reduce.ts';
export { softmax, logSoftmax } from './softmax.ts';
export {
  maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, type Size2, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize,
} from './pool.ts';
export { batchNorm, type BatchNormOptions as BatchNormOpOptions } from './batchnorm.ts';
export { embedding, type EmbeddingOptions } from './embedding.ts';
export {
  mseLoss, l1Loss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions, type BceOptions, type BceWithLogitsOptions,
} from './loss.ts';
export * from './views.ts';
export { at, setAt, indexPut_, slice, nonzero, gather, indexSelect, maskedFill, type IndexItem, type Slice } from './indexing.ts';
export { matmul, mm, dot, bmm } from './matmul.ts';
export { einsum } from './einsum.ts';
export { conv2d, unfold, conv2dBackwardInput, conv2dBackwardWeight, conv2dGeom, type Conv2dOptions, type Conv2dOpOptions } from './conv.ts';
export { convTranspose2d, type ConvTranspose2dOptions } from './conv-transpose.ts';
export { formatTensor } from './format.ts';
export { emptyBufferPool, pooledBytes, setBufferPoolPoison } from './buffer-pool.ts';
export { fill_, zero_, copy_, normal_, uniform_, bernoulli_ } from './inplace.ts';
export * from './random/index.ts';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.ts';
export { Node, attach, edgeOf, type Backward, type Edge, type GradHook } from './autograd/node.ts';
export { sumToShape, type BackwardOptions } from './autograd/engine.ts';
export { Function, FunctionCtx } from './autograd/function.ts';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.ts';
export { scatterAdd, indexPut } from './indexing.ts';
export { ShapeError, DTypeError, EinsumError, IndexError, AutogradError, BackendError, DeviceError, CudaOutOfMemoryError, OpError, setBackend, getBackend } from '@groundup/kernels';

/** The names of the records this package defines (a user's or a test's defineOp adds to opRecords() only). */
export const builtInOps: readonly string[] = Object.freeze(definedOps().map((r) => r.name));
