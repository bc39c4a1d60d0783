// RNN, LSTM and GRU: multi-layer recurrent nets over a sequence, as torch.nn's. Input
// [seq, batch, input_size] ([batch, seq, input_size] with batchFirst, or unbatched [seq,
// input_size]); the state is [numLayers·numDirections, batch, hidden] (never batch-first), zeros when
// not given. forward returns [output, hN] (LSTM: [output, [hN, cN]]), output [seq, batch,
// numDirections·hidden]. Dropout (training only) is applied to every layer's output but the last.
// Parameters carry PyTorch's names and layouts (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
// then _reverse for the second direction, then l1...), so state dicts and safetensors files move
// between groundup and PyTorch. Initialisation: U(−1/√hidden, 1/√hidden) for every parameter.
import { ShapeError } from '@groundup/kernels';
import { cat, empty, stack, zeros, type DType, type Tensor } from '@groundup/tensor';
import { dropout } from './functional/dropout.ts';
import { gateCount, rnnSteps, type RNNMode, type RNNWeights } from './functional/rnn.ts';
import * as init from './init.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';
import { fmtShape as fmt, pyFloat } from './repr.ts';

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as [batch, seq, feature] (the state stays [layers, batch, hidden]). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer except the last, in training. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}
export interface RNNLayerOptions extends RNNOptions { nonlinearity?: 'tanh' | 'relu' }

type ParamKey = `weightIhL${string}` | `weightHhL${string}` | `biasIhL${string}` | `biasHhL${string}`;

abstract class RNNBase<State> extends Module<[Tensor, (State | null)?], [Tensor, State]> {
  /** The parameters by layer attribute name: weightIhL0 (state-dict key weight_ih_l0), weightIhL0Reverse ... */
  [key: ParamKey]: Parameter;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(readonly mode: RNNMode, readonly inputSize: number, readonly hiddenSize: number, opts: RNNOptions) {
    super();
    const name = new.target.name;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    for (const [k, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', this.numLayers]] as const)
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`${name}: dropout must be a probability in [0, 1], got ${this.dropout}`);
    const G = gateCount(mode), H = hiddenSize, D = this.numDirections, dtype = opts.dtype ?? 'float32';
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < D; d++) {
        const sfx = `L${l}${d === 1 ? 'Reverse' : ''}`, inF = l === 0 ? inputSize : H * D;
        this.registerParameter(`weightIh${sfx}`, new Parameter(empty([G * H, inF], { dtype })));
        this.registerParameter(`weightHh${sfx}`, new Parameter(empty([G * H, H], { dtype })));
        if (this.bias) {
          this.registerParameter(`biasIh${sfx}`, new Parameter(empty([G * H], { dtype })));
          this.registerParameter(`biasHh${sfx}`, new Parameter(empty([G * H], { dtype })));
        }
      }
    this.resetParameters();
  }

  get numDirections(): number { return this.bidirectional ? 2 : 1; }

  /** Every parameter from U(−1/√hidden, 1/√hidden), in PyTorch's order. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  /** The weights of layer l, direction d (PyTorch's all_weights[l·D + d], by name). */
  layerWeights(l: number, d = 0): RNNWeights {
    const sfx = `L${l}${d === 1 ? 'Reverse' : ''}`;
    const get = (k: string): Parameter | null => (this as unknown as Record<string, Parameter | undefined>)[k] ?? null;
    return { wIh: get(`weightIh${sfx}`)!, wHh: get(`weightHh${sfx}`)!, bIh: get(`biasIh${sfx}`), bHh: get(`biasHh${sfx}`) };
  }

