// The stepper functions of fastai ch16 ("optimizer callbacks"), in camelCase. Each takes the
// parameter and StepArgs (state ∪ hyperparameters ∪ {grad}) and either updates p in place or
// returns new state. Optimizer.step runs them under noGrad; called by hand, wrap them in noGrad.
//
// Hyperparameter names: lr, mom, sqrMom, eps, wd, dampening. State names: gradAvg, sqrAvg, step.
//
// Where the book and the libraries differ (see shared/book/fastai.md §11.2 and §18 errata 4):
// - ch16's printed average_grad is `avg = mom·avg + g` (no dampening); its maths and fastai's
//   Adam use the EMA `avg = mom·avg + (1 − mom)·g`. averageGrad() gives the first,
//   averageGrad({ dampening: true }) the second; both start from zeros.
// - torch.optim.SGD's momentum buffer is neither: its first value is the gradient itself, then
//   buf = mom·buf + (1 − dampening)·g with a numeric dampening (default 0). That is momentumBuffer.
// - ch16's printed RMSProp accumulates sqr = sqrMom·sqr + g² (no dampening) and divides by
//   sqrt(sqr) + eps; torch.optim.RMSprop and fastai's library dampen: averageSqrGrad() (default
//   dampening true) with rmsPropStep.
// - The book's Adam formula puts eps inside the sqrt and bias-corrects only the first moment;
//   adamStep follows torch.optim.Adam: both moments bias-corrected, eps added after the sqrt of
//   the corrected second moment: p ← p − lr/(1 − β1ᵗ) · avg / (sqrt(sqr)/sqrt(1 − β2ᵗ) + eps).
import { zerosLike, type Tensor } from '@groundup/tensor';
import { OptimizerError } from './errors.ts';
import { hyper, stateTensor, type StepArgs, type Stepper } from './optimizer.ts';

/** Plain SGD: p ← p − lr·grad. */
export const sgdStep: Stepper = (p, a) => {
  p.sub_(a.grad, hyper(a, 'lr', 'sgdStep'));
};

/** Decoupled weight decay (fastai's default, AdamW): p ← p·(1 − lr·wd). A no-op when wd is 0. */
export const weightDecay: Stepper = (p, a) => {
  const wd = hyper(a, 'wd', 'weightDecay');
  if (wd !== 0) p.mul_(1 - hyper(a, 'lr', 'weightDecay') * wd);
};

/**
 * L2 regularization: grad ← grad + wd·p, for the steppers that follow (p.grad itself is not
 * changed). Equivalent to adding (wd/2)·Σp² to the loss. A no-op when wd is 0.
 */
export const l2Reg: Stepper = (p, a) => {
  const wd = hyper(a, 'wd', 'l2Reg');
  if (wd !== 0) return { grad: a.grad.add(p, wd) };
};

export interface AverageOptions {
  /**
   * false (default, ch16's printed code): avg ← mom·avg + grad.
   * true (fastai's EMA, Adam's first moment): avg ← mom·avg + (1 − mom)·grad.
   */
  dampening?: boolean;
}

/** Keeps the running average of the gradient in state `gradAvg` (starting from zeros), with hyper `mom`. */
export function averageGrad({ dampening = false }: AverageOptions = {}): Stepper {
  return (p, a) => {
    const mom = hyper(a, 'mom', 'averageGrad');
    const avg = stateTensor(a, 'gradAvg', 'averageGrad') ?? zerosLike(p);
    avg.mul_(mom).add_(a.grad, dampening ? 1 - mom : 1);
    return { gradAvg: avg };
  };
}

/**
 * Keeps the running average of the squared gradient in state `sqrAvg` (from zeros), with hyper
 * `sqrMom`: sqr ← sqrMom·sqr + (1 − sqrMom)·g² by default (fastai, torch), or sqrMom·sqr + g²
 * with { dampening: false } (ch16's printed code).
 */
export function averageSqrGrad({ dampening = true }: AverageOptions = {}): Stepper {
  return (p, a) => {
    const sqrMom = hyper(a, 'sqrMom', 'averageSqrGrad');
    const sqr = stateTensor(a, 'sqrAvg', 'averageSqrGrad') ?? zerosLike(p);
    // sqr + (damp·g)·g, as torch's addcmul_ multiplies, so float64 runs agree to the last bit; in place, one pass.
    sqr.mul_(sqrMom).addcmul_(a.grad, a.grad, dampening ? 1 - sqrMom : 1);
    return { sqrAvg: sqr };
  };
}

/** Counts the steps taken for this parameter in state `step` (1 after the first step). */
export const stepStat: Stepper = (_p, a) => {
  const s = a['step'];
  return { step: (typeof s === 'number' ? s : 0) + 1 };
};

/**
 * torch.optim.SGD's momentum buffer, kept in state `gradAvg` (so momentumStep and nesterovStep
 * read it): the first step copies the gradient, later steps do gradAvg ← mom·gradAvg +
 * (1 − dampening)·grad. Hyper `dampening` is a number (default 0); a no-op when mom is 0.
 */
