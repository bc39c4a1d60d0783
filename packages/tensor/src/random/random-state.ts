// numpy's legacy RandomState (np.random.seed / rand / randn / permutation / ...), bit for bit.
// Weidman's chapters seed numpy's global RNG everywhere; reproducing his printed digits needs
// the exact draw order of numpy 1.24's legacy algorithms (see book/weidman.md §1.4).
//
// Results: with `size` omitted a method returns a plain number (numpy's scalar); with a size it
// returns `{ data, shape }`, data in C order: Float64Array for doubles, Int32Array for integers.
import { ShapeError } from '@groundup/kernels';
import { MT19937, type MT19937State } from './mt19937.ts';
import { binomialDraw, type BinomialParams, binomialParams } from './binomial.ts';
import { libmLog } from './libm-log.ts';

/** A flat C-order array with its shape: what the tensor layer wraps into a Tensor. */
export interface Sampled<T> {
  data: T;
  shape: number[];
}
/** numpy's `size`: a length or a shape. */
export type Size = number | readonly number[];
/** Arrays that shuffle and permutation accept. */
export type NumericArray = number[] | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array
  | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

/** numpy's get_state(): the twister plus the cached second Gaussian. */
export interface LegacyState extends MT19937State {
  hasGauss: boolean;
  gauss: number;
}

const TWO32 = 4294967296;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function shapeOf(size: Size, op: string): number[] {
  const shape = typeof size === 'number' ? [size] : [...size];
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`${op}: size must hold non-negative integers, got [${shape.join(',')}]`);
  return shape;
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO32)
    throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
  return seed;
}

