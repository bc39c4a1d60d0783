// F's losses: tensor's loss ops (their gradients are defined once, in @groundup/tensor; the
// class-index cross-entropy is one fused op there), under their functional names.
export {
  mseLoss, l1Loss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions, type BceOptions, type BceWithLogitsOptions,
} from '@groundup/tensor';
