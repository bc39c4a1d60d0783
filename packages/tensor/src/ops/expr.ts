// The expression language of elementwise op records: a small subset shared by JS and C, so that
// one formula lowers to the compiled JS loops here and to C++/CUDA kernels generated from the
// same records. Numbers, the record's operand names (x, y, z, out, g) and parameter names, the
// operators + - * / < <= > >= == != && || ! ?: and parentheses, and the functions below. No %
// (its float meaning differs between the languages): use fmod().
import { OpError } from '@groundup/kernels';
import { erf } from './erf.ts';

interface Fn { arity: number; js: string; c: string }

/** The functions an expression may call, with their JS and C spellings. */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  exp: { arity: 1, js: 'Math.exp', c: 'std::exp' },
  log: { arity: 1, js: 'Math.log', c: 'std::log' },
  log1p: { arity: 1, js: 'Math.log1p', c: 'std::log1p' },
  expm1: { arity: 1, js: 'Math.expm1', c: 'std::expm1' },
  sqrt: { arity: 1, js: 'Math.sqrt', c: 'std::sqrt' },
  sin: { arity: 1, js: 'Math.sin', c: 'std::sin' },
  cos: { arity: 1, js: 'Math.cos', c: 'std::cos' },
  tanh: { arity: 1, js: 'Math.tanh', c: 'std::tanh' },
  abs: { arity: 1, js: 'Math.abs', c: 'std::abs' },
  floor: { arity: 1, js: 'Math.floor', c: 'std::floor' },
  ceil: { arity: 1, js: 'Math.ceil', c: 'std::ceil' },
  /** Round half to even (PyTorch's round; C's nearbyint in the default rounding mode). */
  rint: { arity: 1, js: 'H.rint', c: 'std::nearbyint' },
  pow: { arity: 2, js: 'Math.pow', c: 'std::pow' },
  /** C's fmod: the remainder with the sign of the dividend. */
  fmod: { arity: 2, js: 'H.fmod', c: 'std::fmod' },
  isfinite: { arity: 1, js: 'Number.isFinite', c: 'std::isfinite' },
  /** 1/(1 + e^−x), in the form that does not overflow for either sign. */
  sigmoid: { arity: 1, js: 'H.sigmoid', c: 'gu_sigmoid' },
  /** The error function (gelu's exact form). */
  erf: { arity: 1, js: 'H.erf', c: 'std::erf' },
};

/** Named constants. */
export const CONSTANTS: Readonly<Record<string, { js: string; c: string }>> = {
  inf: { js: 'Infinity', c: 'INFINITY' },
  nan: { js: 'NaN', c: 'NAN' },
};

/** Runtime helpers the JS spellings above refer to as H.*. */
export const HELPERS = {
  rint(x: number): number {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  fmod: (a: number, b: number): number => a % b,
  sigmoid: (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  erf,
};

type Token = { kind: 'num' | 'id' | 'op'; text: string };
const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(<=|>=|==|!=|&&|\|\||[-+*/<>!?:(),]))/y;

/** A parsed expression: its tokens and the names it reads. */
export interface Expr { source: string; tokens: readonly Token[]; names: ReadonlySet<string> }

/**
 * Tokenizes and checks an expression: every name must be one of `names` (operands and
 * parameters), a function from FUNCTIONS followed by '(' or a constant. Throws naming the op.
 */
export function parseExpr(op: string, source: string, names: readonly string[]): Expr {
  const tokens: Token[] = [];
  const used = new Set<string>();
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) throw new OpError(`op record ${op}: cannot read the expression "${source}" at "${source.slice(pos, pos + 10)}"; the expression language has numbers, names, + - * / < <= > >= == != && || ! ?: ( ) and the functions ${Object.keys(FUNCTIONS).join(', ')}`);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1] });
    else if (m[3] !== undefined) tokens.push({ kind: 'op', text: m[3] });
    else {
      const id = m[2]!;
      const next = source.slice(pos).trimStart()[0];
      if (next === '(') {
        if (!FUNCTIONS[id]) throw new OpError(`op record ${op}: unknown function ${id}() in "${source}"; known: ${Object.keys(FUNCTIONS).join(', ')}`);
      } else if (!names.includes(id) && !CONSTANTS[id]) {
        throw new OpError(`op record ${op}: unknown name ${id} in "${source}"; it may read ${names.join(', ')}`);
      } else if (!CONSTANTS[id]) used.add(id);
      tokens.push({ kind: 'id', text: id });
    }
  }
  return { source, tokens, names: used };
}

/** JS source for an expression; each name n becomes `rename(n)`. */
export function toJs(e: Expr, rename: (name: string) => string): string {
  return e.tokens.map((t) => {
    if (t.kind !== 'id') return t.text;
    return FUNCTIONS[t.text]?.js ?? CONSTANTS[t.text]?.js ?? rename(t.text);
  }).join(' ');
}

/** C/C++ (and CUDA) source for an expression, with numbers as literals of type `real`. */
export function toC(e: Expr, rename: (name: string) => string, real: 'float' | 'double' = 'float'): string {
  return e.tokens.map((t) => {
    if (t.kind === 'num') return real === 'float' ? `${t.text}${/[.e]/.test(t.text) ? '' : '.'}f` : t.text;
    if (t.kind !== 'id') return t.text;
    return FUNCTIONS[t.text]?.c ?? CONSTANTS[t.text]?.c ?? rename(t.text);
  }).join(' ');
}
