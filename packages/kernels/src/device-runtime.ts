// The runtime behind CUDA tensors: device blocks from the addon's caching allocator, copies, and
// the kernels the tensor package runs on them. The native loader registers it (Node only); in a
// browser, or without the addon, cudaRuntime() says why there is none.
import { DeviceError } from './errors.ts';

/** A block of device memory, owned by a JS object: the allocator gets it back when that object is collected. */
export interface DeviceBlock { readonly __deviceBlock: never }

export interface CudaMemoryStats {
  /** Bytes held by tensors (size classes, as PyTorch counts them). */
  allocated: number;
  maxAllocated: number;
  /** Bytes taken from the driver: allocated plus the cache. */
  reserved: number;
  maxReserved: number;
  /** Calls to the allocator, and how many of them reached cudaMalloc. */
  allocations: number;
  cudaMallocs: number;
}

/** Reductions of cudaReduce, in the addon's numbering. */
export const REDUCE_OPS = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4, prod: 5 } as const;
export type ReduceOpName = keyof typeof REDUCE_OPS;
/** cudaIndex kinds. */
export const INDEX_KINDS = { indexSelect: 0, indexAdd: 1, gather: 2, scatterAdd: 3, indexCopy: 4 } as const;
export type IndexKindName = keyof typeof INDEX_KINDS;
/** The dtype codes the expression kernel reads and writes. */
export const DEVICE_DTYPES = { float32: 0, float64: 1, int32: 2, bool: 3 } as const;

export interface CudaRuntime {
  /** "NVIDIA H200 (sm_90, 143771 MiB)", or the emulator's name. */
  readonly device: string;
  alloc(bytes: number): DeviceBlock;
  /** Returns a block to the cache now, for a buffer known to be dead; a later use of it throws. */
  release(block: DeviceBlock): void;
  upload(block: DeviceBlock, byteOffset: number, host: ArrayBufferView): void;
  download(block: DeviceBlock, byteOffset: number, host: ArrayBufferView): void;
  copy(dst: DeviceBlock, dstByteOffset: number, src: DeviceBlock, srcByteOffset: number, bytes: number): void;
  /** meta: ndim, shape…, outDtype, outOffset, outStrides…, nin, (dtype, offset, strides…) per input. */
  expr(meta: Float64Array, prog: Float64Array, consts: Float64Array, out: DeviceBlock, inputs: readonly DeviceBlock[]): void;
  reduce(op: ReduceOpName, input: DeviceBlock, inOffset: number, out: DeviceBlock, outer: number, n: number, inner: number): void;
  index(kind: IndexKindName, src: DeviceBlock, srcOffset: number, index: DeviceBlock, indexOffset: number, out: DeviceBlock, outOffset: number,
    outer: number, n: number, m: number, inner: number): void;
  /** The gemm parameter block (paramLayouts.gemm), offsets in elements. */
  gemm(a: DeviceBlock, b: DeviceBlock, c: DeviceBlock, params: Float64Array): void;
  /** kind: forward(x, w[, bias]) → y, backwardData(gy, w) → gx, backwardWeight(x, gy) → gw; geometry: paramLayouts.conv. */
  conv(kind: 'forward' | 'backwardData' | 'backwardWeight', geometry: Float64Array, a: DeviceBlock, aOffset: number, b: DeviceBlock, bOffset: number,
    bias: DeviceBlock | null, biasOffset: number, out: DeviceBlock, outOffset: number): void;
  /** 2-D pooling (see addon/src/cuda_tensor.h pool2d); tables: 2·OH + 2·OW int32 window bounds. */
  pool(kind: 'maxForward' | 'maxBackward' | 'avgForward' | 'avgBackward', src: DeviceBlock, srcOffset: number, out: DeviceBlock, outOffset: number,
    arg: DeviceBlock | null, tables: DeviceBlock, divisor: DeviceBlock | null, planes: number, H: number, W: number, OH: number, OW: number): void;
  memoryStats(): CudaMemoryStats;
  emptyCache(): void;
  resetPeakMemoryStats(): void;
  synchronize(): void;
}

export type CudaRuntimeLoad = { ok: true; runtime: CudaRuntime } | { ok: false; reason: string };

let factory: (() => CudaRuntimeLoad) | null = null;
let loaded: CudaRuntimeLoad | null = null;

/** The native loader's hook (Node only). */
export function registerCudaRuntime(make: () => CudaRuntimeLoad): void {
  factory = make;
  loaded = null;
}

/** The CUDA runtime, or why there is none ("no CUDA device (35: …)", "not compiled (…)"). */
export function cudaRuntime(): CudaRuntimeLoad {
  if (loaded) return loaded;
  loaded = factory ? factory() : { ok: false, reason: 'no CUDA in this environment (the native addon does not load in a browser)' };
  return loaded;
}

/** The runtime, or a DeviceError naming the call, the reason and the fix. */
export function requireCuda(call: string): CudaRuntime {
  const r = cudaRuntime();
  if (r.ok) return r.runtime;
  throw new DeviceError(`${call}: CUDA is not available here: ${r.reason}. Keep the tensors on 'cpu' (the default), or run on a machine with an NVIDIA GPU and an addon built with nvcc (pnpm build:addon)`);
}
