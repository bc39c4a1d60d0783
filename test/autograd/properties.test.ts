// Property tests for gradients (fast-check, seeded):
// - broadcast shape pairs: the gradient of sum(w · op(a, b)) reduces back to each input's shape,
//   checked against sums written out index by index;
// - random view chains: the gradient of sum(w · chain(x)) is w scattered back to where each
//   element came from (found by running the same chain on a tensor of flat indices);
// - random einsum equations (repeated letters, '...', implicit and explicit outputs, 1–3
//   operands): gradcheck on small shapes.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as G from 'groundup';
import { gradcheck, Tensor, type IndexItem } from 'groundup';
import { flatOf, indices, numel, type Idx } from '../helpers/indices.ts';

const RUNS = { seed: 20240607, numRuns: 300 };
/** Deterministic float64 values on a grid of 1/256 (plus `shift`), spread over about ±4. */
const values = (n: number, seed: number, shift = 0): number[] =>
  Array.from({ length: n }, (_, i) => (((seed * 7919 + i * 104729) % 2001) - 1000) / 256 + shift);

/** A float64 tensor with these logical values; when `strided`, it sits transposed in memory. */
function make(shape: readonly number[], vals: readonly number[], strided: boolean): Tensor {
  const c = Tensor.fromData(Float64Array.from(vals), shape);
  if (!strided || shape.length < 2) return c;
  const rev = shape.map((_, i) => shape.length - 1 - i);
  return c.permute(rev).contiguous().permute(rev);
}

function assertClose(got: Tensor | null, shape: readonly number[], want: readonly number[], what: string): void {
  assert.ok(got, `${what}: no gradient`);
  assert.equal([...got.shape], [...shape], `${what}: gradient shape [${got.shape}] vs input [${shape}]`);
  const g = Array.from(got.dataSync() as ArrayLike<number>);
  for (let i = 0; i < want.length; i++)
    if (!(Math.abs(g[i]! - want[i]!) <= 1e-9 * (1 + Math.abs(want[i]!)))) assert.unreachable(`${what}: element ${i} is ${g[i]}, the explicit sum gives ${want[i]}`);
}

// ---- broadcasting ----------------------------------------------------------------------------

const shapeArb = (maxRank: number, maxDim: number) => fc.array(fc.integer({ min: 1, max: maxDim }), { maxLength: maxRank });
const OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'where'] as const;
type BOp = (typeof OPS)[number];
const pairArb = fc.record({
  out: shapeArb(4, 4), dropA: fc.nat({ max: 4 }), dropB: fc.nat({ max: 4 }),
  onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  stridedA: fc.boolean(), stridedB: fc.boolean(), seed: fc.nat({ max: 10000 }), op: fc.constantFrom(...OPS),
});
const derive = (out: number[], drop: number, ones: boolean[]): number[] => out.slice(Math.min(drop, out.length)).map((d, i) => (ones[i] ? 1 : d));
/** The flat input element that output index `o` reads under NumPy's rules. */
const source = (o: Idx, shape: readonly number[]): number => {
  const off = o.length - shape.length;
  return flatOf(shape.map((n, d) => (n === 1 ? 0 : o[d + off]!)), shape);
};
/** ∂op/∂a and ∂op/∂b at one pair of values (no ties: a and b live on offset grids). */
function partials(op: BOp, a: number, b: number, cond: boolean): [number, number] {
  switch (op) {
    case 'add': return [1, 1];
    case 'sub': return [1, -1];
    case 'mul': return [b, a];
    case 'div': return [1 / b, -a / (b * b)];
    case 'maximum': return a > b ? [1, 0] : [0, 1];
    case 'minimum': return a < b ? [1, 0] : [0, 1];
    case 'pow': return [b * Math.pow(a, b - 1), Math.pow(a, b) * Math.log(a)];
    case 'where': return cond ? [1, 0] : [0, 1];
  }
}

test('broadcast shape pairs: each input\'s grad is the explicit sum over the dims it was broadcast along', () => {
  fc.assert(fc.property(pairArb, (p) => {
    const sa = derive(p.out, p.dropA, p.onesA), sb = derive(p.out, p.dropB, p.onesB);
    const outShape = G.broadcastShapes('property', sa, sb);
    // b sits on a grid offset by 1/512 from a's, so maximum/minimum never tie; pow and div need a > 0 and b ≠ 0.
    let va = values(numel(sa), p.seed), vb = values(numel(sb), p.seed + 1, 1 / 512);
    if (p.op === 'pow') { va = va.map((v) => Math.abs(v) / 2 + 0.5); vb = vb.map((v) => v / 2); }
    if (p.op === 'div') vb = vb.map((v) => (v < 0 ? v - 0.5 : v + 0.5));
    const a = make(sa, va, p.stridedA).requiresGrad_(), b = make(sb, vb, p.stridedB).requiresGrad_();
    const w = values(numel(outShape), p.seed + 2).map((v) => v / 4);
    const cond = values(numel(outShape), p.seed + 3).map((v) => v > 0);
    const condT = Tensor.fromData(Uint8Array.from(cond, Number), outShape);
    const y = p.op === 'where' ? G.where(condT, a, b) : G[p.op](a, b);
    y.mul(Tensor.fromData(Float64Array.from(w), outShape)).sum().backward();
    const ga = new Array<number>(numel(sa)).fill(0), gb = new Array<number>(numel(sb)).fill(0);
    let k = 0;
    for (const o of indices(outShape)) {
      const ia = source(o, sa), ib = source(o, sb);
      const [da, db] = partials(p.op, va[ia]!, vb[ib]!, cond[k]!);
      ga[ia]! += w[k]! * da;
      gb[ib]! += w[k]! * db;
      k++;
    }
    const what = `${p.op}([${sa}], [${sb}])`;
    assertClose(a.grad, sa, ga, `${what}: grad of a`);
    assertClose(b.grad, sb, gb, `${what}: grad of b`);
  }), RUNS);
});

