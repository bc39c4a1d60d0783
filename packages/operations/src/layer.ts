// Layer and Dense. Parameters are created lazily at the first forward (the input width is known
// then) and are mutable buffers: the operations and the optimizer share the same tensors.
import { fromArray, numpyRandom, ShapeError, type RandomState, type Tensor } from '@groundup/tensor';
import { Dropout } from './dropout.ts';
import { assertSameShape } from './assert-shape.ts';
import { Operation, ParamOperation } from './operation.ts';
import { BiasAdd, Sigmoid, WeightMultiply } from './operations.ts';
import { initScale, type WeightInit } from './weight-init.ts';

export abstract class Layer {
  first = true;
  params: Tensor[] = [];
  paramGrads: Tensor[] = [];
  operations: Operation[] = [];
  input!: Tensor;
  output!: Tensor;
  /** Set by NeuralNetwork; undefined means "don't re-seed". */
  seed?: number;
  /** The RNG the layer draws from: numpy's global one by default, as in the book. */
  rng: RandomState = numpyRandom;
  constructor(readonly neurons: number) {}

  protected abstract setupLayer(input: Tensor): void;

  forward(input: Tensor, inference = false): Tensor {
    if (this.first) {
      this.setupLayer(input);
      this.first = false;
    }
    this.input = input;
    this.output = this.operations.reduce((x, op) => op.forward(x, inference), input);
    return this.output;
  }

  backward(outputGrad: Tensor): Tensor {
    assertSameShape(`${this.constructor.name}.backward`, outputGrad, this.output, ['output gradient', 'output']);
    const inputGrad = [...this.operations].reverse().reduce((g, op) => op.backward(g), outputGrad);
    assertSameShape(`${this.constructor.name}.backward`, inputGrad, this.input, ['input gradient', 'input']);
    this.paramGrads = this.operations.filter((op): op is ParamOperation => op instanceof ParamOperation).map((op) => op.paramGrad);
    return inputGrad;
  }

  /** A copy with its own parameter buffers (the trainer's snapshot for early stopping). */
  abstract clone(): Layer;
}

export interface DenseOptions {
  /** the probability of *keeping* a unit, as the book's `dropout` (default 1: no Dropout operation) */
  dropout?: number;
  /** default 'standard' (scale 1); see weight-init.ts */
  weightInit?: WeightInit;
}

export class Dense extends Layer {
  readonly dropout: number;
  readonly weightInit: WeightInit;
  constructor(neurons: number, readonly makeActivation: () => Operation = () => new Sigmoid(), { dropout = 1, weightInit = 'standard' }: DenseOptions = {}) {
    super(neurons);
    if (!(dropout > 0 && dropout <= 1)) throw new RangeError(`Dense: dropout is the probability of keeping a unit and must lie in (0, 1], got ${dropout}`);
    initScale(weightInit, 1, 1); // throws on an unknown name now rather than at the first forward
    this.dropout = dropout;
    this.weightInit = weightInit;
  }

  /** Re-seeds (when a seed is set), then draws W (nIn, neurons) and B (1, neurons) in that order. */
  protected setupLayer(input: Tensor): void {
    if (input.ndim !== 2) throw new ShapeError(`Dense: expects input (batch, features), got [${input.shape}]; flatten it first`);
    if (this.seed) this.rng.seed(this.seed);
    const nIn = input.shape[1]!, scale = initScale(this.weightInit, nIn, this.neurons);
    const W = fromArray(this.rng.normal(0, scale, [nIn, this.neurons])).to(input.dtype);
    const B = fromArray(this.rng.normal(0, scale, [1, this.neurons])).to(input.dtype);
    this.build(W, B);
  }

  private build(W: Tensor, B: Tensor): void {
    this.params = [W, B];
    this.operations = [new WeightMultiply(W), new BiasAdd(B), this.makeActivation()];
    if (this.dropout < 1) this.operations.push(new Dropout(this.dropout, this.rng));
  }

  clone(): Dense {
    const d = new Dense(this.neurons, this.makeActivation, { dropout: this.dropout, weightInit: this.weightInit });
    d.seed = this.seed;
    d.rng = this.rng;
    d.first = this.first;
    if (!this.first) d.build(this.params[0]!.clone(), this.params[1]!.clone());
    return d;
  }
}
