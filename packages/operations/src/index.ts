// @groundup/operations: Weidman's explicit forward/backward API (no autograd) on groundup tensors.
export { Operation, ParamOperation } from './operation.ts';
export { WeightMultiply, BiasAdd, Sigmoid, Linear } from './operations.ts';
export { Layer, Dense, type DenseOptions } from './layer.ts';
export { Loss, MeanSquaredError } from './loss.ts';
export { NeuralNetwork } from './network.ts';
export { Optimizer, SGD, type DecayType, type OptimizerOptions } from './optimizer.ts';
export { Trainer, permuteData, generateBatches, evalRegressionModel, accuracyPercent, type FitOptions, type FitResult } from './trainer.ts';
export { assertSameShape } from './assert-shape.ts';
// Weidman ch4: activations, loss, dropout, init, momentum.
export { Tanh } from './tanh.ts';
export { ReLU, type ReLUOptions } from './relu.ts';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy.ts';
export { Dropout } from './dropout.ts';
export { initScale, type WeightInit } from './weight-init.ts';
export { SGDMomentum, type SGDMomentumOptions } from './sgd-momentum.ts';
// Weidman ch5: convolution, flatten, pooling.
export { Conv2DOp, flipKernel } from './conv2d-op.ts';
export { Conv2D, type Conv2DOptions } from './conv2d.ts';
export { Flatten } from './flatten.ts';
export { MaxPool2D } from './max-pool2d.ts';
export { AvgPool2D } from './avg-pool2d.ts';
// Weidman ch6: NumberWithGrad, RNN/LSTM/GRU nodes and layers, their trainer (namespace rnn).
export * as rnn from './rnn/index.ts';
export { NumberWithGrad } from './rnn/number-with-grad.ts';