test('broadcast against a scalar and a 0-d tensor: the grad of the tensor side keeps its shape', () => {
  fc.assert(fc.property(shapeArb(4, 4), fc.nat({ max: 10000 }), fc.double({ min: 0.5, max: 3, noNaN: true }), (shape, seed, s) => {
    const vx = values(numel(shape), seed);
    const x = make(shape, vx, true).requiresGrad_(), z = Tensor.fromData(Float64Array.of(s), []).requiresGrad_();
    x.mul(s).add(x.mul(z)).sum().backward();
    assertClose(x.grad, shape, vx.map(() => 2 * s), 'x');
    assertClose(z.grad, [], [vx.reduce((acc, v) => acc + v, 0)], 'z (0-d)');
  }), RUNS);
});

// ---- view chains -----------------------------------------------------------------------------

const KINDS = ['permute', 'transpose', 't', 'unsqueeze', 'squeeze', 'expand', 'slice', 'select', 'narrow', 'diagonal', 'flatten',
  'reshape', 'chunk', 'split', 'unbind', 'at', 'intIndex', 'T', 'contiguous'] as const;
const stepArb = fc.record({ kind: fc.constantFrom(...KINDS), a: fc.nat({ max: 1000 }), b: fc.nat({ max: 1000 }), c: fc.nat({ max: 1000 }) });
type Step = { kind: (typeof KINDS)[number]; a: number; b: number; c: number };

/** Applies one step, its parameters taken modulo the current shape; returns null when the step does not apply. */
function apply(t: Tensor, s: Step): Tensor | null {
  const nd = t.ndim, sh = t.shape;
  const dim = nd ? s.a % nd : 0;
  switch (s.kind) {
    case 'permute': {
      if (nd < 2) return null;
      const perm = sh.map((_, i) => i);
      for (let i = nd - 1; i > 0; i--) { const j = (s.b + i * s.c) % (i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
      return t.permute(perm);
    }
    case 'transpose': return nd < 2 ? null : t.transpose(dim, s.b % nd);
    case 't': return nd === 2 ? t.t() : null;
    case 'T': return nd >= 2 ? t.T : null;
    case 'unsqueeze': return nd >= 4 ? null : t.unsqueeze(s.a % (nd + 1));
    case 'squeeze': {
      const ones = sh.flatMap((n, i) => (n === 1 ? [i] : []));
      return ones.length ? t.squeeze(ones[s.a % ones.length]) : null;
    }
    case 'expand': {
      const ones = sh.flatMap((n, i) => (n === 1 ? [i] : []));
      if (!ones.length && nd >= 4) return null;
      const target = [...sh];
      if (ones.length) target[ones[s.a % ones.length]!] = 2 + (s.b % 2);
      return t.numel() * 3 > 400 ? null : t.expand(s.c % 2 && nd < 4 ? [2, ...target] : target);
    }
    case 'slice': {
      const n = sh[dim]!;
      if (!nd || n === 0) return null;
      const start = s.b % n, step = 1 + (s.c % 3), stop = start + 1 + (s.c % (n - start));
      return t.at(...Array.from({ length: dim }, (): IndexItem => ':'), `${start}:${stop}:${step}`);
    }
    case 'select': return nd ? t.select(dim, s.b % sh[dim]! - (s.c % 2 ? sh[dim]! : 0)) : null;
    case 'narrow': {
      if (!nd) return null;
      const n = sh[dim]!, start = s.b % n;
      return t.narrow(dim, start, 1 + (s.c % (n - start)));
    }
    case 'diagonal': {
      if (nd < 2) return null;
      const d2 = (dim + 1 + (s.b % (nd - 1))) % nd;
      const off = (s.c % 3) - 1;
      return t.diagonal(off, dim, d2).numel() ? t.diagonal(off, dim, d2) : null;
    }
    case 'flatten': return nd ? t.flatten(s.a % nd, s.a % nd + (s.b % (nd - (s.a % nd)))) : t.flatten();
    case 'reshape': {
      const n = t.numel();
      const divs = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      const d = divs[s.b % divs.length]!;
      return t.reshape(s.c % 2 ? [d, -1] : [-1, d]);
    }
    case 'chunk': {
      if (!nd) return null;
      const parts = t.chunk(1 + (s.b % 3), dim);
      return parts[s.c % parts.length]!;
    }
    case 'split': {
      if (!nd) return null;
      const parts = t.split(1 + (s.b % 2), dim);
      return parts[s.c % parts.length]!;
    }
    case 'unbind': return nd ? t.unbind(dim)[s.b % sh[dim]!]! : null;
    case 'at': {
      if (!nd) return null;
      const items: IndexItem[] = [s.b % 2 ? null : '...', s.c % 3 === 0 ? ':' : s.c % 3 === 1 ? '::2' : (s.c % sh[0]!)];
      return t.at(...(s.b % 2 ? items : items.reverse()));
    }
    case 'intIndex': {
      if (!nd) return null;
      const n = sh[dim]!;
      const idx = Tensor.fromData(Int32Array.from({ length: 1 + (s.b % 4) }, (_, i) => (s.c + i * s.b) % n), [1 + (s.b % 4)]);
      return t.at(...Array.from({ length: dim }, (): IndexItem => ':'), idx);
    }
    case 'contiguous': return t.contiguous();
  }
}

test('random view chains: grad of sum(w · chain(x)) is w scattered back to each element\'s source', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4, size: 'max' }), fc.array(stepArb, { minLength: 1, maxLength: 6, size: 'max' }), fc.nat({ max: 10000 }), fc.boolean(), (shape, steps, seed, strided) => {
    const vx = values(numel(shape), seed);
    const x = make(shape, vx, strided).requiresGrad_();
    // The same chain over the flat indices tells where each element of the result came from.
    let y: Tensor = x, src = Tensor.fromData(Float64Array.from({ length: numel(shape) }, (_, i) => i), shape);
    const applied: string[] = [];
    for (const s of steps) {
      const next = apply(y, s);
      if (!next) continue;
      y = next;
      src = apply(src, s)!;
      applied.push(s.kind);
    }
    const w = values(y.numel(), seed + 5).map((v) => v / 8);
    y.mul(Tensor.fromData(Float64Array.from(w), [...y.shape])).sum().backward();
    const want = new Array<number>(numel(shape)).fill(0);
    const from = Array.from(src.dataSync() as ArrayLike<number>);
    from.forEach((i, k) => { want[i]! += w[k]!; });
    assertClose(x.grad, shape, want, `chain [${applied.join(', ')}] from [${shape}] to [${y.shape}]`);
  }), RUNS);
});

