// One record per elementwise op: { name, expr, grad, saves, dtype }. defineOp() checks the
// record and derives from it the op function, the Tensor method (and its in-place form), the
// compiled forward loop and one compiled loop per input gradient. The types of the function and
// the method follow from the record's arity and parameter names (OpFunction, OpMethod).
//
//   const softplus = defineOp({ name: 'softplus', arity: 1, params: ['beta', 'threshold'], defaults: { beta: 1, threshold: 20 },
//     expr: 'x * beta > threshold ? x : log1p(exp(x * beta)) / beta', grad: ['x * beta > threshold ? g : g * sigmoid(x * beta)'],
//     saves: ['x'], dtype: 'float' });
import { DTypeError, OpError } from '@groundup/kernels';
import { isFloating, type DType } from '../dtype.ts';
import { parseExpr, type Expr } from './expr.ts';
import type { Tensor } from '../tensor.ts';

export type InputName = 'x' | 'y' | 'z';
export const INPUTS: readonly InputName[] = ['x', 'y', 'z'];

/**
 * The dtype of the result from the inputs' dtypes (null for a JS number), the parameters, and
 * PyTorch's promotion over some of the inputs (by index; all of them by default).
 */
export type DTypeFn = (dtypes: readonly (DType | null)[], params: readonly number[], promote: (inputs?: readonly number[]) => DType) => DType;
/**
 * 'same': PyTorch's promotion over the inputs (a bool result of arithmetic is stored as 0/1);
 * 'float': the same, but an integer or bool result becomes float32 (true division, exp);
 * 'bool': a comparison or a predicate.
 */
export type DTypeRule = 'same' | 'float' | 'bool' | DTypeFn;

export interface OpSpec<P extends readonly string[] = readonly string[]> {
  /** The function and method name (camelCase, as PyTorch's). */
  name: string;
  /** Tensor inputs: 1 (x), 2 (x, y) or 3 (x, y, z). */
  arity: 1 | 2 | 3;
  /** Scalar parameters the expressions may read, passed after the inputs (alpha, min, beta...). */
  params?: P;
  /** A parameter's value when it is not given (or given as null). */
  defaults?: { readonly [K in P[number]]?: number };
  /** The value of the output, in x, y, z and the parameters (see expr.ts for the language). */
  expr: string;
  /**
   * The gradient sent to each input, as an expression in g (the output's gradient), the inputs,
   * out and the parameters; null where no gradient flows (where's condition). Absent: the op is
   * not differentiable (comparisons).
   */
  grad?: readonly (string | null)[];
  /** The tensors the gradients read, which backward needs kept (and unmodified): inputs and/or out. */
  saves?: readonly (InputName | 'out')[];
  dtype: DTypeRule;
  /** PyTorch's name for the backward node (default: Name + 'Backward0'). */
  node?: string;
  /** Install x.name(...) on Tensor (default true). */
  method?: boolean;
  /** Install x.name_(...) too (default: unless the op gives bool). */
  inplace?: boolean;
  /** A refusal, e.g. neg of a bool tensor: the message, or null to accept. */
  check?: (dtypes: readonly (DType | null)[]) => string | null;
}

/** A record after defineOp checked it: parsed expressions and the names each gradient reads. */
export interface OpRecord extends OpSpec {
  readonly params: readonly string[];
  readonly defaultValues: readonly number[];
  readonly forward: Expr;
  /** Per input: the parsed gradient (null: no gradient flows to it). */
  readonly grads: readonly (Expr | null)[] | null;
  readonly nodeName: string;
}

// ---- the types of an op's function and method, from its record ----
export type TensorLike = Tensor | number | boolean;
type Inputs<N> = N extends 1 ? [x: Tensor] : N extends 2 ? [x: TensorLike, y: TensorLike] : [x: TensorLike, y: TensorLike, z: TensorLike];
type Others<N> = N extends 1 ? [] : N extends 2 ? [other: TensorLike] : [y: TensorLike, z: TensorLike];
type ParamArgs<P> = P extends readonly [] ? [] : P extends readonly [string, ...infer R] ? [param?: number | null, ...ParamArgs<R>] : number[];
type ParamsOf<S> = S extends { params: infer P } ? P : [];
export type OpFunction<S extends { arity: 1 | 2 | 3 }> = (...args: [...Inputs<S['arity']>, ...ParamArgs<ParamsOf<S>>]) => Tensor;
export type OpMethod<S extends { arity: 1 | 2 | 3 }> = (...args: [...Others<S['arity']>, ...ParamArgs<ParamsOf<S>>]) => Tensor;
/** The methods a table of records installs: name(...) and, where the record has one, name_(...). */
export type OpMethods<T extends Record<string, { arity: 1 | 2 | 3 }>> = { [K in keyof T & string as T[K] extends { method: false } ? never : K]: OpMethod<T[K]> }
  & { [K in keyof T & string as T[K] extends { inplace: false } | { dtype: 'bool' } | { method: false } ? never : `${K}_`]: OpMethod<T[K]> };

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

/** Checks a spec and parses its expressions; throws OpError naming what is wrong. */
export function checkRecord(spec: OpSpec): OpRecord {
  const { name, arity } = spec;
  const params = [...(spec.params ?? [])];
  const inputs = INPUTS.slice(0, arity);
  for (const p of params)
    if (!/^[a-z][A-Za-z0-9]*$/.test(p) || ['x', 'y', 'z', 'g', 'out'].includes(p)) throw new OpError(`op record ${name}: parameter name '${p}' must be a camelCase word other than x, y, z, g and out`);
  const forward = parseExpr(name, spec.expr, [...inputs, ...params]);
  let grads: (Expr | null)[] | null = null;
  if (spec.grad) {
    if (spec.grad.length !== arity) throw new OpError(`op record ${name}: grad has ${spec.grad.length} expression(s) but the op takes ${arity} input(s); give one per input (null where none flows)`);
    const saves = spec.saves ?? [];
    grads = spec.grad.map((src, i) => {
      if (src === null) return null;
      const e = parseExpr(`${name} (gradient of ${inputs[i]})`, src, ['g', ...inputs, 'out', ...params]);
      for (const n of e.names)
        if ((INPUTS as readonly string[]).includes(n) || n === 'out')
          if (!saves.includes(n as InputName | 'out')) throw new OpError(`op record ${name}: the gradient of ${inputs[i]} reads ${n}, which saves does not list; add it to saves: [${[...saves, n].map((s) => `'${s}'`).join(', ')}]`);
      return e;
    });
  }
  const defaults = (spec.defaults ?? {}) as Record<string, number | undefined>;
  for (const k of Object.keys(defaults)) if (!params.includes(k)) throw new OpError(`op record ${name}: a default is given for '${k}', which is not a parameter (${params.join(', ') || 'none'})`);
  return { ...spec, params, defaultValues: params.map((p) => defaults[p] ?? NaN), forward, grads, nodeName: spec.node ?? `${cap(name)}Backward0` };
}

/** The dtype of an op's result under its rule. */
export function resultDType(rec: OpRecord, dtypes: readonly (DType | null)[], params: readonly number[], promoted: (inputs?: readonly number[]) => DType): DType {
  const msg = rec.check?.(dtypes);
  if (msg) throw new DTypeError(msg);
  const rule = rec.dtype;
  if (rule === 'bool') return 'bool';
  if (rule === 'same') return promoted();
  if (rule === 'float') {
    const d = promoted();
    return isFloating(d) ? d : 'float32';
  }
  return rule(dtypes, params, promoted);
}
