// groundup: one import for everything.
export * from '@groundup/kernels';
export * from '@groundup/tensor';
// nn's functional API and init live under the namespaces F and init (tensor owns relu, softmax,
// conv2d, normal_ ... as functions), so nothing here shadows a tensor export.
export * from '@groundup/nn';
export * from '@groundup/optim';
export * from '@groundup/data';
// data's batch-preserving flatten (startDim 1) would shadow the tensor op; the tensor op wins here,
// and the transform stays available as `import { flatten } from '@groundup/data'`.
export { flatten } from '@groundup/tensor';
// Weidman's explicit-backward API has its own Linear, Sigmoid, SGD...: it lives under a namespace.
export * as operations from '@groundup/operations';
// fastai's Learner, callbacks, metrics, the LR finder and checkpoints.
export * from '@groundup/learner';