// ---- einsum ----------------------------------------------------------------------------------

const LETTERS = 'abcd';
const termArb = fc.record({
  letters: fc.array(fc.nat({ max: 3 }), { maxLength: 3, size: 'max' }), ellipsis: fc.boolean(), ellPos: fc.nat({ max: 3 }), ellKeep: fc.nat({ max: 2 }),
});
const einsumArb = fc.record({
  terms: fc.array(termArb, { minLength: 1, maxLength: 3, size: 'max' }), sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
  ellShape: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2, size: 'max' }), explicit: fc.boolean(), outPick: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  outOrder: fc.nat({ max: 23 }), seed: fc.nat({ max: 10000 }), strided: fc.boolean(),
});

test('random einsum equations (repeated letters, \'...\', implicit/explicit output, 1–3 operands): gradcheck', () => {
  fc.assert(fc.property(einsumArb, (p) => {
    const anyEll = p.terms.some((t) => t.ellipsis);
    const parts: string[] = [];
    const shapes: number[][] = [];
    for (const t of p.terms) {
      const letters = t.letters.map((i) => LETTERS[i]!);
      const shape = t.letters.map((i) => p.sizes[i]!);
      if (t.ellipsis) {
        const pos = t.ellPos % (letters.length + 1);
        // An operand may take fewer ellipsis dims (right-aligned), or size-1 ones that broadcast.
        const ell = p.ellShape.slice(Math.min(t.ellKeep, p.ellShape.length) === 2 ? 1 : 0).map((n, i) => (t.ellKeep === 1 && i === 0 ? 1 : n));
        letters.splice(pos, 0, '...');
        shape.splice(pos, 0, ...ell);
      }
      parts.push(letters.join(''));
      shapes.push(shape);
    }
    let eq = parts.join(',');
    if (p.explicit) {
      const used = LETTERS.split('').filter((l, i) => p.outPick[i] && parts.some((s) => s.includes(l)));
      for (let i = used.length - 1, r = p.outOrder; i > 0; i--, r = Math.floor(r / 2)) { const j = r % (i + 1); [used[i], used[j]] = [used[j]!, used[i]!]; }
      eq += `->${anyEll ? '...' : ''}${used.join('')}`;
    }
    const ops = shapes.map((s, k) => make(s, values(numel(s), p.seed + k).map((v) => v / 4), p.strided).requiresGrad_());
    try {
      gradcheck((...xs) => G.einsum(eq, ...xs), ops);
    } catch (e) {
      (e as Error).message = `einsum('${eq}') on ${shapes.map((s) => `[${s}]`).join(' ')}: ${(e as Error).message}`;
      throw e;
    }
  }), RUNS);
});

test.run();
