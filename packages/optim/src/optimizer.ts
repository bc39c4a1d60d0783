// The generic optimizer of fastai ch16: parameter groups with hyperparameters, per-parameter
// state, and a list of stepper functions that step() runs in order for each parameter.
//
//   const opt = new Optimizer(params, [averageGrad(), momentumStep], { lr: 0.03, mom: 0.9 });
//   loss.backward(); opt.step(); opt.zeroGrad();
//
// A stepper is `(p, args) => update | void`. `args` holds the parameter's state merged with its
// group's hyperparameters (hyperparameters win on a name clash, as in fastai's {**state, **hyper}),
// plus `grad`: the gradient in effect for this step. A stepper may return new state values; they
// are merged into the state before the next stepper runs. Returning `grad` replaces the gradient
// for the steppers that follow in this step only (l2Reg does so) and never touches p.grad, so,
// as in torch.optim, p.grad after step() is still the gradient backward() computed.
import { Tensor, noGrad, enableGrad } from '@groundup/tensor';
import { OptimizerError } from './errors.ts';

/** What state can hold for one parameter: tensors (running averages) and numbers (a step count). */
export type StateValue = Tensor | number;
/** The state of one parameter, e.g. { gradAvg, sqrAvg, step }. */
export type ParamState = Record<string, StateValue>;
/** Hyperparameters of a group, e.g. { lr: 0.01, mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.01 }. */
export type Hypers = Record<string, number>;

/** What a stepper sees: state ∪ hyperparameters ∪ { grad }. */
export interface StepArgs {
  /** The gradient in effect: p.grad, or what an earlier stepper returned as `grad` this step. */
  readonly grad: Tensor;
  readonly [name: string]: StateValue | undefined;
}
/** New state values a stepper returns (`grad` replaces the gradient for later steppers only). */
export type StepUpdate = Record<string, StateValue>;
/** One step of an optimizer for one parameter, run under noGrad. */
export type Stepper = (p: Tensor, args: StepArgs) => StepUpdate | void;

/** A parameter group as given to a constructor: its tensors and hyperparameters that override the defaults. */
export interface ParamGroupSpec {
  params: Iterable<Tensor>;
  [hyper: string]: number | Iterable<Tensor> | undefined;
}
/** Parameters: an iterable of tensors (one group), or of group specs. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupSpec>;

/** A group of parameters sharing hyperparameters that a schedule may change between steps. */
export class ParamGroup {
  constructor(readonly params: Tensor[], readonly hypers: Hypers) {}
  get lr(): number { return this.hypers['lr']!; }
  set lr(v: number) { this.hypers['lr'] = v; }
}

/** A number hyperparameter, or an OptimizerError saying which stepper wanted it. */
export function hyper(args: StepArgs, name: string, stepper: string): number {
  const v = args[name];
  if (typeof v !== 'number')
    throw new OptimizerError(`${stepper}: needs the hyperparameter '${name}', but ${v === undefined ? 'no group sets it' : `it is a ${typeof v}`}; pass it in the optimizer's defaults, e.g. { ${name}: ... }`);
  return v;
}

/** A tensor state value if present (undefined on the first step). */
export function stateTensor(args: StepArgs, name: string, stepper: string): Tensor | undefined {
  const v = args[name];
  if (v === undefined || v instanceof Tensor) return v;
  throw new OptimizerError(`${stepper}: state '${name}' should be a tensor, got ${typeof v}; is a hyperparameter of the same name shadowing it?`);
}

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

function checkParam(p: unknown, where: string): Tensor {
  if (!isTensor(p)) throw new OptimizerError(`Optimizer: ${where} is not a Tensor (got ${p === null ? 'null' : typeof p}); pass tensors, e.g. model.parameters()`);
  if (!p.isLeaf) throw new OptimizerError(`Optimizer: ${where} is not a leaf tensor (it was made by ${p.gradFn}); optimize leaves, e.g. randn(3).requiresGrad_()`);
  if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new OptimizerError(`Optimizer: ${where} has dtype ${p.dtype}; only floating-point tensors can be optimized`);
  return p;
}

/** Turns `params` into groups of tensors with their own hyperparameter overrides. */
export function parseParams(params: Params): { params: Tensor[]; overrides: Record<string, unknown> }[] {
  if (params instanceof Tensor)
    throw new OptimizerError('Optimizer: params should be an iterable of tensors or of {params, ...} groups, got one Tensor; wrap it in an array: [p]');
  const items = [...(params as Iterable<unknown>)];
  if (items.length === 0) throw new OptimizerError('Optimizer: got an empty parameter list');
  if (items.every(isTensor)) return [{ params: items.map((p, i) => checkParam(p, `parameter ${i}`)), overrides: {} }];
  return items.map((g, gi) => {
    if (isTensor(g) || typeof g !== 'object' || g === null || !('params' in g))
      throw new OptimizerError(`Optimizer: item ${gi} of params is neither a Tensor in a list of tensors nor a {params, ...} group; don't mix the two forms`);
    const { params: ps, ...overrides } = g as ParamGroupSpec;
    const list = ps instanceof Tensor ? [ps] : [...ps];
    return { params: list.map((p, i) => checkParam(p, `parameter ${i} of group ${gi}`)), overrides };
  });
}

