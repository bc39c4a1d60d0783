// The concrete operations: X·W, X + B, sigmoid and the identity.
import { ShapeError, type Tensor } from '@groundup/tensor';
import { Operation, ParamOperation } from './operation.ts';

/** X (N, nIn) · W (nIn, nOut). */
export class WeightMultiply extends ParamOperation {
  protected computeOutput(): Tensor {
    if (this.input.shape[1] !== this.param.shape[0])
      throw new ShapeError(`WeightMultiply: input [${this.input.shape}] has ${this.input.shape[1]} columns but W [${this.param.shape}] has ${this.param.shape[0]} rows`);
    return this.input.matmul(this.param);
  }
  protected computeInputGrad(g: Tensor): Tensor { return g.matmul(this.param.t()); }
  protected computeParamGrad(g: Tensor): Tensor { return this.input.t().matmul(g); }
}

/** X + B with B of shape (1, n), broadcast over rows. */
export class BiasAdd extends ParamOperation {
  constructor(param: Tensor) {
    super(param);
    if (param.ndim !== 2 || param.shape[0] !== 1) throw new ShapeError(`BiasAdd: the bias must have shape (1, n), got [${param.shape}]`);
  }
  protected computeOutput(): Tensor { return this.input.add(this.param); }
  protected computeInputGrad(g: Tensor): Tensor { return g; }
  protected computeParamGrad(g: Tensor): Tensor { return g.sum(0, true); }
}

export class Sigmoid extends Operation {
  protected computeOutput(): Tensor { return this.input.neg().exp().add(1).reciprocal(); }
  /** out·(1 − out)·G, from the cached output. */
  protected computeInputGrad(g: Tensor): Tensor { return this.output.mul(this.output.neg().add(1)).mul(g); }
}

/** The identity activation (the book calls it Linear; nn's Linear is the affine layer). */
export class Linear extends Operation {
  protected computeOutput(): Tensor { return this.input; }
  protected computeInputGrad(g: Tensor): Tensor { return g; }
}
