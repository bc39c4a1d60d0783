// The functional API, exported from @groundup/nn as the namespace F (PyTorch's torch.nn.functional):
//   import { F } from '@groundup/nn';  F.relu(x), F.crossEntropy(logits, y), F.conv2d(x, w, b, {stride: 2}).
export {
  relu, sigmoid, tanh, softmax, logSoftmax, logsumexp, softplus, leakyRelu, gelu, silu, type SoftplusOptions, type GeluOptions, type GeluApproximate,
} from './activation.ts';
export { linear } from './linear.ts';
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from './conv.ts';
export { conv1d, type Conv1dOptions } from './conv1d.ts';
export { pad, type PadMode } from './pad.ts';
export {
  maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, type Size2, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize,
} from './pool.ts';
export { interpolate, type InterpolateMode, type InterpolateOptions } from './interpolate.ts';
export { batchNorm, type BatchNormOptions } from './batchnorm.ts';
export { layerNorm, groupNorm } from './normalization.ts';
export { dropout, type DropoutOptions } from './dropout.ts';
export { dropout2d } from './dropout2d.ts';
export { embedding, type EmbeddingOptions } from './embedding.ts';
export {
  mseLoss, l1Loss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions, type BceOptions, type BceWithLogitsOptions,
} from './loss.ts';
export { rnnTanhCell, rnnReluCell, lstmCell, gruCell, rnnLayer, rnnSteps, type RNNMode, type RNNWeights } from './rnn.ts';