  /** PyTorch's all_weights: per layer and direction, [w_ih, w_hh, b_ih, b_hh] (no biases with bias = false). */
  get allWeights(): Parameter[][] {
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < this.numDirections; d++) {
        const w = this.layerWeights(l, d);
        out.push([w.wIh, w.wHh, ...(w.bIh ? [w.bIh, w.bHh!] : [])] as Parameter[]);
      }
    return out;
  }

  /** The input as [T, B, I], checked, and whether it came batched. */
  protected sequence(input: Tensor): [Tensor, boolean] {
    const name = this.constructor.name, I = this.inputSize;
    const layout = this.batchFirst ? `[batch, seq, ${I}]` : `[seq, batch, ${I}]`;
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new ShapeError(`${name}: expected input ${layout} or unbatched [seq, ${I}], got a ${input.ndim}-D tensor ${fmt(input.shape)}`);
    if (input.shape[input.ndim - 1] !== I)
      throw new ShapeError(`${name}: input ${fmt(input.shape)} has ${input.shape[input.ndim - 1]} features, expected input_size = ${I} (input ${layout})`);
    if (input.ndim === 2) return [input.unsqueeze(1), false];
    return [this.batchFirst ? input.transpose(0, 1) : input, true];
  }

  /** A state [L·D, B, H] (unbatched [L·D, H]) checked against the input, or zeros. */
  protected initialState(s: Tensor | null | undefined, x: Tensor, input: Tensor, batched: boolean, what: string): Tensor {
    const LD = this.numLayers * this.numDirections, B = x.shape[1]!, H = this.hiddenSize;
    if (s == null) return zeros([LD, B, H], { dtype: x.dtype, device: x.device });
    const want = batched ? [LD, B, H] : [LD, H];
    if (s.ndim !== want.length || s.shape.some((n, i) => n !== want[i]))
      throw new ShapeError(`${this.constructor.name}: expected ${what} ${fmt(want)} ([num_layers·num_directions, ${batched ? 'batch, ' : ''}hidden_size]) for input ${fmt(input.shape)}, got ${fmt(s.shape)}`);
    return batched ? s : s.unsqueeze(1);
  }

  /** Runs every layer and direction: x [T, B, I], h0 (and c0) [L·D, B, H] → output [T, B, D·H], hN (cN). */
  protected run(x: Tensor, h0: Tensor, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const D = this.numDirections, hs: Tensor[] = [], cs: Tensor[] = [];
    // The layers hand each other lists of time steps (see rnnSteps).
    let steps = x.unbind(0);
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0 && this.dropout > 0 && this.training) steps = steps.map((s) => dropout(s, this.dropout));
      const dirs: Tensor[][] = [];
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        const [o, h, c] = rnnSteps(this.mode, steps, h0.select(0, k), c0 ? c0.select(0, k) : null, this.layerWeights(l, d), d === 1);
        dirs.push(o);
        hs.push(h);
        if (c) cs.push(c);
      }
      steps = D === 1 ? dirs[0]! : dirs[0]!.map((o, t) => cat([o, dirs[1]![t]!], 1));
    }
    return [stack(steps, 0), stack(hs, 0), c0 ? stack(cs, 0) : null];
  }

  /** output back in the caller's layout: batch-first, or without the batch dim. */
  protected output(out: Tensor, batched: boolean): Tensor {
    if (!batched) return out.squeeze(1);
    return this.batchFirst ? out.transpose(0, 1) : out;
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.mode === 'RNN_RELU') s += ", nonlinearity='relu'";
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** An Elman RNN, tanh (default) or relu: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh). */
export class RNN extends RNNBase<Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, opts: RNNLayerOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN: unknown nonlinearity ${JSON.stringify(nl)}; use 'tanh' or 'relu'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [x, batched] = this.sequence(input);
    const [out, h] = this.run(x, this.initialState(hx, x, input, batched, 'hidden state'), null);
    return [this.output(out, batched), batched ? h : h.squeeze(1)];
  }
}

/** A multi-layer LSTM; the state is [h, c], each [numLayers·numDirections, batch, hidden]. */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }
  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [x, batched] = this.sequence(input);
    const h0 = this.initialState(hx?.[0], x, input, batched, 'hidden state h0');
    const c0 = this.initialState(hx?.[1], x, input, batched, 'cell state c0');
    const [out, h, c] = this.run(x, h0, c0);
    return [this.output(out, batched), batched ? [h, c!] : [h.squeeze(1), c!.squeeze(1)]];
  }
}

/** A multi-layer GRU: reset gate r, update gate z, candidate n; h' = (1 − z)·n + z·h. */
export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }
  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [x, batched] = this.sequence(input);
    const [out, h] = this.run(x, this.initialState(hx, x, input, batched, 'hidden state'), null);
    return [this.output(out, batched), batched ? h : h.squeeze(1)];
  }
}
