// Conv2D (Weidman ch5): a layer of [Conv2DOp, activation, Flatten if asked, Dropout if dropout < 1].
// Unlike Dense it does not re-seed: its parameter comes from the current state of the RNG stream.
import { fromArray, ShapeError, type Tensor } from '@groundup/tensor';
import { Conv2DOp } from './conv2d-op.ts';
import { Dropout } from './dropout.ts';
import { Flatten } from './flatten.ts';
import { Layer } from './layer.ts';
import type { Operation } from './operation.ts';
import { Linear } from './operations.ts';
import { initScale, type WeightInit } from './weight-init.ts';

export interface Conv2DOptions {
  /** the probability of keeping a unit (default 1: no Dropout) */
  dropout?: number;
  /** default 'standard' (the book's "normal", scale 1); the book's 'glorot' ignores K² */
  weightInit?: WeightInit;
  /** default the identity (the book's Linear) */
  activation?: () => Operation;
  /** append a Flatten so a Dense layer can follow */
  flatten?: boolean;
}

export class Conv2D extends Layer {
  readonly dropout: number;
  readonly weightInit: WeightInit;
  readonly makeActivation: () => Operation;
  readonly flatten: boolean;
  constructor(readonly outChannels: number, readonly paramSize: number, opts: Conv2DOptions = {}) {
    super(outChannels);
    const { dropout = 1, weightInit = 'standard', activation = () => new Linear(), flatten = false } = opts;
    if (!(dropout > 0 && dropout <= 1)) throw new RangeError(`Conv2D: dropout is the probability of keeping a unit and must lie in (0, 1], got ${dropout}`);
    if (!Number.isInteger(paramSize) || paramSize % 2 !== 1) throw new ShapeError(`Conv2D: paramSize must be an odd integer (for "same" output), got ${paramSize}`);
    initScale(weightInit, 1, 1); // throws on an unknown name now rather than at the first forward
    this.dropout = dropout;
    this.weightInit = weightInit;
    this.makeActivation = activation;
    this.flatten = flatten;
  }

  /** Draws the parameter [C_in, C_out, K, K] from the stream as it stands (no re-seeding). */
  protected setupLayer(input: Tensor): void {
    if (input.ndim !== 4) throw new ShapeError(`Conv2D: expects input [batch, channels, H, W], got [${input.shape}]; reshape flat images with .view(-1, 1, 28, 28)`);
    const cIn = input.shape[1]!, k = this.paramSize;
    const scale = initScale(this.weightInit, cIn, this.outChannels, k * k);
    this.build(fromArray(this.rng.normal(0, scale, [cIn, this.outChannels, k, k])).to(input.dtype));
  }

  private build(param: Tensor): void {
    this.params = [param];
    this.operations = [new Conv2DOp(param), this.makeActivation()];
    if (this.flatten) this.operations.push(new Flatten());
    if (this.dropout < 1) this.operations.push(new Dropout(this.dropout, this.rng));
  }

  clone(): Conv2D {
    const c = new Conv2D(this.outChannels, this.paramSize, { dropout: this.dropout, weightInit: this.weightInit, activation: this.makeActivation, flatten: this.flatten });
    c.seed = this.seed;
    c.rng = this.rng;
    c.first = this.first;
    if (!this.first) c.build(this.params[0]!.clone());
    return c;
  }
}
