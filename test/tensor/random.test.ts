// Random numbers: RandomState against numpy 1.24's legacy RNG (fixtures from
// scripts/fixtures/random.py), the book's own numbers (weidman.md §1.4), and Generator behaviour.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ShapeError } from '@groundup/kernels';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MT19937, RandomState, Generator, defaultGenerator, manualSeed, numpyRandom,
  fillUniform, fillNormal, fillBernoulli, fillRandint, type Sampled, type Size,
} from '../../packages/tensor/src/random/index.ts';
import { fma, libmLog } from '../../packages/tensor/src/random/libm-log.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Arr { shape: number[]; data: number[] }
interface Case { name: string; seed: number; calls: [string, Json[], number | number[] | Arr][] }
interface Stream { name: string; seed: number; fn: string; args: Json[]; kind: 'f8' | 'i4'; sha256: string; after: number }
interface Fixture {
  numpy: string; cases: Case[]; streams: Stream[];
  state: { seed: number; key: number[]; pos: number; hasGauss: boolean; gauss: number; next: number[] };
  log: [number, number][];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/random.json', import.meta.url), 'utf8')) as Fixture;

type Out = number | Sampled<ArrayLike<number>> | ArrayLike<number>;
const num = (x: Json | undefined): number => x as number;
const size = (x: Json | undefined): Size | undefined => (x === null || x === undefined ? undefined : (x as Size));

/** Runs one fixture call on a RandomState, translating numpy's names and None to ours. */
function run(rs: RandomState, fn: string, a: Json[]): Out {
  switch (fn) {
    case 'rand': return rs.rand(...(a as number[]));
    case 'randn': return rs.randn(...(a as number[]));
    case 'random_sample': return rs.randomSample(size(a[0]));
    case 'normal': return rs.normal(num(a[0]), num(a[1]), size(a[2]));
    case 'uniform': return a.length ? rs.uniform(num(a[0]), num(a[1]), size(a[2])) : rs.uniform();
    case 'randint': return rs.randint(num(a[0]), a[1] === undefined ? undefined : num(a[1]), size(a[2]));
    case 'binomial': return rs.binomial(num(a[0]), num(a[1]), size(a[2]));
    case 'permutation': {
      const x = a[0]!;
      if (typeof x === 'number') return rs.permutation(x);
      if (Array.isArray(x)) return rs.permutation(Float64Array.from(x as number[]));
      const s = x as unknown as Arr;
      return rs.permutation({ data: Float64Array.from(s.data), shape: s.shape });
    }
    case 'shuffle': {
      const x = a[0]!;
      if (Array.isArray(x)) {
        const list = [...(x as number[])];
        rs.shuffle(list);
        return list;
      }
      const s = x as unknown as Arr;
      const rows = { data: Float64Array.from(s.data), shape: s.shape };
      rs.shuffle(rows);
      return rows;
    }
    case 'choice': {
      const pop = a[0] as number | number[];
      const p = (a[3] ?? undefined) as number[] | undefined;
      return rs.choice(pop, size(a[1]), (a[2] ?? true) as boolean, p);
    }
    case 'uint32': {
      const data = Float64Array.from({ length: num(a[0]) }, () => rs.nextUint32());
      return { data, shape: [data.length] };
    }
    default: throw new Error(`unknown fixture call ${fn}`);
  }
}

function same(got: Out, want: number | number[] | Arr, what: string): void {
  if (typeof want === 'number') {
    assert.type(got, 'number', what);
    assert.ok(Object.is(got, want), `${what}: got ${String(got)}, numpy ${want}`);
    return;
  }
  assert.is.not(typeof got, 'number', what);
  const g = got as Sampled<ArrayLike<number>> | ArrayLike<number>;
  const data = 'data' in g ? g.data : g;
  const wantData = Array.isArray(want) ? want : want.data;
  if (!Array.isArray(want) && 'shape' in g) assert.equal(g.shape, want.shape, `${what}: shape`);
  assert.is(data.length, wantData.length, `${what}: length`);
  for (let i = 0; i < wantData.length; i++)
    if (!Object.is(data[i], wantData[i])) assert.unreachable(`${what}[${i}]: got ${data[i]}, numpy ${wantData[i]}`);
}

function sha256(x: Out, kind: 'f8' | 'i4'): string {
  const data = (typeof x === 'number' ? [x] : 'data' in x ? x.data : x) as ArrayLike<number>;
  const typed = kind === 'f8' ? Float64Array.from(data) : Int32Array.from(data); // little-endian on x86/ARM hosts
  return createHash('sha256').update(new Uint8Array(typed.buffer)).digest('hex');
}

test('fixtures were made by numpy 1.24', () => {
  assert.ok(fx.numpy.startsWith('1.24'), `numpy ${fx.numpy}`);
});

for (const c of fx.cases)
  test(`numpy case: ${c.name}`, () => {
    const rs = new RandomState(c.seed);
    c.calls.forEach(([fn, args, want], i) => same(run(rs, fn, args), want, `${c.name} #${i} ${fn}(${JSON.stringify(args)})`));
  });

for (const s of fx.streams)
  test(`numpy stream: ${s.name} (sha256 of all draws)`, () => {
    const rs = new RandomState(s.seed);
    assert.is(sha256(run(rs, s.fn, s.args), s.kind), s.sha256);
    assert.ok(Object.is(rs.randomSample(), s.after), 'the next draw after the stream');
  });

test('numpy get_state / set_state, with a cached Gaussian', () => {
  const st = fx.state;
  const rs = new RandomState(st.seed);
  rs.randn(3);
  const got = rs.getState();
  assert.equal(Array.from(got.key), st.key);
  assert.is(got.pos, st.pos);
  assert.is(got.hasGauss, st.hasGauss);
  assert.ok(Object.is(got.gauss, st.gauss));
  const fresh = new RandomState(0);
  fresh.setState({ key: Uint32Array.from(st.key), pos: st.pos, hasGauss: st.hasGauss, gauss: st.gauss });
  same(fresh.randn(4), st.next, 'randn after set_state');
});

test("libmLog equals C's log (glibc, FMA build) where Math.log does not", () => {
  let mathLogDiffers = 0;
  for (const [x, want] of fx.log) {
    assert.ok(Object.is(libmLog(x), want), `log(${x}): got ${libmLog(x)}, C ${want}`);
    if (Math.log(x) !== want) mathLogDiffers++;
  }
  assert.ok(mathLogDiffers > 0, 'the fixture should hold inputs where Math.log differs');
  assert.is(libmLog(0), -Infinity);
  assert.ok(Number.isNaN(libmLog(-1)));
  assert.is(libmLog(Infinity), Infinity);
});

test('fma rounds once', () => {
  assert.is(fma(0.1, 10, -1), 5.551115123125783e-17);
  assert.is(fma(1 + 2 ** -52, 1 - 2 ** -52, -1), -(2 ** -104));
  assert.is(fma(2, 3, 4), 10);
});

test('weidman.md §1.4 numbers, as printed', () => {
  const r4 = (s: Sampled<Float64Array>): number[] => Array.from(s.data, (v) => Number(v.toFixed(4)));
  const rs = new RandomState(190203);
  assert.equal(r4(rs.randn(1, 3)), [0.4723, 0.6151, -1.7262]);
  assert.equal(r4(rs.randn(3, 1)), [0.9282, -0.6075, -1.2214]);
  rs.seed(190204);
  assert.equal(r4(rs.randn(3, 3)).slice(0, 3), [-1.5775, -0.6664, 0.6391]);
  rs.seed(20190501);
  assert.equal(Array.from(rs.permutation(10).data), [6, 8, 5, 3, 1, 9, 2, 7, 0, 4]);
  rs.seed(190220);
  assert.is(rs.randint(0, 5), 4);
  assert.is(rs.randint(0, 3), 0);
  rs.seed(7);
  assert.is(rs.binomial(1, 0.8, 20).data.join(''), '11110111111011101101');
  rs.seed(7);
  assert.equal(Array.from(rs.normal(0, 0.5, 3).data, (v) => Number(v.toFixed(6))), [0.845263, -0.232969, 0.01641]);
});

test('MT19937: the reference outputs for the default seed 5489', () => {
  const mt = new MT19937();
  assert.is(mt.nextUint32(), 3499211612);
  for (let i = 2; i < 10000; i++) mt.nextUint32();
  assert.is(mt.nextUint32(), 4123659995); // the C++ standard's check value for mt19937
});

test('RandomState: reseeding clears the cached Gaussian; numpyRandom is a RandomState', () => {
  const a = new RandomState(3);
  a.randn();
  a.seed(3);
  const b = new RandomState(3);
  assert.ok(Object.is(a.randn(), b.randn()));
  assert.ok(numpyRandom instanceof RandomState);
  numpyRandom.seed(190203);
  assert.is(Number((numpyRandom.randn() as number).toFixed(4)), 0.4723);
});

test('RandomState: permutation leaves its input alone; shuffle works in place', () => {
  const rs = new RandomState(1);
  const x = Int32Array.from([1, 2, 3, 4, 5]);
  const y = rs.permutation(x);
  assert.equal(Array.from(x), [1, 2, 3, 4, 5]);
  assert.equal(Array.from(y).sort(), [1, 2, 3, 4, 5]);
  assert.ok(y instanceof Int32Array);
  const rows = { data: Float32Array.from([0, 0, 1, 1, 2, 2]), shape: [3, 2] };
  rs.shuffle(rows);
  for (let i = 0; i < 3; i++) assert.is(rows.data[2 * i], rows.data[2 * i + 1]);
});

/** uvu calls a function `expects` as a predicate, so classes need wrapping. */
const isA = (cls: new (...a: never[]) => Error) => (e: unknown): boolean => e instanceof cls;

test('errors: bad seeds, bounds, probabilities and sizes', () => {
  const rs = new RandomState(0);
  for (const s of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => rs.seed(s), (e: unknown) => e instanceof RangeError && /seed/.test((e as Error).message));
  assert.throws(() => new RandomState(2 ** 32), isA(RangeError));
  assert.throws(() => rs.randint(5, 5), /low >= high/);
  assert.throws(() => rs.randint(0, 2 ** 32, 3), /Int32Array/);
  assert.throws(() => rs.binomial(1, 1.5), isA(RangeError));
  assert.throws(() => rs.binomial(-1, 0.5), isA(RangeError));
  assert.throws(() => rs.normal(0, -1), /scale/);
  assert.throws(() => rs.uniform(-Infinity, 0), isA(RangeError));
  assert.throws(() => rs.randn(2, -1), (e: unknown) => e instanceof ShapeError && /\[2,-1\]/.test((e as Error).message));
  assert.throws(() => rs.randomSample([1.5]), isA(ShapeError));
  assert.throws(() => rs.choice(3, 2, true, [0.5, 0.5]), isA(ShapeError));
  assert.throws(() => rs.choice(3, 4, false), isA(ShapeError));
  assert.throws(() => rs.choice(3, 2, true, [0.5, 0.6, -0.1]), /≥ 0/);
  assert.throws(() => rs.choice(3, 2, true, [0.5, 0.6, 0.1]), /sum to/);
  assert.throws(() => rs.choice(3, 3, false, [0.5, 0.5, 0]), /non-zero/);
  assert.throws(() => rs.shuffle({ data: new Float64Array(1), shape: [] }), isA(ShapeError));
  assert.throws(() => rs.setState({ ...rs.getState(), key: new Uint32Array(3) }), isA(RangeError));
  assert.throws(() => new Generator().manualSeed(0.5), isA(RangeError));
  assert.throws(() => new Generator(2 ** 53), isA(RangeError));
  assert.throws(() => fillNormal(new Float32Array(2), 0, -1), isA(RangeError));
  assert.throws(() => fillBernoulli(new Float32Array(2), 2), isA(RangeError));
  assert.throws(() => fillRandint(new Int32Array(0), 3, 3), isA(RangeError));
});

test('Generator: same seed, same stream; different seeds differ', () => {
  const draw = (g: Generator): number[] => [g.random(), g.normal(), g.randint(0, 1000), g.normal(), g.random(), g.normal()];
  assert.equal(draw(new Generator(42)), draw(new Generator(42)));
  assert.not.equal(draw(new Generator(42)), draw(new Generator(43)));
  const g = new Generator(7);
  const first = draw(g);
  assert.is(g.manualSeed(7), g);
  assert.equal(draw(g), first);
  assert.is(g.initialSeed(), 7);
});

test('Generator: low 32 bits seed the twister, as in PyTorch; draws follow RandomState', () => {
  assert.is(new Generator(-1).random(), new Generator(2 ** 32 - 1).random());
  assert.is(new Generator(-1).initialSeed(), -1);
  const rs = new RandomState(11), g = new Generator(11);
  assert.is(g.random(), rs.randomSample());
  assert.is(g.normal(), rs.randn());
  assert.is(g.randint(-3, 70000), rs.randint(-3, 70000));
  const seed = new Generator().initialSeed();
  assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'an unseeded generator takes a uint32 from crypto');
});

