// fastai ch18: class activation maps. CAM multiplies the final Linear's weights with the body's
// last activations (einsum 'ck,kij->cij'); Grad-CAM weights any layer's activations by the mean
// gradient of one class score with respect to them. The model is [body, head] as fastai's
// cnn_learner builds it: head = AdaptiveAvgPool2d(1), Flatten, Linear.
import { einsum, noGrad, type Tensor } from 'groundup';
import { Linear, type AnyModule, type Sequential } from '@groundup/nn';
import { Hook, HookBwd } from './hooks.ts';

/** The head's final Linear. */
export function finalLinear(model: Sequential): Linear {
  const head = model.at(1) as Sequential, lin = head.at(-1);
  if (!(lin instanceof Linear)) throw new TypeError(`finalLinear: the head should end with a Linear, got ${lin.constructor.name}`);
  return lin;
}

export interface CamResult {
  /** the model's output for x [1, nClasses] */
  output: Tensor;
  /** the body's activations for the image [k, h, w] */
  act: Tensor;
  /** one map per class [nClasses, h, w] */
  camMap: Tensor;
}

/** CAM for one image x [1, C, H, W]: a forward hook on the body, in eval mode without gradients. */
export function cam(model: Sequential, x: Tensor): CamResult {
  model.eval();
  using hook = new Hook(model.at(0));
  const output = noGrad(() => model.call(x));
  const act = hook.stored!.at(0);
  const camMap = einsum('ck,kij->cij', finalLinear(model).weight, act);
  return { output, act, camMap };
}

/** CAM for a batch x [N, C, H, W]: output [N, nClasses] and camMap [N, nClasses, h, w]. */
export function camBatch(model: Sequential, x: Tensor): { output: Tensor; camMap: Tensor } {
  model.eval();
  using hook = new Hook(model.at(0));
  const output = noGrad(() => model.call(x));
  return { output, camMap: einsum('ck,nkij->ncij', finalLinear(model).weight, hook.stored!) };
}

/** Grad-CAM of class cls at a layer: w = mean over (i, j) of d output[0, cls] / d act; map = Σ_k w_k · act_k. */
export function gradCam(model: Sequential, layer: AnyModule, x: Tensor, cls: number): { output: Tensor; act: Tensor; grad: Tensor; map: Tensor } {
  model.eval();
  using hookg = new HookBwd(layer);
  let output: Tensor, act: Tensor;
  {
    using hook = new Hook(layer);
    output = model.call(x);
    act = hook.stored!;
  }
  output.at(0, cls).backward();
  const grad = hookg.stored!;
  for (const p of model.parameters()) p.grad = null; // the backward was for the hook, not for training
  const w = grad.at(0).mean([1, 2], true);
  return { output: output.detach(), act: act.at(0), grad: grad.at(0), map: w.mul(act.at(0)).sum(0) };
}
