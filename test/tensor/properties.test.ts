// Property tests on random shapes (fast-check, seeded): broadcasting against an explicit index
// loop, random view chains against a copy built index by index, einsum on random equations
// against a naive loop over every label, and reductions over random dim lists against loops.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as G from '@groundup/tensor';
import { ShapeError, Tensor, slice } from '@groundup/tensor';
import { flatOf, indices, numel, type Idx } from '../helpers/indices.ts';

const RUNS = { seed: 20240601, numRuns: 300 };
/** Deterministic values that are exact in float32 (multiples of 1/256 below 4), with no ties to speak of. */
const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (((seed * 7919 + i * 104729) % 2001) - 1000) / 256);
const closeTo = (got: number, want: number, tol: number): boolean =>
  Number.isNaN(want) ? Number.isNaN(got) : got === want || Math.abs(got - want) <= tol * (1 + Math.abs(want));

function assertValues(got: Tensor, shape: readonly number[], want: readonly number[], tol: number, what: string): void {
  assert.equal([...got.shape], [...shape], `${what}: shape`);
  const g = got.toFlatArray().map(Number);
  for (let i = 0; i < want.length; i++)
    if (!closeTo(g[i]!, want[i]!, tol)) assert.unreachable(`${what}: element ${i} is ${g[i]}, the loop gives ${want[i]}`);
}

/** A tensor with these logical values; when `strided`, it sits transposed in memory (non-contiguous). */
function make(shape: readonly number[], vals: readonly number[], strided: boolean, dtype: G.DType = 'float32'): Tensor {
  const c = Tensor.fromData(dtype === 'float64' ? Float64Array.from(vals) : Float32Array.from(vals), shape);
  if (!strided || shape.length < 2) return c;
  const rev = shape.map((_, i) => shape.length - 1 - i);
  return c.permute(rev).contiguous().permute(rev);
}

// ---- broadcasting ----------------------------------------------------------------------------

const shapeArb = (maxRank: number, maxDim: number) => fc.array(fc.integer({ min: 1, max: maxDim }), { maxLength: maxRank });
const pairArb = fc.record({
  out: shapeArb(4, 4), dropA: fc.nat({ max: 4 }), dropB: fc.nat({ max: 4 }),
  onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  stridedA: fc.boolean(), stridedB: fc.boolean(), seed: fc.nat({ max: 10000 }),
  op: fc.constantFrom('add', 'sub', 'mul', 'div', 'maximum', 'lt', 'where'),
});
const derive = (out: number[], drop: number, ones: boolean[]): number[] => out.slice(Math.min(drop, out.length)).map((d, i) => (ones[i] ? 1 : d));
/** The input element that output index `o` reads under NumPy's rules. */
const source = (o: Idx, shape: readonly number[]): number => {
  const off = o.length - shape.length;
  return flatOf(shape.map((n, d) => (n === 1 ? 0 : o[d + off]!)), shape);
};

test('broadcasting: random shape pairs against an explicit index loop', () => {
  fc.assert(fc.property(pairArb, (p) => {
    const sa = derive(p.out, p.dropA, p.onesA), sb = derive(p.out, p.dropB, p.onesB);
    const va = values(numel(sa), p.seed), vb = values(numel(sb), p.seed + 1).map((v) => (v === 0 ? 0.5 : v));
    const a = make(sa, va, p.stridedA), b = make(sb, vb, p.stridedB);
    const shape = Array.from({ length: Math.max(sa.length, sb.length) }, (_, i) => {
      const da = sa[sa.length - Math.max(sa.length, sb.length) + i] ?? 1, db = sb[sb.length - Math.max(sa.length, sb.length) + i] ?? 1;
      return Math.max(da, db);
    });
    const f: Record<string, (x: number, y: number) => number> = {
      add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y, maximum: Math.max, lt: (x, y) => +(x < y),
      where: (x, y) => (x > 0 ? x : y),
    };
    const want = [...indices(shape)].map((o) => Math.fround(f[p.op]!(va[source(o, sa)]!, vb[source(o, sb)]!)));
    const got = p.op === 'where' ? G.where(G.gt(a, 0), a, b) : (G[p.op as 'add'] as (x: Tensor, y: Tensor) => Tensor)(a, b);
    assert.equal(G.broadcastShapes('test', sa, sb), shape);
    assertValues(got, shape, want, 0, `${p.op} [${sa}] with [${sb}]`);
  }), RUNS);
});

