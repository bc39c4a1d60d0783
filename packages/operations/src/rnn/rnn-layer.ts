// RNNLayer, LSTMLayer and GRULayer (Weidman ch6): a sequence layer built from one node per time
// step, all sharing the layer's params. Input (B, T, V) one-hot characters (or the previous
// layer's output), output (B, T, O). As in the book:
//  - the parameters are drawn at the first forward, when V is known, from numpy's global
//    RandomState (numpyRandom; seed it for repeatable runs) and kept in the input's dtype
//    (float64 unless the trainer is given float32), and one node per time step is made
//    then, so the sequence length is fixed (shorter sequences, e.g. sampling one character, use
//    the first nodes);
//  - the hidden state carries over between batches: after each forward, start_H becomes the batch
//    mean of the last H (and start_C of the last C for the LSTM). It is never reset.
//  - backward starts from a zero H gradient at the last step and adds into each param's deriv.
import { AutogradError, ShapeError, numpyRandom, stack, zeros, type RandomState, type Tensor } from '@groundup/tensor';
import { assertSameShape } from '../assert-shape.ts';
import { GRUNode } from './gru-node.ts';
import { LSTMNode } from './lstm-node.ts';
import { clearGradients, normalParam, type Params } from './params.ts';
import { RNNNode, type StepNode } from './rnn-node.ts';

export abstract class RecurrentLayer {
  first = true;
  params: Params = {};
  nodes: StepNode[] = [];
  /** The state each batch starts from, (1, H): H, and C for the LSTM. */
  start: Tensor[];
  vocabSize = 0;
  weightScale: number | null;
  rng: RandomState = numpyRandom;
  private input!: Tensor;
  private output: Tensor | null = null;

  constructor(readonly hiddenSize: number, readonly outputSize: number, weightScale: number | null, readonly states: number) {
    this.weightScale = weightScale;
    this.start = Array.from({ length: states }, () => zeros([1, hiddenSize], { dtype: 'float64' }));
  }

  /** The book's start_H (and start_C). */
  get startH(): Tensor { return this.start[0]!; }
  get startC(): Tensor | undefined { return this.start[1]; }

  protected abstract initParams(vocab: number, scale: number): Params;
  protected abstract defaultScale(vocab: number): number;
  protected abstract makeNode(): StepNode;

  forward(xSeqIn: Tensor): Tensor {
    if (xSeqIn.ndim !== 3) throw new ShapeError(`${this.constructor.name}.forward: expected (batch, sequence, features), got [${xSeqIn.shape}]`);
    const [B, T, V] = xSeqIn.shape as [number, number, number];
    if (this.first) {
      this.vocabSize = V;
      this.weightScale ??= this.defaultScale(V);
      // Drawn in float64 (numpy's values), then kept in the input's dtype
      this.params = this.initParams(V, this.weightScale);
      if (xSeqIn.dtype !== 'float64')
        for (const p of Object.values(this.params)) [p.value, p.deriv] = [p.value.to(xSeqIn.dtype), p.deriv.to(xSeqIn.dtype)];
      this.nodes = Array.from({ length: T }, () => this.makeNode());
      this.first = false;
    }
    if (V !== this.vocabSize) throw new ShapeError(`${this.constructor.name}.forward: built for ${this.vocabSize} features, got [${xSeqIn.shape}]`);
    if (T > this.nodes.length) throw new ShapeError(`${this.constructor.name}.forward: it has ${this.nodes.length} nodes (the first sequence length), got a sequence of ${T}`);
    this.input = xSeqIn;
    let state = this.start.map((s) => s.to(xSeqIn.dtype).expand(B, this.hiddenSize).contiguous());
    const outs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const [y, s] = this.nodes[t]!.step(xSeqIn.select(1, t), state, this.params);
      outs.push(y);
      state = s;
    }
    this.start = state.map((s) => s.mean(0, true));
    this.output = stack(outs, 1);
    return this.output;
  }

  backward(xSeqOutGrad: Tensor): Tensor {
    if (!this.output) throw new AutogradError(`${this.constructor.name}.backward: call forward first (backward uses the nodes' cached values)`);
    assertSameShape(`${this.constructor.name}.backward`, xSeqOutGrad, this.output, ['output gradient', 'output']);
    const [B, T] = xSeqOutGrad.shape as [number, number];
    let stateGrad = this.start.map(() => zeros([B, this.hiddenSize], { dtype: xSeqOutGrad.dtype }));
    const grads = new Array<Tensor>(T);
    for (let t = T - 1; t >= 0; t--) {
      const [dx, ds] = this.nodes[t]!.stepBackward(xSeqOutGrad.select(1, t), stateGrad, this.params);
      grads[t] = dx;
      stateGrad = ds;
    }
    const inGrad = stack(grads, 1);
    assertSameShape(`${this.constructor.name}.backward`, inGrad, this.input, ['input gradient', 'input']);
    return inGrad;
  }

  /** The book's _clear_gradients: every deriv back to zeros. */
  clearGradients(): void { clearGradients(this.params); }

  /** A deep copy (the trainer samples from one, so sampling leaves the training state alone). */
  clone(): this {
    const c = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(c, this);
    c.params = Object.fromEntries(Object.entries(this.params).map(([k, p]) => [k, { value: p.value.clone(), deriv: p.deriv.clone() }]));
    c.start = this.start.map((s) => s.clone());
    c.nodes = this.nodes.map(() => this.makeNode());
    return c;
  }

  protected draw(scale: number, shape: [number, number]): Params[string] { return normalParam(this.rng, scale, shape); }
}

