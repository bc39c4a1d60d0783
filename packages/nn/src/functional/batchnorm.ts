// F.batchNorm: tensor's batch-norm op (its gradient is defined once, in @groundup/tensor).
export { batchNorm, type BatchNormOpOptions as BatchNormOptions } from '@groundup/tensor';