/** One uint32 of OS entropy, for unseeded generators. */
export function cryptoSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = false;
  private gaussCache = 0;

  /** Like numpy, an omitted seed takes fresh entropy (here one crypto word via init_genrand). */
  constructor(seed?: number) {
    this.seed(seed ?? cryptoSeed());
  }

  /** np.random.seed(s) for an integer 0 ≤ s < 2^32. Clears the cached Gaussian. */
  seed(seed: number): void {
    this.mt.seed(checkSeed(seed));
    this.hasGauss = false;
    this.gaussCache = 0;
  }

  getState(): LegacyState {
    return { ...this.mt.getState(), hasGauss: this.hasGauss, gauss: this.gaussCache };
  }

  setState(state: LegacyState): void {
    this.mt.setState(state);
    this.hasGauss = state.hasGauss;
    this.gaussCache = state.hasGauss ? state.gauss : 0;
  }

  /** One raw tempered 32-bit word. */
  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** One 53-bit double in [0, 1). */
  nextDouble(): number {
    return this.mt.nextDouble();
  }

  /** legacy_gauss: polar Box-Muller; returns f·x2 and keeps f·x1 for the next call. */
  gauss(): number {
    if (this.hasGauss) {
      const g = this.gaussCache;
      this.hasGauss = false;
      this.gaussCache = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.mt.nextDouble() - 1;
      x2 = 2 * this.mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * libmLog(r2) / r2); // glibc's log, not Math.log: see libm-log.ts
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * numpy's masked rejection on [0, max], max ≤ 2^53 − 1: draw words & mask until ≤ max.
   * Ranges over 32 bits draw a 64-bit word, high half first (mt19937_next64).
   */
  bounded(max: number): number {
    if (max === 0) return 0;
    if (max < TWO32) {
      let mask = max;
      mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
      let v: number;
      do v = (this.mt.nextUint32() & mask) >>> 0; while (v > max);
      return v;
    }
    let maskHi = Math.floor(max / TWO32); // < 2^21, so 32-bit ops are exact
    maskHi |= maskHi >>> 1; maskHi |= maskHi >>> 2; maskHi |= maskHi >>> 4; maskHi |= maskHi >>> 8; maskHi |= maskHi >>> 16;
    let v: number;
    do {
      const hi = this.mt.nextUint32() & maskHi;
      v = hi * TWO32 + this.mt.nextUint32();
    } while (v > max);
    return v;
  }

  /** random_sample / random: doubles in [0, 1). */
  randomSample(): number;
  randomSample(size: Size): Sampled<Float64Array>;
  randomSample(size?: Size): number | Sampled<Float64Array>;
  randomSample(size?: Size): number | Sampled<Float64Array> {
    return this.fill(size, 'randomSample', () => this.mt.nextDouble());
  }

  /** rand(d0, d1, ...): randomSample with the shape spelled out; rand() is one number. */
  rand(): number;
  rand(...shape: [number, ...number[]]): Sampled<Float64Array>;
  rand(...shape: number[]): number | Sampled<Float64Array>;
  rand(...shape: number[]): number | Sampled<Float64Array> {
    return this.randomSample(shape.length ? shape : undefined);
  }

  /** randn(d0, d1, ...): standard normals in C order; randn() is one number. */
  randn(): number;
  randn(...shape: [number, ...number[]]): Sampled<Float64Array>;
  randn(...shape: number[]): number | Sampled<Float64Array>;
  randn(...shape: number[]): number | Sampled<Float64Array> {
    return this.standardNormal(shape.length ? shape : undefined);
  }

  standardNormal(): number;
  standardNormal(size: Size): Sampled<Float64Array>;
  standardNormal(size?: Size): number | Sampled<Float64Array>;
  standardNormal(size?: Size): number | Sampled<Float64Array> {
    return this.fill(size, 'standardNormal', () => this.gauss());
  }

  /** normal(loc, scale): loc + scale·gauss. scale < 0 throws. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): Sampled<Float64Array>;
  normal(loc?: number, scale?: number, size?: Size): number | Sampled<Float64Array>;
  normal(loc = 0, scale = 1, size?: Size): number | Sampled<Float64Array> {
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be ≥ 0, got ${scale}`);
    return this.fill(size, 'normal', () => loc + scale * this.gauss());
  }

  /** uniform(low, high): low + (high − low)·u, one double per draw (high < low is allowed, as in numpy). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): Sampled<Float64Array>;
  uniform(low?: number, high?: number, size?: Size): number | Sampled<Float64Array>;
  uniform(low = 0, high = 1, size?: Size): number | Sampled<Float64Array> {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError(`uniform: range high − low must be finite, got ${low}..${high}`);
    return this.fill(size, 'uniform', () => low + range * this.mt.nextDouble());
  }

  /**
   * randint(low, high): integers in [low, high) by masked rejection (numpy's legacy int64 path).
   * randint(n) means [0, n). A scalar accepts any safe-integer range; an array result is an
   * Int32Array, so its bounds must fit int32.
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: Size): Sampled<Int32Array>;
  randint(low: number, high?: number, size?: Size): number | Sampled<Int32Array>;
  randint(low: number, high?: number, size?: Size): number | Sampled<Int32Array> {
    if (high === undefined) [low, high] = [0, low];
    if (!Number.isInteger(low) || !Number.isInteger(high) || Math.abs(low) > 2 ** 53 || Math.abs(high) > 2 ** 53)
      throw new RangeError(`randint: low and high must be integers within ±2^53, got ${low}, ${high}`);
    if (low >= high) throw new RangeError(`randint: low >= high (${low} >= ${high})`);
    const max = high - 1 - low;
    if (!Number.isSafeInteger(max)) throw new RangeError(`randint: range ${low}..${high} exceeds 2^53`);
    if (size === undefined) return low + this.bounded(max);
    if (low < INT32_MIN || high - 1 > INT32_MAX)
      throw new RangeError(`randint: an array result is Int32Array, so [${low}, ${high}) must lie within int32; draw scalars for wider ranges`);
    const shape = shapeOf(size, 'randint');
    const data = new Int32Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = low + this.bounded(max);
    return { data, shape };
  }

  /** binomial(n, p): legacy inversion (n·min(p,1−p) ≤ 30) or BTPE. Every draw consumes uniforms, even p = 0. */
  binomial(n: number, p: number): number;
  binomial(n: number, p: number, size: Size): Sampled<Int32Array>;
  binomial(n: number, p: number, size?: Size): number | Sampled<Int32Array>;
  binomial(n: number, p: number, size?: Size): number | Sampled<Int32Array> {
    if (!Number.isInteger(n) || n < 0 || n > INT32_MAX) throw new RangeError(`binomial: n must be an integer in [0, 2^31), got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must lie in [0, 1], got ${p}`);
    const params: BinomialParams = binomialParams(n, p);
    const next = (): number => this.mt.nextDouble();
    if (size === undefined) return binomialDraw(params, next);
    const shape = shapeOf(size, 'binomial');
    const data = new Int32Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = binomialDraw(params, next);
    return { data, shape };
  }

  /** permutation(n) = shuffled arange(n); permutation(x) = a shuffled copy (rows, for `{data, shape}`). */
  permutation(n: number): Sampled<Int32Array>;
  permutation<T extends NumericArray>(x: T): T;
  permutation<T extends NumericArray>(x: Sampled<T>): Sampled<T>;
  permutation<T extends NumericArray>(x: number | T | Sampled<T>): Sampled<Int32Array> | T | Sampled<T> {
    if (typeof x === 'number') {
      if (!Number.isInteger(x) || x > INT32_MAX) throw new RangeError(`permutation: n must be an integer below 2^31, got ${x}`);
      const data = new Int32Array(Math.max(x, 0));
      for (let i = 0; i < data.length; i++) data[i] = i;
      this.shuffle(data);
      return { data, shape: [data.length] };
    }
    if (isSampled(x)) {
      const copy = { data: x.data.slice() as T, shape: [...x.shape] };
      this.shuffle(copy);
      return copy;
    }
    const copy = x.slice() as T;
    this.shuffle(copy);
    return copy;
  }

  /** shuffle(x) in place along the first axis: Fisher-Yates from the end, j = bounded(i). */
  shuffle(x: NumericArray | Sampled<NumericArray>): void {
    const data = isSampled(x) ? x.data : x;
    const shape = isSampled(x) ? x.shape : [x.length];
    if (shape.length === 0) throw new ShapeError('shuffle: cannot shuffle a 0-d array; give at least one axis');
    const n = shape[0]!;
    const row = n === 0 ? 0 : data.length / n;
    if (!Number.isInteger(row)) throw new ShapeError(`shuffle: data length ${data.length} does not fit shape [${shape.join(',')}]`);
    for (let i = n - 1; i > 0; i--) {
      const j = this.bounded(i);
      if (i === j) continue;
      for (let k = 0; k < row; k++) {
        const t = data[i * row + k]!;
        data[i * row + k] = data[j * row + k]!;
        data[j * row + k] = t;
      }
    }
  }

  /**
   * choice(a, size?, replace = true, p?): a is a population size (returns indices, Int32Array)
   * or a 1-D array (returns its elements, Float64Array). With p: the first index whose
   * normalised cumsum exceeds a uniform draw. Without p: randint, or permutation()[:size]
   * when replace is false.
   */
  choice(a: number | ArrayLike<number>, size?: undefined, replace?: boolean, p?: ArrayLike<number> | null): number;
  choice(a: number, size: Size, replace?: boolean, p?: ArrayLike<number> | null): Sampled<Int32Array>;
  choice(a: ArrayLike<number>, size: Size, replace?: boolean, p?: ArrayLike<number> | null): Sampled<Float64Array>;
  choice(a: number | ArrayLike<number>, size?: Size, replace?: boolean, p?: ArrayLike<number> | null): number | Sampled<Int32Array> | Sampled<Float64Array>;
  choice(a: number | ArrayLike<number>, size?: Size, replace = true, p?: ArrayLike<number> | null): number | Sampled<Int32Array> | Sampled<Float64Array> {
    const pop = typeof a === 'number' ? a : a.length;
    if (!Number.isInteger(pop) || pop > INT32_MAX) throw new RangeError(`choice: population must be an integer below 2^31, got ${pop}`);
    const shape = size === undefined ? [] : shapeOf(size, 'choice');
    const k = count(shape);
    if (pop <= 0 && k !== 0) throw new RangeError(`choice: population must be > 0 unless no samples are taken, got ${pop}`);
    const idx = new Int32Array(k);
    if (p != null) {
      if (p.length !== pop) throw new ShapeError(`choice: p has ${p.length} entries but the population has ${pop}`);
      let sum = 0;
      for (let i = 0; i < pop; i++) {
        if (Number.isNaN(p[i])) throw new RangeError('choice: probabilities contain NaN');
        if (p[i]! < 0) throw new RangeError(`choice: probabilities must be ≥ 0, got p[${i}] = ${p[i]}`);
        sum += p[i]!;
      }
      if (Math.abs(sum - 1) > Math.sqrt(2 ** -52)) throw new RangeError(`choice: probabilities sum to ${sum}, not 1`);
    }
    if (replace) {
      if (p != null) {
        const cdf = cumulative(p);
        for (let i = 0; i < k; i++) idx[i] = searchRight(cdf, this.mt.nextDouble());
      } else {
        for (let i = 0; i < k; i++) idx[i] = this.bounded(pop - 1);
      }
    } else {
      if (k > pop) throw new ShapeError(`choice: cannot take ${k} samples from ${pop} without replacement`);
      if (p != null) this.choiceNoReplace(p, idx);
      else idx.set(this.permutation(pop).data.subarray(0, k));
    }
    if (typeof a === 'number') return size === undefined ? idx[0]! : { data: idx, shape };
    const out = Float64Array.from(idx, (i) => a[i]!);
    return size === undefined ? out[0]! : { data: out, shape };
  }

  /** numpy's loop: draw the missing count, zero p at found indices, keep first hits of new values. */
  private choiceNoReplace(p: ArrayLike<number>, found: Int32Array): void {
    const q = Float64Array.from(p);
    let nonzero = 0;
    for (let i = 0; i < q.length; i++) if (q[i]! > 0) nonzero++;
    if (nonzero < found.length) throw new RangeError(`choice: only ${nonzero} non-zero entries in p, fewer than ${found.length}`);
    let n = 0;
    while (n < found.length) {
      const x = Float64Array.from({ length: found.length - n }, () => this.mt.nextDouble());
      for (let i = 0; i < n; i++) q[found[i]!] = 0;
      const cdf = cumulative(q);
      const seen = new Set<number>();
      for (const u of x) {
        const j = searchRight(cdf, u);
        if (!seen.has(j)) { seen.add(j); found[n++] = j; }
      }
    }
  }

  private fill(size: Size | undefined, op: string, draw: () => number): number | Sampled<Float64Array> {
    if (size === undefined) return draw();
    const shape = shapeOf(size, op);
    const data = new Float64Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = draw();
    return { data, shape };
  }
}

function isSampled<T>(x: object): x is Sampled<T> {
  return 'data' in x && 'shape' in x;
}

/** cumsum(p) / cumsum(p)[-1], added left to right as numpy's cumsum does. */
function cumulative(p: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = s += p[i]!;
  const last = cdf[cdf.length - 1]!;
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** searchsorted(cdf, u, side='right'): the first index with cdf[i] > u. */
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