/** The vanilla RNN layer; the default weight scale is 2/(V + O). */
export class RNNLayer extends RecurrentLayer {
  constructor(hiddenSize: number, outputSize: number, weightScale: number | null = null) { super(hiddenSize, outputSize, weightScale, 1); }
  protected defaultScale(vocab: number): number { return 2 / (vocab + this.outputSize); }
  protected makeNode(): StepNode { return new RNNNode(); }
  protected initParams(V: number, s: number): Params {
    const H = this.hiddenSize, O = this.outputSize;
    return { W_f: this.draw(s, [H + V, H]), B_f: this.draw(s, [1, H]), W_v: this.draw(s, [H, O]), B_v: this.draw(s, [1, O]) };
  }
}

/** The LSTM layer: gates f, i, c, o each from [X | H]; parameters drawn in the order W_f, B_f, W_i, ... W_v, B_v. */
export class LSTMLayer extends RecurrentLayer {
  constructor(hiddenSize: number, outputSize: number, weightScale = 0.01) { super(hiddenSize, outputSize, weightScale, 2); }
  protected defaultScale(): number { return 0.01; }
  protected makeNode(): StepNode { return new LSTMNode(); }
  protected initParams(V: number, s: number): Params {
    const H = this.hiddenSize, p: Params = {};
    for (const g of ['f', 'i', 'c', 'o']) {
      p[`W_${g}`] = this.draw(s, [H + V, H]);
      p[`B_${g}`] = this.draw(s, [1, H]);
    }
    p.W_v = this.draw(s, [H, this.outputSize]);
    p.B_v = this.draw(s, [1, this.outputSize]);
    return p;
  }
}

/** The GRU layer: separate input and hidden matrices per gate; B_h, W_v and B_v are drawn with scale 1, as the notebook does. */
export class GRULayer extends RecurrentLayer {
  constructor(hiddenSize: number, outputSize: number, weightScale = 0.01) { super(hiddenSize, outputSize, weightScale, 1); }
  protected defaultScale(): number { return 0.01; }
  protected makeNode(): StepNode { return new GRUNode(); }
  protected initParams(V: number, s: number): Params {
    const H = this.hiddenSize, p: Params = {};
    for (const g of ['r', 'u']) {
      p[`W_x${g}`] = this.draw(s, [V, H]);
      p[`W_h${g}`] = this.draw(s, [H, H]);
      p[`B_${g}`] = this.draw(s, [1, H]);
    }
    p.W_xh = this.draw(s, [V, H]);
    p.W_hh = this.draw(s, [H, H]);
    p.B_h = this.draw(1, [1, H]);
    p.W_v = this.draw(1, [H, this.outputSize]);
    p.B_v = this.draw(1, [1, this.outputSize]);
    return p;
  }
}
