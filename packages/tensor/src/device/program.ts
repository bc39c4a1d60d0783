// Lowers an op record's expression (ops/expr.ts) to the byte code of the CUDA expression kernel
// (addon/src/cuda_ops.cu): a stack program in reverse Polish order, with the operand loads, the
// constants and the parameters' values. One kernel then runs every record, including records
// added later, with no generated CUDA code. The grammar is C's: ?: binds loosest, then || && ==
// != < <= > >= + - * / and the unary - and !.
import { OpError } from '@groundup/kernels';
import { CONSTANTS, type Expr } from '../ops/expr.ts';

/** Opcodes: keep in step with enum Op in addon/src/cuda_ops.cu. */
export const OPCODES = {
  load: 0, const: 1, neg: 2, not: 3, '+': 4, '-': 5, '*': 6, '/': 7, '<': 8, '<=': 9, '>': 10, '>=': 11, '==': 12, '!=': 13,
  '&&': 14, '||': 15, select: 16,
  exp: 32, log: 33, log1p: 34, expm1: 35, sqrt: 36, sin: 37, cos: 38, tanh: 39, abs: 40, floor: 41, ceil: 42, rint: 43,
  pow: 44, fmod: 45, isfinite: 46, sigmoid: 47, erf: 48,
} as const;

const BINARY: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/']];
const MAX_STACK = 16;

/** A program; `named` lists the constants filled per call (a parameter's or scalar operand's value, by name). */
export interface Program { code: number[]; consts: number[]; named: [index: number, name: string][] }

/**
 * The program of `e`: `operand(name)` gives the index of an array operand or null; `value(name)`
 * the number for a parameter or a scalar operand, or, when `value` is null, each such name gets a
 * constant slot of its own (listed in `named`) so the program can be cached and filled per call.
 * `wrapBool` appends `!= 0`.
 */
export function compileProgram(e: Expr, operand: (name: string) => number | null, value: ((name: string) => number) | null, wrapBool = false): Program {
  const toks = e.tokens;
  const code: number[] = [], consts: number[] = [];
  const named: [number, string][] = [];
  let pos = 0, depth = 0, maxDepth = 0;
  const fail = (why: string): never => { throw new OpError(`cuda expression "${e.source}": ${why}`); };
  const emit = (op: number, arg = 0, dDepth = 0): void => {
    code.push(op | (arg << 8));
    depth += dDepth;
    if (depth > maxDepth) maxDepth = depth;
  };
  const constant = (v: number): void => {
    let i = consts.indexOf(v);
    if (i < 0 || Number.isNaN(v)) { i = consts.length; consts.push(v); }
    emit(OPCODES.const, i, 1);
  };
  const peek = (): string | undefined => toks[pos]?.text;
  const expect = (t: string): void => { if (toks[pos]?.text !== t) fail(`expected '${t}' at token ${pos}`); pos++; };

  const primary = (): void => {
    const t = toks[pos++];
    if (!t) return fail('unexpected end');
    if (t.kind === 'num') return constant(Number(t.text));
    if (t.text === '(') { ternary(); expect(')'); return; }
    if (t.text === '-') { unary(); emit(OPCODES.neg); return; }
    if (t.text === '!') { unary(); emit(OPCODES.not); return; }
    if (t.kind === 'id') {
      if (peek() === '(') {
        const fn = OPCODES[t.text as keyof typeof OPCODES];
        if (fn === undefined || fn < 32) return fail(`no CUDA opcode for ${t.text}()`);
        pos++;
        ternary();
        let args = 1;
        while (peek() === ',') { pos++; ternary(); args++; }
        expect(')');
        emit(fn, 0, 1 - args);
        return;
      }
      if (CONSTANTS[t.text]) return constant(t.text === 'inf' ? Infinity : NaN);
      const k = operand(t.text);
      if (k !== null) return emit(OPCODES.load, k, 1);
      if (value) return constant(value(t.text));
      let slot = named.find(([, n]) => n === t.text)?.[0];
      if (slot === undefined) { slot = consts.length; consts.push(NaN); named.push([slot, t.text]); }  // NaN: never shared with a literal
      return emit(OPCODES.const, slot, 1);
    }
    fail(`unexpected '${t.text}'`);
  };
  const unary = (): void => primary();
  const binary = (level: number): void => {
    if (level === BINARY.length) return unary();
    binary(level + 1);
    while (BINARY[level]!.includes(peek() ?? '')) {
      const op = toks[pos++]!.text as keyof typeof OPCODES;
      binary(level + 1);
      emit(OPCODES[op], 0, -1);
    }
  };
  function ternary(): void {
    binary(0);
    if (peek() === '?') {
      pos++;
      ternary();
      expect(':');
      ternary();
      emit(OPCODES.select, 0, -2);
    }
  }
  ternary();
  if (pos !== toks.length) fail(`unexpected '${toks[pos]!.text}' at token ${pos}`);
  if (wrapBool) { constant(0); emit(OPCODES['!='], 0, -1); }
  if (maxDepth > MAX_STACK) fail(`needs a stack of ${maxDepth} (the kernel has ${MAX_STACK})`);
  if (code.length > 256 || consts.length > 64) fail(`too long for the kernel (${code.length} steps, ${consts.length} constants; at most 256 and 64)`);
  return { code, consts, named };
}
