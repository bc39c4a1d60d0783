// pnpm test:cuda — the GPU self-test: CUDA GEMM and conv2d against the CPU (native, else js)
// over many shapes, transposes, batches and strides; then CUDA tensors (cuda-device-check.ts). Without a usable device it prints
// "skipped: no CUDA device (reason)" and exits 0.
import { deviceCheck } from './cuda-device-check.ts';
import { availability, conv2dGeometry, findBackend, ShapeError, type Backend, type GemmArgs } from '@groundup/kernels';

const av = availability('cuda');
if (!av.ok) {
  console.log(`skipped: ${av.reason.startsWith('no CUDA device') ? av.reason : `no CUDA device (${av.reason})`}`);
  process.exit(0);
}
const cuda = findBackend('cuda')!;
const cpu: Backend = findBackend('native')?.available().ok ? findBackend('native')! : findBackend('js')!;
console.log(`cuda self-test on ${cuda.describe()}, checked against ${cpu.name}`);

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const filled = (n: number) => Float32Array.from({ length: n }, rand);
let passed = 0;
const failures: string[] = [];

/** Relative error in the max norm, scaled by sqrt(k) for the length of the sums. */
function compare(label: string, got: Float32Array, want: Float32Array, k: number): void {
  let worst = 0, scale = 1e-30;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= worst)) worst = d; // NaN counts as a failure
  }
  const ok = worst <= 2e-6 * Math.sqrt(k + 1) * scale * 8;
  if (ok) passed++;
  else failures.push(`${label}: max |diff| ${worst} (scale ${scale})`);
}

function gemmCase(m: number, n: number, k: number, transA: boolean, transB: boolean, batch: number, pad: number, beta: 0 | 1, shareA: boolean, sumC: boolean): void {
  const [ra, ca] = transA ? [k, m] : [m, k], [rb, cb] = transB ? [n, k] : [k, n];
  const lda = ca + pad, ldb = cb + pad, ldc = n + pad;
  const strideA = shareA ? 0 : ra * lda + 1, strideB = rb * ldb + 3, strideC = sumC ? 0 : m * ldc + 2;
  const off = pad;
  const a = filled(off + ra * lda + (batch - 1) * strideA), b = filled(off + rb * ldb + (batch - 1) * strideB);
  const c0 = filled(off + m * ldc + (batch - 1) * strideC);
  const args = (c: Float32Array): GemmArgs<Float32Array> => ({
    transA, transB, m, n, k, alpha: 0.75, beta, a, aOffset: off, lda, strideA, b, bOffset: off, ldb, strideB, c, cOffset: off, ldc, strideC, batch,
  });
  const got = c0.slice(), want = c0.slice();
  cuda.kernels.gemm!(args(got));
  cpu.kernels.gemm!(args(want));
  compare(`gemm ${m}×${n}×${k} tA=${transA} tB=${transB} batch=${batch} pad=${pad} beta=${beta}${shareA ? ' shared A' : ''}${sumC ? ' summed C' : ''}`, got, want, k * (sumC ? batch : 1));
}

const dims = [1, 3, 8, 31, 127, 128, 129, 200];
for (const m of dims)
  for (const n of dims)
    for (const k of [1, 7, 128, 257]) gemmCase(m, n, k, (m + k) % 2 === 0, (n + k) % 3 === 0, 1, 0, 0, false, false);
for (const transA of [false, true])
  for (const transB of [false, true]) {
    gemmCase(65, 130, 33, transA, transB, 3, 2, 1, false, false);
    gemmCase(17, 9, 300, transA, transB, 5, 1, 0, true, false);
    gemmCase(20, 40, 10, transA, transB, 4, 0, 1, false, true);
    gemmCase(300, 257, 513, transA, transB, 1, 3, 1, false, false);
    gemmCase(12, 12, 0, transA, transB, 2, 0, 1, false, false);
  }

const convCases: [number[], number[], { stride?: number | [number, number]; padding?: number | [number, number] }][] = [
  [[2, 3, 7, 7], [4, 3, 3, 3], {}],
  [[64, 1, 28, 28], [4, 1, 3, 3], { stride: 2, padding: 1 }],
  [[64, 4, 14, 14], [8, 4, 3, 3], { stride: 2, padding: 1 }],
  [[64, 32, 2, 2], [2, 32, 3, 3], { stride: 2, padding: 1 }],
  [[3, 8, 9, 11], [5, 8, 1, 1], {}],
  [[4, 3, 10, 6], [6, 3, 2, 5], { stride: [1, 2], padding: [0, 2] }],
  [[3, 2, 5, 5], [3, 2, 5, 5], { padding: 3 }],
  [[8, 64, 28, 28], [64, 64, 3, 3], { padding: 1 }],
];
for (const [input, weight, opts] of convCases) {
  const g = conv2dGeometry(input, weight, opts);
  const label = `conv [${input}] * [${weight}] ${JSON.stringify(opts)}`;
  const x = filled(g.n * g.c * g.h * g.w), w = filled(g.o * g.c * g.kh * g.kw), bias = filled(g.o), gy = filled(g.n * g.o * g.outH * g.outW);
  const K = g.c * g.kh * g.kw;
  const pair = (len: number) => [new Float32Array(len).fill(NaN), new Float32Array(len)] as const;
  const [y, yRef] = pair(gy.length);
  cuda.kernels.conv2dForward!(g, x, w, bias, y);
  cpu.kernels.conv2dForward!(g, x, w, bias, yRef);
  compare(`${label} forward`, y, yRef, K);
  const [gx, gxRef] = pair(x.length);
  cuda.kernels.conv2dBackwardData!(g, gy, w, gx);
  cpu.kernels.conv2dBackwardData!(g, gy, w, gxRef);
  compare(`${label} backward-data`, gx, gxRef, g.o * g.kh * g.kw);
  const [gw, gwRef] = pair(w.length);
  cuda.kernels.conv2dBackwardWeight!(g, x, gy, gw);
  cpu.kernels.conv2dBackwardWeight!(g, x, gy, gwRef);
  compare(`${label} backward-weight`, gw, gwRef, g.n * g.outH * g.outW);
}

// Argument checks happen before anything reaches the device.
try {
  cuda.kernels.gemm!({ transA: false, transB: false, m: 4, n: 4, k: 4, alpha: 1, beta: 0, a: new Float32Array(3), aOffset: 0, lda: 4, strideA: 0, b: new Float32Array(16), bOffset: 0, ldb: 4, strideB: 0, c: new Float32Array(16), cOffset: 0, ldc: 4, strideC: 0, batch: 1 });
  failures.push('a short operand was not rejected');
} catch (e) {
  if (e instanceof ShapeError) passed++;
  else failures.push(`a short operand threw ${(e as Error).name}: ${(e as Error).message}`);
}

// Throughput, for information (includes the host↔device copies).
for (const n of [1024, 2048]) {
  const a = filled(n * n), b = filled(n * n), c = new Float32Array(n * n);
  const p: GemmArgs<Float32Array> = { transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a, aOffset: 0, lda: n, strideA: 0, b, bOffset: 0, ldb: n, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, batch: 1 };
  cuda.kernels.gemm!(p);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    cuda.kernels.gemm!(p);
    best = Math.min(best, performance.now() - t);
  }
  console.log(`gemm ${n}³: ${(2 * n ** 3 / best / 1e6).toFixed(1)} GFLOP/s with copies (${best.toFixed(2)} ms)`);
}

// CUDA tensors: a training run and the memory check with everything on the device.
const dev = await deviceCheck();
passed += dev.passed;
failures.push(...dev.failures);

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`cuda self-test: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
