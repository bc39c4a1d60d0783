// Weidman ch7's PyTorch-style wrappers, on @groundup/nn: a layer whose forward may take an
// `inference` flag, a model whose forward returns a tuple (the prediction first), and the
// DenseLayer / ConvLayer / DeconvLayer of lincoln.pytorch. `dropout` is the book's keep
// probability (1.0: no dropout); nn.Dropout takes the drop probability 1 − dropout and is inverted.
import { ConvTranspose2d, Conv2d, Dropout, Linear, Module, type AnyModule } from '@groundup/nn';
import type { Tensor } from '@groundup/tensor';

/** The book's inference_mode: m.eval(). */
export const inferenceMode = (m: AnyModule): void => { m.eval(); };

/** forward(x, inference = false): with inference the layer switches itself (and its children) to eval mode, for good, as the book's does. */
export abstract class PyTorchLayer extends Module<[Tensor, boolean?], Tensor> {
  abstract override forward(x: Tensor, inference?: boolean): Tensor;
}

/** A model whose forward returns a tuple: [prediction, ...extras] (the autoencoder adds its code). */
export abstract class PyTorchModel<Out extends Tensor[] = [Tensor]> extends Module<[Tensor, boolean?], Out> {
  abstract override forward(x: Tensor, inference?: boolean): Out;
}

/** nn.Linear, then the activation, then dropout. */
export class DenseLayer extends PyTorchLayer {
  linear: Linear;
  activation: AnyModule | null;
  dropout?: Dropout;
  constructor(inputSize: number, neurons: number, dropout = 1.0, activation: AnyModule | null = null) {
    super();
    this.linear = new Linear(inputSize, neurons);
    this.activation = activation;
    if (dropout < 1.0) this.dropout = new Dropout(1 - dropout);
  }
  override forward(x: Tensor, inference = false): Tensor {
    if (inference) this.apply(inferenceMode);
    x = this.linear.call(x);
    if (this.activation) x = this.activation.call(x) as Tensor;
    if (this.dropout) x = this.dropout.call(x);
    return x;
  }
}

/** What ConvLayer and DeconvLayer share: the convolution (registered first, as PyTorch lists it), activation, optional flatten, dropout. */
abstract class ConvBlock extends PyTorchLayer {
  activation: AnyModule | null;
  dropout?: Dropout;
  readonly flatten: boolean;
  readonly #layer: Conv2d | ConvTranspose2d;
  constructor(name: string, layer: Conv2d | ConvTranspose2d, activation: AnyModule | null, dropout: number, flatten: boolean) {
    super();
    this.registerModule(name, layer);
    this.#layer = layer;
    this.activation = activation;
    this.flatten = flatten;
    if (dropout < 1.0) this.dropout = new Dropout(1 - dropout);
  }
  override forward(x: Tensor): Tensor {
    x = this.#layer.call(x);
    if (this.activation) x = this.activation.call(x) as Tensor;
    if (this.flatten) x = x.view(x.shape[0]!, x.shape[1]! * x.shape[2]! * x.shape[3]!);
    if (this.dropout) x = this.dropout.call(x);
    return x;
  }
}

/** nn.Conv2d with padding filterSize // 2 (the size is kept), then activation, optional flatten, dropout. */
export class ConvLayer extends ConvBlock {
  declare readonly conv: Conv2d;
  constructor(inChannels: number, outChannels: number, filterSize: number, activation: AnyModule | null = null, dropout = 1.0, flatten = false) {
    super('conv', new Conv2d(inChannels, outChannels, filterSize, { padding: Math.floor(filterSize / 2) }), activation, dropout, flatten);
  }
}

/** The same with nn.ConvTranspose2d: with stride 1 and padding k // 2 it keeps the size too. */
export class DeconvLayer extends ConvBlock {
  declare readonly deconv: ConvTranspose2d;
  constructor(inChannels: number, outChannels: number, filterSize: number, activation: AnyModule | null = null, dropout = 1.0, flatten = false) {
    super('deconv', new ConvTranspose2d(inChannels, outChannels, filterSize, { padding: Math.floor(filterSize / 2) }), activation, dropout, flatten);
  }
}
