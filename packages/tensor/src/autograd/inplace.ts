// In-place ops under autograd. On a tensor that takes part in the graph, the op is computed out
// of place from an alias that carries the old history, written back into the storage, and the
// tensor takes the new history (PyTorch "rebases" it the same way).
import { Tensor } from '../tensor.ts';
import { isGradEnabled, noGrad } from './grad-mode.ts';

const tracks = (x: unknown): boolean => x instanceof Tensor && x.requiresGrad;

/** compute(src) returns the new value of self (same shape); write(self, value) stores it. */
export function inPlace(self: Tensor, op: string, others: readonly unknown[], compute: (src: Tensor) => Tensor,
  write: (self: Tensor, value: Tensor) => void): Tensor {
  self.checkInPlace(op);
  if (!isGradEnabled() || !(self.requiresGrad || others.some(tracks))) {
    write(self, noGrad(() => compute(self)));
    return self;
  }
  // The op may save its input for backward; it gets a copy, since the write below changes self.
  const old = self.detach().clone();
  old.requiresGrad = self.requiresGrad;
  old.gradFn = self.gradFn;
  const value = compute(old);
  noGrad(() => write(self, value));
  self.requiresGrad = value.requiresGrad;
  self.gradFn = value.gradFn;
  return self;
}
