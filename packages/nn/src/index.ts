// @groundup/nn: Module and Parameter, layers, the functional API F, init, losses, hooks, state
// dicts and safetensors files. Every layer is importable on its own:
//   import { Linear, ReLU, Sequential, F, init, save, load } from '@groundup/nn';
// PyTorch's model(x) is model.call(x) (hooks run); model.forward(x) runs forward alone.
export { Module, type AnyModule, type ForwardHook, type ForwardPreHook, type BackwardHook } from './module.ts';
export { Parameter } from './parameter.ts';
export { RemovableHandle, withHooks, type Removable, type Grads } from './hooks.ts';
export { Sequential } from './sequential.ts';
export { ModuleList } from './module-list.ts';
export { ModuleDict } from './module-dict.ts';
export { Identity } from './identity.ts';
export { Linear, type LinearOptions } from './linear.ts';
export { ReLU, Sigmoid, Tanh, Softmax, LogSoftmax, LeakyReLU, GELU, SiLU, Softplus } from './activation.ts';
export { Conv1d, type Conv1dLayerOptions } from './conv1d.ts';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.ts';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose2d.ts';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.ts';
export { LayerNorm, GroupNorm, type LayerNormLayerOptions, type GroupNormLayerOptions } from './normalization.ts';
export { Dropout, type DropoutLayerOptions } from './dropout.ts';
export { Dropout2d } from './dropout2d.ts';
export { Flatten } from './flatten.ts';
export { Unflatten } from './unflatten.ts';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './pooling.ts';
export { Upsample } from './upsample.ts';
export { Embedding, type EmbeddingLayerOptions } from './embedding.ts';
export { RNNCell, LSTMCell, GRUCell, type RNNCellOptions } from './rnn-cell.ts';
export { RNN, LSTM, GRU, type RNNOptions, type RNNLayerOptions } from './rnn.ts';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss.ts';
export * as F from './functional/index.ts';
export * as init from './init.ts';
export { type StateDict, type LoadStateDictOptions, type LoadResult, torchKey } from './state-dict.ts';
export {
  serialize as serializeSafetensors, deserialize as deserializeSafetensors, type SafetensorsContents, type SafetensorsDType,
} from './safetensors.ts';
// files need Node: a browser build gets save.browser.ts (package.json "imports", "browser" condition)
export { save, load, loadInto, loadSafetensors, writeFileAtomic, type SaveOptions } from '#save';
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip-grad.ts';
