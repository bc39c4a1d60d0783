// Finite-difference checks of chapter 6's explicit backward passes. A node (or layer) is scored by
// L = Σ X_out⊙A + Σ H_out⊙B (+ Σ C_out⊙C) with fixed random A, B, C, so the upstream gradients
// are A, B, C; its backward must then give dL/d(every input and parameter), which central
// differences (float64, h = 1e-6) estimate by nudging one entry at a time.
import { RandomState, Tensor } from '@groundup/tensor';
import { rnn } from '@groundup/operations';

export interface GradCheck { name: string; maxRelError: number; worst: string; checked: number }

const randT = (rng: RandomState, shape: number[], scale = 1): Tensor => Tensor.fromData(rng.normal(0, scale, shape).data, shape);
const dot = (a: Tensor, b: Tensor): number => a.mul(b).sum().item();

/** Central differences of f with respect to every entry of each named tensor (changed in place, restored). */
function numeric(f: () => number, tensors: Record<string, Tensor>, h = 1e-6): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const d = t.data as Float64Array, g = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      d[i] = v + h;
      const up = f();
      d[i] = v - h;
      g[i] = (up - f()) / (2 * h);
      d[i] = v;
    }
    out[name] = g;
  }
  return out;
}

/** max |a − n| / max(1, |a| + |n|) over everything compared, and where it occurs. */
function compare(name: string, analytic: Record<string, Tensor>, num: Record<string, Float64Array>): GradCheck {
  let maxRelError = 0, worst = '', checked = 0;
  for (const [k, a] of Object.entries(analytic)) {
    const ad = a.contiguous().dataSync(), nd = num[k]!;
    for (let i = 0; i < nd.length; i++) {
      const err = Math.abs(ad[i]! - nd[i]!) / Math.max(1, Math.abs(ad[i]!) + Math.abs(nd[i]!));
      checked++;
      if (err > maxRelError) { maxRelError = err; worst = `${k}[${i}]: backward ${ad[i]}, finite differences ${nd[i]}`; }
    }
  }
  return { name, maxRelError, worst, checked };
}

type Kind = 'RNN' | 'LSTM' | 'GRU';
const layerOf = (kind: Kind, H: number, O: number): rnn.RecurrentLayer =>
  kind === 'RNN' ? new rnn.RNNLayer(H, O, 0.5) : kind === 'LSTM' ? new rnn.LSTMLayer(H, O, 0.5) : new rnn.GRULayer(H, O, 0.5);

/** One node's backward against finite differences, at batch B, vocab V, hidden H, output O (node: another node class of that kind). */
export function checkNode(kind: Kind, seed = 6, [B, V, H, O] = [3, 4, 5, 3], node?: rnn.StepNode): GradCheck {
  const rng = new RandomState(seed);
  const layer = layerOf(kind, H, O);
  layer.rng = rng;
  layer.forward(randT(rng, [B, 1, V]));
  const params = layer.params;
  node ??= layer.nodes[0]!;
  const x = randT(rng, [B, V]), state = Array.from({ length: layer.states }, () => randT(rng, [B, H]));
  const A = randT(rng, [B, O]), S = state.map(() => randT(rng, [B, H]));
  const loss = (): number => {
    const [y, s] = node!.step(x, state, params);
    return dot(y, A) + s.reduce((acc, t, i) => acc + dot(t, S[i]!), 0);
  };
  loss();
  rnn.clearGradients(params);
  const [dx, ds] = node.stepBackward(A, S, params);
  const inputs: Record<string, Tensor> = { X_in: x, ...Object.fromEntries(state.map((t, i) => [i ? 'C_in' : 'H_in', t])) };
  const analytic: Record<string, Tensor> = { X_in: dx, ...Object.fromEntries(ds.map((t, i) => [i ? 'C_in' : 'H_in', t])) };
  for (const [k, p] of Object.entries(params)) analytic[k] = p.deriv;
  const values = { ...inputs, ...Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.value])) };
  return compare(node.constructor.name, analytic, numeric(loss, values));
}

/** A whole layer over T steps (the state carried in from start_H is held fixed). */
export function checkLayer(kind: Kind, seed = 7, [B, T, V, H, O] = [2, 4, 3, 4, 3]): GradCheck {
  const rng = new RandomState(seed);
  const layer = layerOf(kind, H, O);
  layer.rng = rng;
  const x = randT(rng, [B, T, V]);
  layer.forward(x);
  layer.start = layer.start.map(() => randT(rng, [1, H], 0.5));
  const start = layer.start.map((s) => s.clone());
  const A = randT(rng, [B, T, O]);
  const loss = (): number => {
    layer.start = start.map((s) => s.clone());
    return dot(layer.forward(x), A);
  };
  loss();
  layer.clearGradients();
  const dx = layer.backward(A);
  const analytic: Record<string, Tensor> = { x, ...Object.fromEntries(Object.entries(layer.params).map(([k, p]) => [k, p.deriv])) };
  analytic.x = dx;
  const values = { x, ...Object.fromEntries(Object.entries(layer.params).map(([k, p]) => [k, p.value])) };
  return compare(`${kind}Layer`, analytic, numeric(loss, values));
}
