// @groundup/operations: Weidman's explicit forward/backward API (no autograd) on groundup tensors.
export { Operation, ParamOperation } from './operation.ts';
export { WeightMultiply, BiasAdd, Sigmoid, Linear } from './operations.ts';
export { Layer, Dense } from './layer.ts';
export { Loss, MeanSquaredError } from './loss.ts';
export { NeuralNetwork } from './network.ts';
export { Optimizer, SGD } from './optimizer.ts';
export { Trainer, permuteData, generateBatches, evalRegressionModel, type FitOptions, type FitResult } from './trainer.ts';
export { assertSameShape } from './assert-shape.ts';
// Weidman ch6: NumberWithGrad, RNN/LSTM/GRU nodes and layers, their trainer (namespace rnn).
export * as rnn from './rnn/index.ts';
export { NumberWithGrad } from './rnn/number-with-grad.ts';
