// The torch.optim option names the SGD / RMSProp / Adam classes take, and the fastai
// hyperparameter names the steppers read: momentum → mom, weightDecay → wd, alpha → sqrMom,
// betas → [mom, sqrMom]. Keeping fastai's names inside means one schedule (e.g. one-cycle on
// `lr` and `mom`) drives every optimizer, as in fastai.
import type { Tensor } from '@groundup/tensor';
import { OptimizerError } from './errors.ts';
import { parseParams, type Hypers, type ParamGroupSpec } from './optimizer.ts';

/** Each option's hyperparameter name, or two names for a pair such as betas. */
export type HyperTable = Record<string, string | readonly [string, string]>;

/** Translates torch-style options to hyperparameters, refusing unknown names and non-numbers. */
export function toHypers(who: string, options: object, table: HyperTable, structural: readonly string[] = []): Hypers {
  const out: Hypers = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || structural.includes(k)) continue;
    const to = table[k] ?? (Object.values(table).flat().includes(k) ? k : undefined);
    if (to === undefined)
      throw new OptimizerError(`${who}: unknown option '${k}'; it takes ${Object.keys(table).join(', ')}${structural.length ? `, ${structural.join(', ')}` : ''}`);
    if (typeof to === 'string') {
      if (typeof v !== 'number') throw new OptimizerError(`${who}: option '${k}' must be a number, got ${JSON.stringify(v)}`);
      out[to] = v;
    } else {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number'))
        throw new OptimizerError(`${who}: option '${k}' must be a pair of numbers, e.g. [0.9, 0.999], got ${JSON.stringify(v)}`);
      out[to[0]] = v[0] as number;
      out[to[1]] = v[1] as number;
    }
  }
  return out;
}

/** Parameter groups with their torch-style overrides translated to hyperparameters. */
export function groupsWithHypers(who: string, params: Iterable<Tensor> | Iterable<{ params: Iterable<Tensor> }>, table: HyperTable): ParamGroupSpec[] {
  return parseParams(params as Iterable<Tensor>).map((g) => ({ params: g.params, ...toHypers(who, g.overrides, table) }));
}

/** Refuses a value outside [lo, hi) (or [lo, hi] when closed) with torch's wording. */
export function checkRange(who: string, what: string, v: number | undefined, lo: number, hi = Infinity, closed = false): void {
  if (v === undefined) return;
  if (!(v >= lo && (closed ? v <= hi : v < hi)))
    throw new OptimizerError(`${who}: invalid ${what}: ${v}; it must be in [${lo}, ${hi}${closed ? ']' : ')'}`);
}
