// conv2d as im2col + GEMM, generic over float32 and float64 (the tensor package uses the
// float64 path for gradcheck). One cols buffer is reused across the batch.
import type { Conv2dGeometry, FloatArray, GemmArgs } from '../backend.ts';
import { col2imJs, im2colJs } from './im2col.ts';

type Gemm<T extends FloatArray> = (p: GemmArgs<T>) => void;
const scratch = new Map<string, FloatArray>();

function colsBuffer<T extends FloatArray>(like: T, size: number): T {
  const key = like instanceof Float64Array ? 'f64' : 'f32';
  let buf = scratch.get(key);
  if (!buf || buf.length < size) {
    buf = like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
    scratch.set(key, buf);
  }
  return buf as T;
}

function gemmArgs<T extends FloatArray>(m: number, n: number, k: number, a: T, aOffset: number, lda: number, transA: boolean,
  b: T, bOffset: number, ldb: number, transB: boolean, c: T, cOffset: number, beta: 0 | 1): GemmArgs<T> {
  return { transA, transB, m, n, k, alpha: 1, beta, a, aOffset, lda, strideA: 0, b, bOffset, ldb, strideB: 0, c, cOffset, ldc: n, strideC: 0, batch: 1 };
}

export function conv2dForwardWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, input: T, weight: T, bias: T | null, out: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW;
  const cols = colsBuffer(input, K * L);
  for (let i = 0; i < g.n; i++) {
    im2colJs(g, input.subarray(i * g.c * g.h * g.w, (i + 1) * g.c * g.h * g.w), cols);
    const o0 = i * g.o * L;
    if (bias) for (let o = 0; o < g.o; o++) out.fill(bias[o]!, o0 + o * L, o0 + (o + 1) * L);
    gemm(gemmArgs(g.o, L, K, weight, 0, K, false, cols, 0, L, false, out, o0, bias ? 1 : 0));
  }
}

export function conv2dBackwardDataWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, gradOut: T, weight: T, gradInput: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  const cols = colsBuffer(gradOut, K * L);
  gradInput.fill(0, 0, g.n * img);
  for (let i = 0; i < g.n; i++) {
    // cols[K, L] = weightᵀ[K, O] · gradOut[i][O, L]
    gemm(gemmArgs(K, L, g.o, weight, 0, K, true, gradOut, i * g.o * L, L, false, cols, 0, 0));
    col2imJs(g, cols, gradInput.subarray(i * img, (i + 1) * img));
  }
}

export function conv2dBackwardWeightWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, input: T, gradOut: T, gradWeight: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  const cols = colsBuffer(input, K * L);
  gradWeight.fill(0, 0, g.o * K);
  for (let i = 0; i < g.n; i++) {
    im2colJs(g, input.subarray(i * img, (i + 1) * img), cols);
    // gradWeight[O, K] += gradOut[i][O, L] · colsᵀ[L, K]
    gemm(gemmArgs(g.o, K, L, gradOut, i * g.o * L, L, false, cols, 0, L, true, gradWeight, 0, 1));
  }
}