test('Generator: getState / setState restores the stream, cached Gaussian included', () => {
  const g = new Generator(5);
  g.normal(); // leaves the partner cached
  const saved = g.getState();
  const a = [g.normal(), g.random(), g.normal(), g.randint(0, 10)];
  g.random();
  g.setState(saved);
  assert.equal([g.normal(), g.random(), g.normal(), g.randint(0, 10)], a);
  saved.key[0] = 0; // the snapshot is a copy, not a view
  const h = new Generator(1).setState(g.getState());
  assert.is(h.random(), g.random());
  assert.is(h.initialSeed(), 5);
});

test('manualSeed reseeds the default generator; fill helpers use it', () => {
  assert.is(manualSeed(123), defaultGenerator);
  const u1 = fillUniform(new Float64Array(5), -2, 3);
  const n1 = fillNormal(new Float32Array(5), 1, 0.5);
  manualSeed(123);
  assert.equal(fillUniform(new Float64Array(5), -2, 3), u1);
  assert.equal(fillNormal(new Float32Array(5), 1, 0.5), n1);
  for (const v of u1) assert.ok(v >= -2 && v < 3);
  const rs = new RandomState(123);
  assert.equal(Array.from(u1), Array.from(rs.uniform(-2, 3, 5).data));
  assert.equal(Array.from(n1), Array.from(Float32Array.from(rs.normal(1, 0.5, 5).data)));
  const g = new Generator(9);
  assert.equal(Array.from(fillBernoulli(new Uint8Array(6), 0, g)), [0, 0, 0, 0, 0, 0]);
  assert.equal(Array.from(fillBernoulli(new Uint8Array(6), 1, g)), [1, 1, 1, 1, 1, 1]);
  const ints = fillRandint(new Int32Array(50), -4, 9, new Generator(3));
  assert.equal(Array.from(ints), Array.from(new RandomState(3).randint(-4, 9, 50).data));
});

test.run();
