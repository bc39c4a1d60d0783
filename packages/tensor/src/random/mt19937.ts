// MT19937, the Mersenne Twister behind numpy's legacy RandomState and PyTorch's CPU generator.
// Only init_genrand seeding is implemented: it is what `np.random.seed(int)` and
// `torch.manual_seed` use. numpy's init_by_array (array seeds) is left out on purpose.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** A snapshot of the twister: the 624-word key and the read position (624 = twist before next read). */
export interface MT19937State {
  key: Uint32Array;
  pos: number;
}

export class MT19937 {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** `seed` must be an integer in [0, 2^32); callers validate and name the error. */
  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** init_genrand: mt[i] = 1812433253 · (mt[i−1] ^ (mt[i−1] >>> 30)) + i  (mod 2^32). */
  seed(seed: number): void {
    const k = this.key;
    k[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = k[i - 1]!;
      // Math.imul keeps the product exact mod 2^32; a float multiply would lose low bits.
      k[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** The next tempered 32-bit output, as a non-negative number in [0, 2^32). */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's 53-bit double in [0, 1): (a·2^26 + b) / 2^53 with a = u32 >>> 5, b = u32 >>> 6. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  getState(): MT19937State {
    return { key: this.key.slice(), pos: this.pos };
  }

  setState(state: MT19937State): void {
    if (state.key.length !== N) throw new RangeError(`MT19937 state needs ${N} key words, got ${state.key.length}`);
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > N)
      throw new RangeError(`MT19937 state position must be an integer in [0, ${N}], got ${state.pos}`);
    this.key.set(state.key);
    this.pos = state.pos;
  }

  private twist(): void {
    const k = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (k[i]! & UPPER_MASK) | (k[i + 1]! & LOWER_MASK);
      k[i] = k[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (k[i]! & UPPER_MASK) | (k[i + 1]! & LOWER_MASK);
      k[i] = k[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (k[N - 1]! & UPPER_MASK) | (k[0]! & LOWER_MASK);
    k[N - 1] = k[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}
