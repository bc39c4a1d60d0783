// The GEMM suite at the kernel level: kernel('gemm') of each groundup backend against the peers.
import type { GemmArgs } from '@groundup/kernels';
import { randomArray } from '../lib/data.ts';
import type { Prepared } from '../lib/measure.ts';
import type { BenchCase, GemmCase } from '../lib/types.ts';
import { onnxImpls } from '../peers/onnx.ts';
import { openblasPeer } from '../peers/openblas.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { backendKernel, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';

/** Operands of a GEMM case, stored as the case says (A k×m when transA, B n×k when transB). */
export function gemmOperands(c: GemmCase): { a: Float32Array; b: Float32Array } {
  return { a: randomArray(c.m * c.k, 1), b: randomArray(c.k * c.n, 2) };
}

/** Checks a few entries of C against dot products computed here; returns what is wrong, or null. */
export function checkGemm(c: GemmCase, a: Float32Array, b: Float32Array, out: Float32Array): string | null {
  for (let t = 0; t < 8; t++) {
    const i = (t * 7919) % c.m, j = (t * 104729) % c.n;
    let s = 0;
    for (let q = 0; q < c.k; q++) s += a[c.transA ? q * c.m + i : i * c.k + q]! * b[c.transB ? j * c.k + q : q * c.n + j]!;
    const got = out[i * c.n + j]!;
    if (!(Math.abs(got - s) <= 1e-3 * (Math.sqrt(c.k) + Math.abs(s)))) return `C[${i},${j}] = ${got}, expected ${s.toFixed(4)}`;
  }
  return null;
}

function prepareGemm(bk: GroundupBackend, c: BenchCase): Prepared | null {
  if (c.kind !== 'gemm') return null;
  const { fn, note } = backendKernel(bk.name, 'gemm');
  const { a, b } = gemmOperands(c);
  const out = new Float32Array(c.m * c.n);
  const args: GemmArgs = {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1, beta: 0,
    a, aOffset: 0, lda: c.transA ? c.m : c.k, strideA: 0,
    b, bOffset: 0, ldb: c.transB ? c.k : c.n, strideB: 0,
    c: out, cOffset: 0, ldc: c.n, strideC: 0, batch: 1,
  };
  const runner: Prepared = { run: () => fn(args), threads: bk.threads, check: () => checkGemm(c, a, b, out) };
  if (note) runner.note = note;
  return runner;
}

export const gemmSuite: SuiteDef = {
  name: 'gemm',
  inProcess: async () => [
    ...groundupImpls(prepareGemm, (c) => c.kind === 'gemm'),
    ...tfjsImpls(),
    ...onnxImpls(),
  ],
  external: [torchPeer, openblasPeer],
};