test('broadcasting: a size clash throws ShapeError naming both shapes and the axis', () => {
  fc.assert(fc.property(shapeArb(4, 4), fc.nat(), (out, k) => {
    const axes = out.flatMap((d, i) => (d >= 2 ? [i] : []));
    fc.pre(axes.length > 0);
    const i = axes[k % axes.length]!;
    const other = out.map((d, j) => (j === i ? d + 1 : d));
    try {
      G.add(G.zeros(out), G.zeros(other));
    } catch (e) {
      assert.instance(e, ShapeError);
      const m = (e as Error).message;
      assert.ok(m.includes(`[${out.join(',')}]`) && m.includes(`[${other.join(',')}]`) && m.includes(`axis ${i}`), m);
      return;
    }
    assert.unreachable(`add [${out}] with [${other}] did not throw`);
  }), RUNS);
});

// ---- view chains -----------------------------------------------------------------------------

/** The reference: the view's shape and, for each of its indices, the flat index in the base. */
interface Model { shape: number[]; at: (idx: Idx) => number }
const stepArb = fc.record({ kind: fc.integer({ min: 0, max: 10 }), a: fc.nat(), b: fc.nat(), c: fc.nat() });

function step(t: Tensor, m: Model, s: { kind: number; a: number; b: number; c: number }): [Tensor, Model] | null {
  const nd = m.shape.length, sh = m.shape;
  const ins = (idx: Idx, d: number, v: number): Idx => [...idx.slice(0, d), v, ...idx.slice(d)];
  const del = (idx: Idx, d: number): Idx => [...idx.slice(0, d), ...idx.slice(d + 1)];
  switch (s.kind) {
    case 0: { // permute (a pseudo-random order drawn from a)
      if (nd < 2) return null;
      const p = [...sh.keys()].sort((x, y) => ((x * 7 + s.a) % 11) - ((y * 7 + s.a) % 11) || x - y);
      const inv = p.map((_, i) => p.indexOf(i));
      return [t.permute(s.b % 2 ? p : p.map((d) => d - nd)), { shape: p.map((d) => sh[d]!), at: (j) => m.at(inv.map((k) => j[k]!)) }];
    }
    case 1: { // transpose
      if (nd < 2) return null;
      const i = s.a % nd, k = s.b % nd;
      const sw = (idx: Idx): Idx => idx.map((v, d) => (d === i ? idx[k]! : d === k ? idx[i]! : v));
      return [t.transpose(i, k - (s.c % 2 ? nd : 0)), { shape: sw(sh), at: (j) => m.at(sw(j)) }];
    }
    case 2: { // slice with a step, Python bounds (negative and out-of-range allowed)
      if (nd === 0) return null;
      const d = s.a % nd, n = sh[d]!, step = 1 + (s.c % 3);
      const start = (s.b % (2 * n + 1)) - n, stop = ((s.b >> 4) % (2 * n + 3)) - n - 1;
      const fix = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const lo = fix(start), len = Math.max(0, Math.ceil((fix(stop) - lo) / step));
      if (len === 0) return null;
      const items = [...Array.from({ length: d }, () => ':'), slice(start, stop, step)];
      return [t.at(...items), { shape: sh.map((x, i) => (i === d ? len : x)), at: (j) => m.at(j.map((v, i) => (i === d ? lo + v * step : v))) }];
    }
    case 3: { // narrow
      if (nd === 0) return null;
      const d = s.a % nd, n = sh[d]!, start = s.b % n, len = 1 + (s.c % (n - start));
      return [t.narrow(d, start, len), { shape: sh.map((x, i) => (i === d ? len : x)), at: (j) => m.at(j.map((v, i) => (i === d ? start + v : v))) }];
    }
    case 4: { // unsqueeze
      if (nd >= 5) return null;
      const d = s.a % (nd + 1);
      return [t.unsqueeze(s.b % 2 ? d : d - nd - 1), { shape: ins(sh, d, 1), at: (j) => m.at(del(j, d)) }];
    }
    case 5: { // expand size-1 dims, maybe adding a leading dim
      const lead = nd < 4 && s.c % 2 ? 1 + (s.c % 3) : 0;
      const target = sh.map((x, i) => (x === 1 && (s.a >> i) % 2 ? 1 + ((s.b >> i) % 3) : x));
      return [t.expand(lead ? [lead, ...target] : target), { shape: lead ? [lead, ...target] : target, at: (j) => m.at((lead ? j.slice(1) : j).map((v, i) => (sh[i] === 1 ? 0 : v))) }];
    }
    case 6: { // squeeze one size-1 dim, or all
      const ones = sh.flatMap((x, i) => (x === 1 ? [i] : []));
      if (ones.length === 0) return null;
      if (s.b % 3 === 0) return [t.squeeze(), { shape: sh.filter((x) => x !== 1), at: (j) => { let k = 0; return m.at(sh.map((x) => (x === 1 ? 0 : j[k++]!))); } }];
      const d = ones[s.a % ones.length]!;
      return [t.squeeze(d), { shape: del(sh, d), at: (j) => m.at(ins(j, d, 0)) }];
    }
    case 7: { // select
      if (nd === 0) return null;
      const d = s.a % nd, n = sh[d]!, i = (s.b % (2 * n)) - n;
      return [t.select(d, i), { shape: del(sh, d), at: (j) => m.at(ins(j, d, i < 0 ? i + n : i)) }];
    }
    case 8: { // diagonal
      if (nd < 2) return null;
      const d1 = s.a % nd, d2 = (d1 + 1 + (s.b % (nd - 1))) % nd, off = (s.c % 5) - 2;
      const len = Math.max(0, off >= 0 ? Math.min(sh[d1]!, sh[d2]! - off) : Math.min(sh[d1]! + off, sh[d2]!));
      if (len === 0) return null;
      const rest = [...sh.keys()].filter((i) => i !== d1 && i !== d2);
      return [t.diagonal(off, d1, d2), {
        shape: [...rest.map((i) => sh[i]!), len],
        at: (j) => {
          const idx = new Array<number>(nd), k = j[j.length - 1]!;
          rest.forEach((r, q) => { idx[r] = j[q]!; });
          idx[d1] = k + (off < 0 ? -off : 0);
          idx[d2] = k + (off > 0 ? off : 0);
          return m.at(idx);
        },
      }];
    }
    case 9: { // reshape (a view when the strides allow, else a copy)
      const total = numel(sh), divs = [...Array(total).keys()].map((x) => x + 1).filter((x) => total % x === 0);
      const q = divs[s.a % divs.length]!;
      const shape = s.b % 3 === 0 ? [total] : s.b % 3 === 1 ? [q, total / q] : [total / q, 1, q];
      return [t.reshape(shape), { shape, at: (j) => m.at(unflat(flatOf(j, shape), sh)) }];
    }
    default: // t() on 2-D, contiguous() otherwise
      if (nd === 2) return [t.t(), { shape: [sh[1]!, sh[0]!], at: (j) => m.at([j[1]!, j[0]!]) }];
      return [t.contiguous(), m];
  }
}
const unflat = (f: number, shape: readonly number[]): Idx => {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { out[d] = f % shape[d]!; f = Math.floor(f / shape[d]!); }
  return out;
};

