// groundup: one import for everything.
export * from '@groundup/kernels';
export * from '@groundup/tensor';
export * from '@groundup/optim';
export * from '@groundup/data';
// data's batch-preserving flatten (startDim 1) would shadow the tensor op; the tensor op wins here,
// and the transform stays available as `import { flatten } from '@groundup/data'`.
export { flatten } from '@groundup/tensor';
// Weidman's explicit-backward API has its own Linear, Sigmoid, SGD...: it lives under a namespace.
export * as operations from '@groundup/operations';
