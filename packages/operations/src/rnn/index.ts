// Weidman ch6, "RNNs": the scalar autodiff toy and the notebook's recurrent classes, each node
// with its backward written out. From @groundup/operations as the namespace `rnn` (its SGD,
// SoftmaxCrossEntropy and layers differ from chapter 3's and 4's), e.g.
//   import { rnn } from '@groundup/operations';
//   new rnn.RNNModel([new rnn.LSTMLayer(256, 62)], 25, 62, new rnn.SoftmaxCrossEntropy());
export { NumberWithGrad, ensureNumber, type Numberish } from './number-with-grad.ts';
export { type Param, type Params, clearGradients } from './params.ts';
export { RNNNode, HiddenStateNode, type StepNode } from './rnn-node.ts';
export { LSTMNode } from './lstm-node.ts';
export { GRUNode } from './gru-node.ts';
export { RecurrentLayer, RNNLayer, LSTMLayer, GRULayer } from './rnn-layer.ts';
export { RNNModel, RNNModel as LSTMModel } from './rnn-model.ts';
export { SoftmaxCrossEntropy } from './rnn-loss.ts';
export { RNNOptimizer, SGD, AdaGrad } from './rnn-optimizer.ts';
export { RNNTrainer, type RNNTrainOptions, type RNNTrainPoint } from './rnn-trainer.ts';