test('views: random view chains then contiguous() equal a copy built by explicit indexing', () => {
  fc.assert(fc.property(shapeArb(4, 5), fc.array(stepArb, { maxLength: 7 }), (shape, steps) => {
    const base = G.arange(numel(shape), undefined, 1, { dtype: 'float32' }).reshape(shape);
    let t = base, m: Model = { shape: [...shape], at: (j) => flatOf(j, shape) };
    const log: string[] = [];
    for (const s of steps) {
      const r = step(t, m, s);
      if (!r) continue;
      [t, m] = r;
      log.push(`${s.kind}→[${m.shape}]`);
    }
    const what = `[${shape}] ${log.join(' ')}`;
    const want = [...indices(m.shape)].map((j) => m.at(j));
    const c = t.contiguous();
    assert.ok(c.isContiguous(), `${what}: contiguous() is contiguous`);
    if (t.isContiguous()) assert.is(c, t, `${what}: contiguous() of a contiguous tensor is itself`);
    assertValues(c, m.shape, want, 0, what);
    assertValues(t.clone(), m.shape, want, 0, `${what} (clone)`);
    // every element read through the strides lands on the base element the model names
    const flat = [...indices(m.shape)].map((j) => t.offset + j.reduce((a, v, d) => a + v * t.strides[d]!, 0));
    if (t.storage === base.storage) flat.forEach((o, i) => assert.is(o, want[i], `${what}: offset of element ${i}`));
  }), RUNS);
});

