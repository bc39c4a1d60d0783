// The seeded generator behind tensor creation (rand, randn, randint, normal_, uniform_,
// bernoulli_), shaped like torch.Generator. It runs on an MT19937 as PyTorch's CPU generator
// does, but draws with numpy's legacy algorithms (53-bit doubles, polar Gaussians, masked
// rejection), so its streams are repeatable, not equal to torch's.
import { RandomState, cryptoSeed, type LegacyState } from './random-state.ts';

/** A snapshot from getState(): the twister, the cached Gaussian and the seed it started from. */
export interface GeneratorState extends LegacyState {
  seed: number;
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`manualSeed: seed must be a safe integer (|seed| < 2^53), got ${seed}`);
  return seed;
}

export class Generator {
  private readonly rs: RandomState;
  private seed: number;

  /** Without a seed, fresh entropy from crypto (PyTorch's default generator is nondeterministic too). */
  constructor(seed?: number) {
    this.seed = checkSeed(seed ?? cryptoSeed());
    this.rs = new RandomState(this.seed >>> 0);
  }

  /**
   * Reseeds and returns this, like torch.Generator.manual_seed. Any safe integer is accepted;
   * as in PyTorch's mt19937, only its low 32 bits (two's complement) seed the twister.
   */
  manualSeed(seed: number): this {
    this.seed = checkSeed(seed);
    this.rs.seed(seed >>> 0);
    return this;
  }

  /** The seed given to the constructor or the last manualSeed. */
  initialSeed(): number {
    return this.seed;
  }

  /** A double in [0, 1) with 53 random bits. */
  random(): number {
    return this.rs.nextDouble();
  }

  /** A standard normal (polar method; every second call returns the cached partner). */
  normal(): number {
    return this.rs.gauss();
  }

  /** An integer in [low, high) by masked rejection; low < high, both safe integers. */
  randint(low: number, high: number): number {
    return this.rs.randint(low, high);
  }

  /** One raw 32-bit word. */
  nextUint32(): number {
    return this.rs.nextUint32();
  }

  getState(): GeneratorState {
    return { ...this.rs.getState(), seed: this.seed };
  }

  setState(state: GeneratorState): this {
    const seed = checkSeed(state.seed);
    this.rs.setState(state);
    this.seed = seed;
    return this;
  }
}

/** The generator used when none is passed. Seeded from crypto at startup until manualSeed. */
export const defaultGenerator = new Generator();

/** torch.manual_seed: reseeds the default generator and returns it. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

type FloatArray = Float32Array | Float64Array;

/** uniform_(low, high): low + (high − low)·u in place. Float32 storage rounds each value. */
export function fillUniform<T extends FloatArray>(arr: T, low = 0, high = 1, gen: Generator = defaultGenerator): T {
  const range = high - low;
  if (!Number.isFinite(range)) throw new RangeError(`fillUniform: range high − low must be finite, got ${low}..${high}`);
  for (let i = 0; i < arr.length; i++) arr[i] = low + range * gen.random();
  return arr;
}

/** normal_(mean, std): mean + std·z in place. */
export function fillNormal<T extends FloatArray>(arr: T, mean = 0, std = 1, gen: Generator = defaultGenerator): T {
  if (!(std >= 0)) throw new RangeError(`fillNormal: std must be ≥ 0, got ${std}`);
  for (let i = 0; i < arr.length; i++) arr[i] = mean + std * gen.normal();
  return arr;
}

/** bernoulli_(p): 1 where u < p, else 0, one draw per element. */
export function fillBernoulli<T extends FloatArray | Int32Array | Uint8Array>(arr: T, p = 0.5, gen: Generator = defaultGenerator): T {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`fillBernoulli: p must lie in [0, 1], got ${p}`);
  for (let i = 0; i < arr.length; i++) arr[i] = gen.random() < p ? 1 : 0;
  return arr;
}

/** randint(low, high): integers in [low, high) in place. */
export function fillRandint<T extends FloatArray | Int32Array>(arr: T, low: number, high: number, gen: Generator = defaultGenerator): T {
  if (arr instanceof Int32Array && (low < -2147483648 || high - 1 > 2147483647))
    throw new RangeError(`fillRandint: [${low}, ${high}) does not fit an Int32Array`);
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low >= high)
    throw new RangeError(`fillRandint: need safe integers low < high, got ${low}, ${high}`);
  for (let i = 0; i < arr.length; i++) arr[i] = gen.randint(low, high);
  return arr;
}
