// conv2d as im2col + GEMM, one image at a time, generic over float32 and float64 (the tensor
// package uses float64 for gradcheck). The GEMM is a parameter so that other backends reuse
// this with their own. With K = C·kh·kw and L = outH·outW, per image:
//   forward          out[O, L]  = weight[O, K] · cols[K, L]          (+ bias, broadcast along L)
//   backward-data    cols[K, L] = weightᵀ[K, O] · gradOut[O, L], then col2im into gradInput
//   backward-weight  gradWeight[O, K] += gradOut[O, L] · colsᵀ[L, K]
// A 1×1 convolution with stride 1 and no padding has cols = the image itself, so it skips the
// copies and hands the image straight to the GEMM.
import type { Conv2dGeometry, FloatArray, GemmArgs } from '../backend.ts';
import { col2imJs, im2colJs } from './im2col.ts';

type Gemm<T extends FloatArray> = (p: GemmArgs<T>) => void;

// One cols buffer per precision, reused across calls; it grows to the largest layer seen.
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

const isPointwise = (g: Conv2dGeometry): boolean =>
  g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0;

/** One dense row-major GEMM, C[m, n] with ldc = n. */
function gemm1<T extends FloatArray>(gemm: Gemm<T>, m: number, n: number, k: number,
  a: T, aOffset: number, lda: number, transA: boolean,
  b: T, bOffset: number, ldb: number, transB: boolean,
  c: T, cOffset: number, beta: 0 | 1): void {
  gemm({ transA, transB, m, n, k, alpha: 1, beta, a, aOffset, lda, strideA: 0, b, bOffset, ldb, strideB: 0, c, cOffset, ldc: n, strideC: 0, batch: 1 });
}

export function conv2dForwardWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, input: T, weight: T, bias: T | null, out: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  const direct = isPointwise(g);
  const cols = direct ? input : colsBuffer(input, K * L);
  for (let i = 0; i < g.n; i++) {
    if (!direct) im2colJs(g, input.subarray(i * img, (i + 1) * img), cols);
    const o0 = i * g.o * L;
    if (bias) for (let o = 0; o < g.o; o++) out.fill(bias[o]!, o0 + o * L, o0 + (o + 1) * L);
    gemm1(gemm, g.o, L, K, weight, 0, K, false, cols, direct ? i * img : 0, L, false, out, o0, bias ? 1 : 0);
  }
}

export function conv2dBackwardDataWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, gradOut: T, weight: T, gradInput: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  if (isPointwise(g)) {
    for (let i = 0; i < g.n; i++) gemm1(gemm, K, L, g.o, weight, 0, K, true, gradOut, i * g.o * L, L, false, gradInput, i * img, 0);
    return;
  }
  const cols = colsBuffer(gradOut, K * L);
  gradInput.fill(0, 0, g.n * img);
  for (let i = 0; i < g.n; i++) {
    gemm1(gemm, K, L, g.o, weight, 0, K, true, gradOut, i * g.o * L, L, false, cols, 0, 0);
    col2imJs(g, cols, gradInput.subarray(i * img, (i + 1) * img));
  }
}

export function conv2dBackwardWeightWith<T extends FloatArray>(gemm: Gemm<T>, g: Conv2dGeometry, input: T, gradOut: T, gradWeight: T): void {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  const direct = isPointwise(g);
  const cols = direct ? input : colsBuffer(input, K * L);
  if (g.n === 0) gradWeight.fill(0, 0, g.o * K);
  for (let i = 0; i < g.n; i++) {
    if (!direct) im2colJs(g, input.subarray(i * img, (i + 1) * img), cols);
    // The first image overwrites, the others accumulate: the sum over the batch.
    gemm1(gemm, g.o, K, L, gradOut, i * g.o * L, L, false, cols, direct ? i * img : 0, L, true, gradWeight, 0, i === 0 ? 0 : 1);
  }
}
