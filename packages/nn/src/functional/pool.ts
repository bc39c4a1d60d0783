// F.maxPool2d, F.avgPool2d, F.adaptiveAvgPool2d, F.adaptiveMaxPool2d: tensor's pooling ops (their
// gradients are defined once, in @groundup/tensor).
export {
  maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, type Size2, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize,
} from '@groundup/tensor';
