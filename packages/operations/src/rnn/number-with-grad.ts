// NumberWithGrad: Weidman ch6's scalar autodiff toy. Each + and × makes a node that remembers its
// parents; backward() pushes gradients to them at once, recursively, accumulating into .grad.
// Kept as the book has it, with its two limits (see the ch6 lesson and its test):
//  - no topological order: a node forwards its *accumulated* grad each time a contribution
//    arrives, so a non-leaf node used twice over-counts (x = 3, z = x·x, u = z + z gives x.grad 18,
//    not 12); leaves reused directly (z = x·x) come out right;
//  - grads persist, so a second backward() adds to the first.
// The tensor autograd of @groundup/tensor sorts the graph first and has neither problem.

export type Numberish = number | NumberWithGrad;

export class NumberWithGrad {
  grad: number | null = null;
  constructor(readonly num: number, readonly dependsOn: readonly NumberWithGrad[] = [], readonly creationOp: '' | 'add' | 'mul' = '') {}

  add(other: Numberish): NumberWithGrad {
    return new NumberWithGrad(this.num + ensureNumber(other).num, [this, ensureNumber(other)], 'add');
  }

  mul(other: Numberish): NumberWithGrad {
    return new NumberWithGrad(this.num * ensureNumber(other).num, [this, ensureNumber(other)], 'mul');
  }

  /** The first call (no argument) starts at 1; later calls accumulate, then push to the parents. */
  backward(backwardGrad?: number): void {
    if (backwardGrad === undefined) this.grad = 1;
    else this.grad = this.grad === null ? backwardGrad : this.grad + backwardGrad;
    const g = this.grad;
    if (this.creationOp === 'add') {
      this.dependsOn[0]!.backward(g);
      this.dependsOn[1]!.backward(g);
    } else if (this.creationOp === 'mul') {
      const [a, b] = this.dependsOn as [NumberWithGrad, NumberWithGrad];
      a.backward(b.num * g);
      b.backward(a.num * g);
    }
  }

  toString(): string { return `NumberWithGrad(${this.num}, grad=${this.grad})`; }
}

/** Wraps a plain number (the book's ensure_number). */
export const ensureNumber = (x: Numberish): NumberWithGrad => (x instanceof NumberWithGrad ? x : new NumberWithGrad(x));
