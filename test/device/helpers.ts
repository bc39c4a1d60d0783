// Shared by the CUDA tensor suites: each suite runs only where cudaRuntime() answers (a GPU, or
// the emulated addon that test/kernels/cuda-device-emulate.test.ts builds) and otherwise skips
// with the runtime's reason. A running suite prints a marker line, so a runner can tell that the
// suites ran rather than skipped.
import { cudaRuntime, type CudaRuntime } from '@groundup/kernels';
import { Generator, rand, randn, tensor, type Tensor } from '@groundup/tensor';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { skip } from '../helpers/skip.ts';

/** The line each running suite prints: `device suite ran: <name> on <device>`. */
export const RAN_MARKER = 'device suite ran:';

const load = cudaRuntime();
/** The CUDA runtime, or null where there is none. */
export const runtime: CudaRuntime | null = load.ok ? load.runtime : null;
/** True on the CPU emulator (addon/emulate), where memory limits can be set by GROUNDUP_EMU_MEMORY_MB. */
export const emulated = runtime !== null && runtime.device.startsWith('CPU emulator');

/** A uvu suite; `body` registers its tests only where CUDA is available, else one skip says why. */
export function deviceSuite(name: string, body: (test: Test, rt: CudaRuntime) => void): void {
  const test = suite(name);
  if (!load.ok) skip(test, name, `no CUDA runtime: ${load.reason}`);
  else {
    body(test, load.runtime);
    test.after(() => console.log(`${RAN_MARKER} ${name} on ${load.runtime.device}`));
  }
  test.run();
}

/** uvu's message for a failed comparison names the first differing element. */
export function assertClose(got: Tensor, want: Tensor, what: string, rtol = 1e-6, atol = 1e-7): void {
  assert.equal([...got.shape], [...want.shape], `${what}: shape ${JSON.stringify(got.shape)} vs ${JSON.stringify(want.shape)}`);
  assert.is(got.dtype, want.dtype, `${what}: dtype`);
  const g = got.toFlatArray(), w = want.toFlatArray();
  for (let i = 0; i < w.length; i++) {
    const a = Number(g[i]), b = Number(w[i]);
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const ok = Math.abs(a - b) <= atol + rtol * Math.max(Math.abs(a), Math.abs(b));
    assert.ok(ok, `${what}: element ${i}: cuda ${a} vs cpu ${b} (|diff| ${Math.abs(a - b)})`);
  }
}

// ---------------------------------------------------------------- inputs in each record's domain
const gen = new Generator(20250101);
const f = { dtype: 'float64' as const, generator: gen };
const R = (s: number[], scale = 1): Tensor => randn(s, f).mul(scale).float();
const U = (s: number[], lo: number, hi: number): Tensor => rand(s, f).mul(hi - lo).add(lo).float();
const sign = (s: number[]): Tensor => rand(s, f).lt(0.5).double().mul(2).sub(1);
/** Magnitudes in [lo, hi) with random signs. */
const away = (s: number[], lo: number, hi: number): Tensor => rand(s, f).mul(hi - lo).add(lo).mul(sign(s)).float();
/** Values off the integers (floor, ceil, round, sign have zero or no gradient there). */
const offInt = (s: number[]): Tensor => randn(s, f).mul(3).floor().add(rand(s, f).mul(0.2).add(0.2)).float();
/** Some exact zeros and repeated values, so comparisons and logical ops see ties. */
const ties = (s: number[]): Tensor => randn(s, f).mul(2).round().float();
/** A few NaN and ±Infinity among normal values. */
const special = (s: number[]): Tensor =>
  tensor(R(s).toFlatArray().map((v, i) => (i % 5 === 1 ? NaN : i % 7 === 2 ? Infinity : i % 7 === 4 ? -Infinity : v)) as number[]).reshape(s);

/** float32 inputs in each built-in record's domain (gradients exist and are smooth there), and its parameters. */
export const domains: Record<string, { inputs: (s: number[]) => Tensor[]; params?: number[] }> = {
  add: { inputs: (s) => [R(s), R(s)], params: [-2.5] }, sub: { inputs: (s) => [R(s), R(s)], params: [0.5] },
  mul: { inputs: (s) => [R(s), R(s)] }, div: { inputs: (s) => [R(s), away(s, 0.5, 2)] },
  pow: { inputs: (s) => [U(s, 0.5, 2), R(s)] }, maximum: { inputs: (s) => [R(s), R(s).add(0.0123)] },
  minimum: { inputs: (s) => [R(s), R(s).add(0.0123)] }, remainder: { inputs: (s) => [away(s, 0.1, 3), away(s, 1, 2)] },
  addcmul: { inputs: (s) => [R(s), R(s), R(s)], params: [0.7] }, addcdiv: { inputs: (s) => [R(s), R(s), away(s, 0.5, 2)], params: [-1.5] },
  addcdivSqrt: { inputs: (s) => [R(s), R(s), U(s, 0.5, 2)], params: [-0.7, 0.6, 0.1] },
  where: { inputs: (s) => [rand(s, f).lt(0.5), R(s), R(s)] },
  lt: { inputs: (s) => [ties(s), ties(s)] }, le: { inputs: (s) => [ties(s), ties(s)] }, gt: { inputs: (s) => [ties(s), ties(s)] },
  ge: { inputs: (s) => [ties(s), ties(s)] }, eq: { inputs: (s) => [ties(s), ties(s)] }, ne: { inputs: (s) => [ties(s), ties(s)] },
  logicalAnd: { inputs: (s) => [ties(s), ties(s)] }, logicalOr: { inputs: (s) => [ties(s), ties(s)] },
  logicalXor: { inputs: (s) => [ties(s), ties(s)] }, logicalNot: { inputs: (s) => [ties(s)] },
  isnan: { inputs: (s) => [special(s)] }, isinf: { inputs: (s) => [special(s)] }, isfinite: { inputs: (s) => [special(s)] },
  neg: { inputs: (s) => [R(s)] }, abs: { inputs: (s) => [away(s, 0.2, 2)] }, sqrt: { inputs: (s) => [U(s, 0.5, 2)] },
  rsqrt: { inputs: (s) => [U(s, 0.5, 2)] }, exp: { inputs: (s) => [R(s)] }, log: { inputs: (s) => [U(s, 0.5, 2)] },
  log1p: { inputs: (s) => [U(s, -0.5, 2)] }, expm1: { inputs: (s) => [R(s)] }, sin: { inputs: (s) => [R(s, 3)] }, cos: { inputs: (s) => [R(s, 3)] },
  sigmoid: { inputs: (s) => [R(s, 2)] }, tanh: { inputs: (s) => [R(s)] }, relu: { inputs: (s) => [away(s, 0.1, 2)] },
  square: { inputs: (s) => [R(s)] }, reciprocal: { inputs: (s) => [away(s, 0.5, 2)] },
  sign: { inputs: (s) => [away(s, 0.1, 2)] }, floor: { inputs: (s) => [offInt(s)] }, ceil: { inputs: (s) => [offInt(s)] },
  round: { inputs: (s) => [offInt(s)] }, clamp: { inputs: (s) => [R(s).add(R(s).sign().mul(0.05))], params: [-0.5, 0.6] },
  softplus: { inputs: (s) => [R(s, 3)], params: [1.5, 2] },
  leakyRelu: { inputs: (s) => [away(s, 0.1, 2)], params: [0.2] }, gelu: { inputs: (s) => [R(s, 2)], params: [0] },
  silu: { inputs: (s) => [R(s, 3)] },
  bceElementwise: { inputs: (s) => [U(s, 0.1, 0.9), U(s, 0, 1)] },
};