// ---- einsum ----------------------------------------------------------------------------------

const LETTERS = 'abijkXY';
const einsumArb = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: LETTERS.length, maxLength: LETTERS.length }),
  ops: fc.array(fc.record({ letters: fc.array(fc.nat({ max: LETTERS.length - 1 }), { maxLength: 3 }), ellRank: fc.nat({ max: 2 }),
    ellPos: fc.nat(), ones: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), strided: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  ell: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 2, maxLength: 2 }),
  useEll: fc.boolean(), implicit: fc.boolean(), outKeys: fc.array(fc.nat({ max: 100 }), { minLength: LETTERS.length + 1, maxLength: LETTERS.length + 1 }),
  seed: fc.nat({ max: 10000 }),
});

test('einsum: random equations (repeated letters, ..., implicit output) against a naive loop', () => {
  fc.assert(fc.property(einsumArb, (p) => {
    const size = (l: string): number => p.sizes[LETTERS.indexOf(l)]!;
    const E = p.useEll ? Math.max(...p.ops.map((o) => o.ellRank)) : 0;
    const terms = p.ops.map((o) => {
      const letters = o.letters.map((i) => LETTERS[i]!);
      const r = p.useEll ? o.ellRank : 0, pos = o.ellPos % (letters.length + 1);
      const ellLabels = Array.from({ length: r }, (_, k) => `#${E - r + k}`);
      const ellSizes = ellLabels.map((_, k) => (o.ones[k] ? 1 : p.ell[E - r + k]!));
      const labels = p.useEll ? [...letters.slice(0, pos), ...ellLabels, ...letters.slice(pos)] : letters;
      const shape = p.useEll ? [...letters.slice(0, pos).map(size), ...ellSizes, ...letters.slice(pos).map(size)] : letters.map(size);
      const text = p.useEll ? `${letters.slice(0, pos).join('')}...${letters.slice(pos).join('')}` : letters.join('');
      return { labels, shape, text, strided: o.strided };
    });
    const ellSize = (k: number): number => Math.max(1, ...terms.flatMap((t) => t.labels.flatMap((l, d) => (l === `#${k}` ? [t.shape[d]!] : []))));
    const used = [...new Set(terms.flatMap((t) => t.labels.filter((l) => !l.startsWith('#'))))];
    const ellOut = Array.from({ length: E }, (_, k) => `#${k}`);
    let out: string[], outText: string;
    if (p.implicit) {
      const count = (l: string): number => terms.reduce((a, t) => a + t.labels.filter((x) => x === l).length, 0);
      const singles = used.filter((l) => count(l) === 1).sort();
      out = [...ellOut, ...singles];
      outText = '';
    } else {
      const keep = used.filter((l) => p.outKeys[LETTERS.indexOf(l)]! % 2 === 0).sort((x, y) => p.outKeys[LETTERS.indexOf(x)]! - p.outKeys[LETTERS.indexOf(y)]! || (x < y ? -1 : 1));
      const pos = p.useEll ? p.outKeys[LETTERS.length]! % (keep.length + 1) : 0;
      out = p.useEll ? [...keep.slice(0, pos), ...ellOut, ...keep.slice(pos)] : keep;
      outText = `->${p.useEll ? `${keep.slice(0, pos).join('')}...${keep.slice(pos).join('')}` : keep.join('')}`;
    }
    const eq = terms.map((t) => t.text).join(',') + outText;
    const labelSize = (l: string): number => (l.startsWith('#') ? ellSize(Number(l.slice(1))) : size(l));
    const all = [...used, ...ellOut];
    const vals = terms.map((t, i) => values(numel(t.shape), p.seed + 17 * i));
    const outShape = out.map(labelSize);
    const want = new Array<number>(numel(outShape)).fill(0);
    for (const asg of indices(all.map(labelSize))) {
      const v = (l: string): number => asg[all.indexOf(l)]!;
      let prod = 1;
      terms.forEach((t, i) => { prod *= vals[i]![flatOf(t.labels.map((l, d) => (t.shape[d] === 1 ? 0 : v(l))), t.shape)]!; });
      want[flatOf(out.map(v), outShape)]! += prod;
    }
    const operands = terms.map((t, i) => make(t.shape, vals[i]!, t.strided, 'float64'));
    assertValues(G.einsum(eq, ...operands), outShape, want, 1e-12, `einsum('${eq}') on ${terms.map((t) => `[${t.shape}]`).join(' ')}`);
  }), { ...RUNS, numRuns: 400 });
});

