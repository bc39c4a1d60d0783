// Chapter 6's parameters: each is {value, deriv}. The nodes of a layer share one set and add
// into deriv (+=) at every time step, since the weights are the same at each step; the layer
// clears the derivs before each backward.
import { Tensor, zeros, type RandomState } from '@groundup/tensor';
import { assertSameShape } from '../assert-shape.ts';

export interface Param { value: Tensor; deriv: Tensor }
export type Params = Record<string, Param>;

/** normal(0, scale) of the given shape from the RandomState (numpy's draw order), float64, with a zero deriv. */
export function normalParam(rng: RandomState, scale: number, shape: [number, number]): Param {
  return { value: Tensor.fromData(rng.normal(0, scale, shape).data, shape), deriv: zeros(shape, { dtype: 'float64' }) };
}

/** deriv += g, checking shapes as the book does. */
export function accumulate(p: Param, g: Tensor, where: string): void {
  assertSameShape(where, g, p.deriv, ['gradient', 'parameter']);
  p.deriv.add_(g);
}

/** Every deriv back to zeros (the layer's _clear_gradients). */
export function clearGradients(params: Params): void {
  for (const p of Object.values(params)) p.deriv = zeros([...p.value.shape], { dtype: p.value.dtype });
}
