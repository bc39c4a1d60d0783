// Operation and ParamOperation: explicit forward/backward with no autograd, as in Weidman ch3.
// Shapes flowing backward mirror the shapes flowing forward at every boundary.
import { DTypeError, type Tensor } from '@groundup/tensor';
import { assertSameShape } from './assert-shape.ts';

export abstract class Operation {
  input!: Tensor;
  output!: Tensor;
  inputGrad!: Tensor;

  forward(input: Tensor, inference = false): Tensor {
    this.input = input;
    this.output = this.computeOutput(inference);
    return this.output;
  }

  backward(outputGrad: Tensor): Tensor {
    assertSameShape(`${this.constructor.name}.backward`, outputGrad, this.output, ['output gradient', 'output']);
    this.inputGrad = this.computeInputGrad(outputGrad);
    assertSameShape(`${this.constructor.name}.backward`, this.inputGrad, this.input, ['input gradient', 'input']);
    return this.inputGrad;
  }

  protected abstract computeOutput(inference: boolean): Tensor;
  protected abstract computeInputGrad(outputGrad: Tensor): Tensor;
}

export abstract class ParamOperation extends Operation {
  paramGrad!: Tensor;
  constructor(readonly param: Tensor) {
    super();
    if (param.dtype !== 'float64' && param.dtype !== 'float32')
      throw new DTypeError(`${this.constructor.name}: parameters must be floating point, got ${param.dtype}`);
  }

  override backward(outputGrad: Tensor): Tensor {
    const inputGrad = super.backward(outputGrad);
    this.paramGrad = this.computeParamGrad(outputGrad);
    assertSameShape(`${this.constructor.name}.backward`, this.paramGrad, this.param, ['parameter gradient', 'parameter']);
    return inputGrad;
  }

  protected abstract computeParamGrad(outputGrad: Tensor): Tensor;
}
