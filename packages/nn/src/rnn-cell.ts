// RNNCell, LSTMCell and GRUCell: one time step, as torch.nn's cells. Parameters weight_ih
// [G·H, I], weight_hh [G·H, H], bias_ih and bias_hh [G·H] (G = 1, 4 for i,f,g,o, or 3 for r,z,n),
// all drawn from U(−1/√H, 1/√H) as PyTorch does. The input is [batch, input_size] or unbatched
// [input_size]; a missing state starts at zeros.
import { ShapeError } from '@groundup/kernels';
import { empty, zeros, type DType, type Tensor } from '@groundup/tensor';
import { gateCount, gruCell, lstmCell, rnnReluCell, rnnTanhCell, type RNNMode, type RNNWeights } from './functional/rnn.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';
import { fmtShape as fmt } from './repr.ts';

export interface RNNCellOptions { bias?: boolean; dtype?: DType }

abstract class RNNCellBase<In extends unknown[], Out> extends Module<In, Out> {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  readonly bias: boolean;

  constructor(readonly inputSize: number, readonly hiddenSize: number, mode: RNNMode, opts: RNNCellOptions) {
    super();
    const name = new.target.name;
    for (const [k, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const)
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    const G = gateCount(mode), dtype = opts.dtype ?? 'float32';
    this.bias = opts.bias ?? true;
    this.weightIh = new Parameter(empty([G * hiddenSize, inputSize], { dtype }));
    this.weightHh = new Parameter(empty([G * hiddenSize, hiddenSize], { dtype }));
    this.biasIh = this.bias ? new Parameter(empty([G * hiddenSize], { dtype })) : null;
    this.biasHh = this.bias ? new Parameter(empty([G * hiddenSize], { dtype })) : null;
    this.registerParameter('biasIh', this.biasIh);
    this.registerParameter('biasHh', this.biasHh);
    this.resetParameters();
  }

  /** Every parameter from U(−1/√hidden, 1/√hidden), in registration order, as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  protected weights(): RNNWeights {
    return { wIh: this.weightIh, wHh: this.weightHh, bIh: this.biasIh, bHh: this.biasHh };
  }

  /** The input as [B, I] (unbatched [I] gets a batch dim), checked; and whether it was batched. */
  protected batched(x: Tensor): [Tensor, boolean] {
    const name = this.constructor.name;
    if (x.ndim !== 1 && x.ndim !== 2)
      throw new ShapeError(`${name}: expected input [batch, ${this.inputSize}] or unbatched [${this.inputSize}], got a ${x.ndim}-D tensor ${fmt(x.shape)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize)
      throw new ShapeError(`${name}: input ${fmt(x.shape)} has ${x.shape[x.ndim - 1]} features, expected input_size = ${this.inputSize}`);
    return x.ndim === 1 ? [x.unsqueeze(0), false] : [x, true];
  }

  /** A state for input [B, I]: the given one (checked; unbatched when the input is) or zeros. */
  protected state(h: Tensor | null | undefined, x: Tensor, batched: boolean, what = 'hidden state'): Tensor {
    const B = x.shape[0]!, H = this.hiddenSize;
    if (h == null) return zeros([B, H], { dtype: x.dtype, device: x.device });
    const want = batched ? [B, H] : [H];
    if (h.ndim !== want.length || h.shape.some((n, i) => n !== want[i]))
      throw new ShapeError(`${this.constructor.name}: expected ${what} ${fmt(want)} for input ${fmt(batched ? x.shape : [x.shape[1]!])}, got ${fmt(h.shape)}`);
    return batched ? h : h.unsqueeze(0);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}`;
  }
}

/** h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), or relu with {nonlinearity: 'relu'}. */
export class RNNCell extends RNNCellBase<[Tensor, (Tensor | null)?], Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNNCell: unknown nonlinearity ${JSON.stringify(nl)}; use 'tanh' or 'relu'`);
    super(inputSize, hiddenSize, nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', opts);
    this.nonlinearity = nl;
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, batched] = this.batched(input);
    const h = (this.nonlinearity === 'tanh' ? rnnTanhCell : rnnReluCell)(x, this.state(hx, x, batched), this.weights());
    return batched ? h : h.squeeze(0);
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : ", nonlinearity='relu'");
  }
}

/** (h', c') from (h, c): gates i, f, g, o from one matmul each for x and h. */
export class LSTMCell extends RNNCellBase<[Tensor, (readonly [Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 'LSTM', opts);
  }
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [x, batched] = this.batched(input);
    const h = this.state(hx?.[0], x, batched), c = this.state(hx?.[1], x, batched, 'cell state');
    const [h2, c2] = lstmCell(x, [h, c], this.weights());
    return batched ? [h2, c2] : [h2.squeeze(0), c2.squeeze(0)];
  }
}

/** h' = (1 − z)·n + z·h with reset gate r, update gate z and candidate n. */
export class GRUCell extends RNNCellBase<[Tensor, (Tensor | null)?], Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 'GRU', opts);
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, batched] = this.batched(input);
    const h = gruCell(x, this.state(hx, x, batched), this.weights());
    return batched ? h : h.squeeze(0);
  }
}
