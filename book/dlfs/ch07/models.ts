// Weidman ch7's models: BostonModel, the MNIST ConvNet, the convolutional Autoencoder (and a
// variant whose decoder uses DeconvLayer), and the LSTMLayer / NextCharacterModel pair.
import { LSTM, Tanh } from '@groundup/nn';
import { zeros, type Tensor } from '@groundup/tensor';
import { ShapeError } from '@groundup/kernels';
import { ConvLayer, DeconvLayer, DenseLayer, PyTorchLayer, PyTorchModel } from './layers.ts';

const assertDim = (x: Tensor, n: number, what: string): void => {
  if (x.ndim !== n) throw new ShapeError(`${what}: expected a ${n}-D input, got [${x.shape}]`);
};

/** DenseLayer(13, h, Tanh, dropout), then DenseLayer(h, 1). */
export class BostonModel extends PyTorchModel {
  dense1: DenseLayer;
  dense2: DenseLayer;
  constructor(hiddenSize = 13, hiddenDropout = 1.0) {
    super();
    this.dense1 = new DenseLayer(13, hiddenSize, hiddenDropout, new Tanh());
    this.dense2 = new DenseLayer(hiddenSize, 1);
  }
  override forward(x: Tensor, inference = false): [Tensor] {
    assertDim(x, 2, 'BostonModel');
    if (x.shape[1] !== 13) throw new ShapeError(`BostonModel: expected 13 features, got [${x.shape}]`);
    return [this.dense2.call(this.dense1.call(x, inference), inference)];
  }
}

/** Conv(1→14, 5) and Conv(14→7, 5) with Tanh, dropout 0.8 (keep), flatten; Dense(28·28·7 → 32, Tanh), Dense(32 → 10). */
export class MNISTConvNet extends PyTorchModel {
  conv1 = new ConvLayer(1, 14, 5, new Tanh(), 0.8);
  conv2 = new ConvLayer(14, 7, 5, new Tanh(), 0.8, true);
  dense1 = new DenseLayer(28 * 28 * 7, 32, 0.8, new Tanh());
  dense2 = new DenseLayer(32, 10);
  override forward(x: Tensor): [Tensor] {
    assertDim(x, 4, 'MNIST_ConvNet');
    return [this.dense2.call(this.dense1.call(this.conv2.call(this.conv1.call(x))))];
  }
}

/**
 * Encoder Conv(1→14, 5), Conv(14→7, 5) flattened, Dense(7·28·28 → hidden) all Tanh: the code;
 * decoder Dense(hidden → 7·28·28, Tanh), view (−1, 7, 28, 28), then two 5×5 layers back to one
 * channel (the book's ConvLayers, or with deconv = true, DeconvLayers). forward → [reconstruction, code].
 */
export class Autoencoder extends PyTorchModel<[Tensor, Tensor]> {
  conv1 = new ConvLayer(1, 14, 5, new Tanh());
  conv2 = new ConvLayer(14, 7, 5, new Tanh(), 1.0, true);
  dense1: DenseLayer;
  dense2: DenseLayer;
  conv3: ConvLayer | DeconvLayer;
  conv4: ConvLayer | DeconvLayer;
  constructor(hiddenDim = 28, deconv = false) {
    super();
    this.dense1 = new DenseLayer(7 * 28 * 28, hiddenDim, 1.0, new Tanh());
    this.dense2 = new DenseLayer(hiddenDim, 7 * 28 * 28, 1.0, new Tanh());
    const Up = deconv ? DeconvLayer : ConvLayer;
    this.conv3 = new Up(7, 14, 5, new Tanh());
    this.conv4 = new Up(14, 1, 5, new Tanh());
  }
  override forward(x: Tensor): [Tensor, Tensor] {
    assertDim(x, 4, 'Autoencoder');
    const encoding = this.dense1.call(this.conv2.call(this.conv1.call(x)));
    const y = this.dense2.call(encoding).view(-1, 7, 28, 28);
    return [this.conv4.call(this.conv3.call(y)), encoding];
  }
}

/**
 * nn.LSTM (batch first) and a DenseLayer on its outputs. The state carries over between batches
 * as in chapter 6: each batch starts from h_init and c_init repeated over the batch, and they
 * become the detached batch means of the final h and c.
 */
export class LSTMLayer extends PyTorchLayer {
  hInit: Tensor;
  cInit: Tensor;
  lstm: LSTM;
  fc: DenseLayer;
  constructor(readonly sequenceLength: number, inputSize: number, readonly hiddenSize: number, outputSize: number, dropout = 1.0) {
    super();
    this.hInit = zeros(1, hiddenSize);
    this.cInit = zeros(1, hiddenSize);
    this.lstm = new LSTM(inputSize, hiddenSize, { batchFirst: true });
    this.fc = new DenseLayer(hiddenSize, outputSize, dropout);
  }
  override forward(x: Tensor): Tensor {
    const B = x.shape[0]!;
    const before = (h: Tensor): Tensor => h.expand(B, this.hiddenSize).unsqueeze(0);
    const [out, [h, c]] = this.lstm.call(x, [before(this.hInit), before(this.cInit)]);
    this.hInit = h.mean(1).detach();
    this.cInit = c.mean(1).detach();
    return this.fc.call(out);
  }
}

/** One LSTMLayer from one-hot characters to next-character logits, returned as (B, V, T) for CrossEntropyLoss. */
export class NextCharacterModel extends PyTorchModel {
  lstm: LSTMLayer;
  constructor(readonly vocabSize: number, hiddenSize = 256, readonly sequenceLength = 25) {
    super();
    this.lstm = new LSTMLayer(sequenceLength, vocabSize, hiddenSize, vocabSize);
  }
  override forward(inputs: Tensor): [Tensor] {
    assertDim(inputs, 3, 'NextCharacterModel');
    return [this.lstm.call(inputs).permute(0, 2, 1)];
  }
}