export class Optimizer {
  readonly paramGroups: ParamGroup[] = [];
  /** Per-parameter state, filled by the steppers' returned dicts. */
  readonly state = new Map<Tensor, ParamState>();
  readonly steppers: Stepper[];
  readonly defaults: Hypers;

  constructor(params: Params, steppers: Stepper | readonly Stepper[], defaults: Hypers = {}) {
    this.steppers = typeof steppers === 'function' ? [steppers] : [...steppers];
    this.defaults = { ...defaults };
    for (const g of parseParams(params)) this.addParamGroup({ params: g.params, ...(g.overrides as Hypers) });
  }

  /** Adds a group (torch's add_param_group); missing hyperparameters come from the defaults. */
  addParamGroup(spec: ParamGroupSpec): ParamGroup {
    const { params, ...overrides } = spec;
    const list = [...params];
    const hypers: Hypers = { ...this.defaults };
    for (const [k, v] of Object.entries(overrides)) {
      if (typeof v !== 'number') throw new OptimizerError(`Optimizer: hyperparameter '${k}' of a group must be a number, got ${typeof v}`);
      hypers[k] = v;
    }
    this.validate(hypers);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      checkParam(p, `parameter ${i} of the new group`);
      if (seen.has(p)) throw new OptimizerError('Optimizer: some parameters appear in more than one parameter group (or twice in one); each tensor may be optimized once');
      seen.add(p);
    });
    const group = new ParamGroup(list, hypers);
    this.paramGroups.push(group);
    return group;
  }

  /** Checks a group's hyperparameters; subclasses add their own rules. */
  protected validate(hypers: Hypers): void {
    for (const [k, v] of Object.entries(hypers))
      if (Number.isNaN(v)) throw new OptimizerError(`Optimizer: hyperparameter '${k}' is NaN`);
    const lr = hypers['lr'];
    if (lr !== undefined && !(lr >= 0)) throw new OptimizerError(`Optimizer: invalid learning rate: ${lr}; it must be ≥ 0`);
  }

  /** The hyperparameters of each group (live objects: writing to them changes the next step). */
  get hypers(): Hypers[] { return this.paramGroups.map((g) => g.hypers); }

  /**
   * Sets a hyperparameter in every group: one value for all, or one per group (discriminative
   * learning rates). Schedules call this between steps.
   */
  setHyper(name: string, value: number | readonly number[]): void {
    const vals = typeof value === 'number' ? this.paramGroups.map(() => value) : value;
    if (vals.length !== this.paramGroups.length)
      throw new OptimizerError(`setHyper('${name}'): got ${vals.length} values for ${this.paramGroups.length} parameter groups; pass one number or one per group`);
    const next = this.paramGroups.map((g, i) => ({ ...g.hypers, [name]: vals[i]! }));
    next.forEach((h) => this.validate(h));
    this.paramGroups.forEach((g, i) => { g.hypers[name] = vals[i]!; });
  }

  /** The learning rate of the first group; setting it sets every group's. */
  get lr(): number { return this.paramGroups[0]!.lr; }
  set lr(v: number) { this.setHyper('lr', v); }

  /** Every parameter with its group (and only those with a gradient when withGrad). */
  *allParams(withGrad = false): Generator<[Tensor, ParamGroup]> {
    for (const g of this.paramGroups) for (const p of g.params) if (!withGrad || p.grad) yield [p, g];
  }

  /**
   * Runs the steppers for every parameter that has a gradient, under noGrad. With a closure
   * (torch's form), it first re-evaluates the loss with grad mode on and returns it.
   */
  step<T = void>(closure?: () => T): T | undefined {
    const result = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const [p, g] of this.allParams(true)) {
        const state = this.state.get(p) ?? {};
        let grad = p.grad!;
        for (const stepper of this.steppers) {
          const update = stepper(p, { ...state, ...g.hypers, grad });
          if (!update) continue;
          for (const [k, v] of Object.entries(update)) {
            if (k === 'grad') {
              if (!(v instanceof Tensor)) throw new OptimizerError(`a stepper returned grad = ${v}; it must be a Tensor`);
              grad = v;
            } else state[k] = v;
          }
        }
        this.state.set(p, state);
      }
    });
    return result;
  }

  /**
   * Clears the gradients, as PyTorch 1.13's optimizer.zero_grad(set_to_none=False) and fastai's
   * ch16 Optimizer do: each grad is detached and zeroed in place (the tensor is kept). With
   * zeroGrad(true) or zeroGrad({ setToNone: true }), grads become null instead (PyTorch 2's
   * default, and ch4's BasicOptim): step() then skips those parameters entirely.
   * Module.zeroGrad takes the same arguments with the same default.
   */
  zeroGrad(opts: boolean | { setToNone?: boolean } = false): void {
    const setToNone = typeof opts === 'boolean' ? opts : opts.setToNone ?? false;
    noGrad(() => {
      for (const [p] of this.allParams(true)) {
        if (setToNone) { p.grad = null; continue; }
        const g = p.grad!;
        const d = g.gradFn || g.requiresGrad ? g.detach() : g;
        d.zero_();
        p.grad = d;
      }
    });
  }
}