export const momentumBuffer: Stepper = (_p, a) => {
  const mom = hyper(a, 'mom', 'momentumBuffer');
  if (mom === 0) return;
  const buf = stateTensor(a, 'gradAvg', 'momentumBuffer');
  if (!buf) return { gradAvg: a.grad.detach().clone() };
  const d = a['dampening'];
  buf.mul_(mom).add_(a.grad, 1 - (typeof d === 'number' ? d : 0));
  return { gradAvg: buf };
};

/** SGD with momentum: p ← p − lr·gradAvg. */
export const momentumStep: Stepper = (p, a) => {
  p.sub_(needAvg(a, 'momentumStep'), hyper(a, 'lr', 'momentumStep'));
};

/** Nesterov momentum as torch.optim.SGD does it: p ← p − lr·(grad + mom·gradAvg). */
export const nesterovStep: Stepper = (p, a) => {
  const avg = needAvg(a, 'nesterovStep');
  p.sub_(a.grad.add(avg, hyper(a, 'mom', 'nesterovStep')), hyper(a, 'lr', 'nesterovStep'));
};

/** RMSProp: p ← p − lr·(gradAvg if kept, else grad) / (sqrt(sqrAvg) + eps). */
export const rmsPropStep: Stepper = (p, a) => {
  const sqr = needSqr(a, 'rmsPropStep');
  const num = stateTensor(a, 'gradAvg', 'rmsPropStep') ?? a.grad;
  // p + ((−lr)·g)/(√sqr + eps), torch's addcdiv_ order, in one pass.
  p.addcdivSqrt_(num, sqr, -hyper(a, 'lr', 'rmsPropStep'), 1, hyper(a, 'eps', 'rmsPropStep'));
};

/**
 * torch.optim.RMSprop with momentum > 0: buf ← mom·buf + grad/(sqrt(sqrAvg) + eps) (state
 * `momentumBuffer`, from zeros); p ← p − lr·buf. (fastai instead averages the gradient first and
 * divides after: averageGrad + rmsPropStep.)
 */
export const rmsPropMomentumStep: Stepper = (p, a) => {
  const sqr = needSqr(a, 'rmsPropMomentumStep');
  const buf = stateTensor(a, 'momentumBuffer', 'rmsPropMomentumStep') ?? zerosLike(p);
  const denom = sqr.sqrt().add(hyper(a, 'eps', 'rmsPropMomentumStep'));
  buf.mul_(hyper(a, 'mom', 'rmsPropMomentumStep')).add_(a.grad.div(denom));
  p.sub_(buf, hyper(a, 'lr', 'rmsPropMomentumStep'));
  return { momentumBuffer: buf };
};

/**
 * fastai's debias: the sum of the weights an average with momentum `mom` and dampening `damp`
 * gives the gradients after `step` steps, damp·(1 − momᵗ)/(1 − mom). Divide by it to unbias:
 * with damp = 1 − mom it is 1 − momᵗ (Adam's bias correction); with damp = 1 (no dampening) it is
 * 1 + mom + … + momᵗ⁻¹.
 */
export function debias(mom: number, damp: number, step: number): number {
  if (mom === 1) return damp * step;
  return (damp * (1 - mom ** step)) / (1 - mom);
}

/**
 * Adam's step with bias correction, as torch.optim.Adam computes it (hypers lr, mom = β1,
 * sqrMom = β2, eps; state gradAvg and sqrAvg kept with dampening, and step from stepStat):
 * p ← p − (lr/(1 − β1ᵗ))·gradAvg / (sqrt(sqrAvg)/sqrt(1 − β2ᵗ) + eps).
 */
export const adamStep: Stepper = (p, a) => {
  const step = a['step'];
  if (typeof step !== 'number') throw new OptimizerError('adamStep: needs state `step`; put stepStat before adamStep');
  const mom = hyper(a, 'mom', 'adamStep'), sqrMom = hyper(a, 'sqrMom', 'adamStep');
  const bc1 = 1 - mom ** step, bc2 = 1 - sqrMom ** step;
  // p + (−lr/bc1)·avg/(√sqr/√bc2 + eps): torch.optim.Adam's order of operations, in one pass.
  p.addcdivSqrt_(needAvg(a, 'adamStep'), needSqr(a, 'adamStep'), -(hyper(a, 'lr', 'adamStep') / bc1), Math.sqrt(bc2), hyper(a, 'eps', 'adamStep'));
};

function needAvg(a: StepArgs, who: string): Tensor {
  const v = stateTensor(a, 'gradAvg', who);
  if (!v) throw new OptimizerError(`${who}: needs state 'gradAvg'; put averageGrad() (or momentumBuffer) before it`);
  return v;
}
function needSqr(a: StepArgs, who: string): Tensor {
  const v = stateTensor(a, 'sqrAvg', who);
  if (!v) throw new OptimizerError(`${who}: needs state 'sqrAvg'; put averageSqrGrad() before it`);
  return v;
}
