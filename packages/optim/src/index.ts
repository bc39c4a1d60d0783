// @groundup/optim: the fastai ch16 Optimizer with composable steppers, torch-compatible SGD,
// RMSProp, Adam/AdamW built on it, and hyperparameter schedules.
export { OptimizerError } from './errors.ts';
export {
  Optimizer, ParamGroup, hyper, stateTensor, parseParams,
  type StateValue, type ParamState, type Hypers, type StepArgs, type StepUpdate, type Stepper, type ParamGroupSpec, type Params,
} from './optimizer.ts';
export {
  sgdStep, weightDecay, l2Reg, averageGrad, averageSqrGrad, stepStat, momentumBuffer, momentumStep, nesterovStep,
  rmsPropStep, rmsPropMomentumStep, adamStep, debias, type AverageOptions,
} from './steppers.ts';
export { SGD, type SGDOptions, type SGDGroup } from './sgd.ts';
export { RMSProp, RMSprop, type RMSPropOptions, type RMSPropGroup } from './rmsprop.ts';
export { Adam, AdamW, type AdamOptions, type AdamGroup } from './adam.ts';
export * from './schedule.ts';
export { ExponentialLR } from './lr-scheduler.ts';