// ---- reductions ------------------------------------------------------------------------------

const reduceArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), pick: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  order: fc.nat(), negative: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), keepdim: fc.boolean(), strided: fc.boolean(),
  op: fc.constantFrom('sum', 'mean', 'prod', 'var', 'varBiased', 'std', 'logsumexp', 'max', 'argmin', 'all', 'any'), seed: fc.nat({ max: 10000 }),
});
type Fold = (xs: number[]) => number;
const FOLDS: Record<string, Fold> = {
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  prod: (xs) => xs.reduce((a, b) => a * b, 1),
  var: (xs) => { const m = FOLDS.mean!(xs); return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1); },
  varBiased: (xs) => { const m = FOLDS.mean!(xs); return xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length; },
  std: (xs) => Math.sqrt(FOLDS.var!(xs)),
  logsumexp: (xs) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0)); },
  max: (xs) => Math.max(...xs),
  argmin: (xs) => xs.indexOf(Math.min(...xs)),
  all: (xs) => +xs.every((x) => x !== 0),
  any: (xs) => +xs.some((x) => x !== 0),
};

test('reductions: random dim lists (negative, unordered, keepdim) against loops', () => {
  fc.assert(fc.property(reduceArb, (p) => {
    const nd = p.shape.length, single = p.op === 'max' || p.op === 'argmin';
    let dims = p.shape.flatMap((_, d) => (p.pick[d] ? [d] : []));
    if (dims.length === 0 || single) dims = [p.order % nd];
    const rot = p.order % dims.length;
    const given = [...dims.slice(rot), ...dims.slice(0, rot)].map((d) => (p.negative[d] ? d - nd : d));
    const isBool = p.op === 'all' || p.op === 'any';
    const vals = values(numel(p.shape), p.seed).map((v) => (isBool ? +(v > 0) : p.op === 'prod' ? 1 + v / 8 : v));
    const x = isBool ? make(p.shape, vals, p.strided).gt(0) : make(p.shape, vals, p.strided, 'float64');
    const kept = p.shape.map((_, d) => d).filter((d) => !dims.includes(d));
    const outShape = p.keepdim ? p.shape.map((n, d) => (dims.includes(d) ? 1 : n)) : kept.map((d) => p.shape[d]!);
    const want: number[] = [];
    for (const o of indices(kept.map((d) => p.shape[d]!))) {
      const xs: number[] = [];
      for (const r of indices(dims.map((d) => p.shape[d]!))) {
        const idx = p.shape.map((_, d) => (dims.includes(d) ? r[dims.indexOf(d)]! : o[kept.indexOf(d)]!));
        xs.push(vals[flatOf(idx, p.shape)]!);
      }
      want.push(FOLDS[p.op]!(xs));
    }
    const arg = given.length === 1 && (single || p.order % 2) ? given[0]! : given;
    const k = p.keepdim;
    const got = p.op === 'var' ? x.var(arg, { unbiased: true, keepdim: k }) : p.op === 'varBiased' ? x.var(arg, { unbiased: false, keepdim: k })
      : p.op === 'std' ? x.std(arg, { keepdim: k }) : p.op === 'max' ? x.max(given[0]!, k).values : p.op === 'argmin' ? x.argmin(given[0]!, k)
      : (x[p.op as 'sum'] as (d: number | number[], k: boolean) => Tensor)(arg, k);
    assertValues(got, outShape, want, 1e-12, `${p.op}([${p.shape}], dim=${JSON.stringify(arg)}, keepdim=${k})${p.strided ? ' strided' : ''}`);
  }), RUNS);
});

test.run();
