// A backend is a table of kernels. Every kernel works on flat typed arrays in row-major order;
// the tensor package above makes operands contiguous or describes them by strides.

export type BackendName = 'js' | 'wasm' | 'wasm-mt' | 'native' | 'cuda';
export type Availability = { ok: true } | { ok: false; reason: string };
export type FloatArray = Float32Array | Float64Array;

/**
 * C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b] for b < batch, row-major.
 * op(A) is m×k: A is stored m×k (lda ≥ k) or, when transA, k×m (lda ≥ m).
 * op(B) is k×n: B is stored k×n (ldb ≥ n) or, when transB, n×k (ldb ≥ k).
 * C is m×n with ldc ≥ n. Offsets and batch strides are in elements. beta is 0 (overwrite,
 * C is never read) or 1 (accumulate).
 */
export interface GemmArgs<T extends FloatArray = Float32Array> {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: 0 | 1;
  a: T; aOffset: number; lda: number; strideA: number;
  b: T; bOffset: number; ldb: number; strideB: number;
  c: T; cOffset: number; ldc: number; strideC: number;
  batch: number;
}

/** Geometry of a 2-D convolution over contiguous NCHW input and OIHW weight (groups = 1). */
export interface Conv2dGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  strideH: number; strideW: number;
  padH: number; padW: number;
  /** floor((h + 2·padH − kh)/strideH) + 1 */
  outH: number;
  /** floor((w + 2·padW − kw)/strideW) + 1 */
  outW: number;
}

/**
 * One elementwise loop generated from an op record, over float32 rows: out[r·outRowStride + j] =
 * expr(inputs[k][offsets[k] + r·rowStrides[k] + j]…, params…) for r < rows, j < cols. `key` names
 * the record's loop ('relu:fwd', 'relu:g0'); `expr` is the record's expression, so that a loop
 * generated from an older record is never run.
 */
export interface ElementwiseCall {
  key: string;
  expr: string;
  rows: number;
  cols: number;
  out: Float32Array; outOffset: number; outRowStride: number;
  inputs: Float32Array[]; offsets: number[]; rowStrides: number[];
  params: readonly number[];
}

export interface Kernels {
  /** float32 GEMM. */
  gemm(args: GemmArgs<Float32Array>): void;
  /** float64 GEMM (gradcheck, the Weidman chapters). */
  gemmF64(args: GemmArgs<Float64Array>): void;
  /** out[N,O,outH,outW] = conv(input[N,C,H,W], weight[O,C,kh,kw]) + bias[O]. Overwrites out. */
  conv2dForward(g: Conv2dGeometry, input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array): void;
  /** gradInput[N,C,H,W] from gradOut[N,O,outH,outW] and weight. Overwrites gradInput. */
  conv2dBackwardData(g: Conv2dGeometry, gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array): void;
  /** gradWeight[O,C,kh,kw] from input and gradOut, summed over the batch. Overwrites gradWeight. */
  conv2dBackwardWeight(g: Conv2dGeometry, input: Float32Array, gradOut: Float32Array, gradWeight: Float32Array): void;
  /** cols[C·kh·kw, outH·outW] from one image input[C,H,W]. */
  im2col(g: Conv2dGeometry, image: Float32Array, cols: Float32Array): void;
  /** Adds cols[C·kh·kw, outH·outW] back into one image[C,H,W] (which the caller zeroes). */
  col2im(g: Conv2dGeometry, cols: Float32Array, image: Float32Array): void;
  /**
   * A record's elementwise loop (see ElementwiseCall); false when this backend has no loop for it.
   * Optional, as sumOuterInner: where a backend lacks it, the tensor package's own compiled JS
   * loops and strided sums run (they are the js backend's).
   */
  elementwise(call: ElementwiseCall): boolean;
  /** out[c] = Σ_o Σ_i x[offset + (o·channels + c)·inner + i] / divisor: the bias gradients' channel sums. */
  sumOuterInner(x: Float32Array, offset: number, outer: number, channels: number, inner: number, out: Float32Array, divisor: number): void;
}

export type KernelName = keyof Kernels;

/** A backend may be partial (like tfjs backends): the registry takes missing kernels from js. */
export interface Backend {
  name: BackendName;
  /** One line for `pnpm backends`, e.g. "AVX2/FMA, 2 threads". */
  describe(): string;
  /** How many threads its kernels use now (0 when unavailable). */
  readonly threads: number;
  /** Changes the thread count, where the backend can (native). */
  setThreads?(n: number): void;
  available(): Availability;
  kernels: Partial<Kernels>;
}
