// Loads addon/build/Release/groundup_addon.node once (GROUNDUP_ADDON overrides the path) and
// says why when it cannot. The addon's own errors are mapped to groundup's named classes.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conv2dGeometry, FloatArray, GemmArgs, KernelName, Kernels } from '../backend.ts';
import { BackendError, DTypeError, ShapeError } from '../errors.ts';
import type { CudaMemoryStats, DeviceBlock } from '../device-runtime.ts';
import type { AddonControlName, CudaExportName, CudaKernelName, DeviceExportName, KernelManifest } from '../manifest.ts';
import { checkAddonExports } from './exports.ts';

type F32 = Float32Array;
type Params = Float64Array;

/** The non-kernel exports (manifest.ts lists their names). */
interface ControlTypes {
  info(): { avx2: boolean; threads: number; cpu: string };
  setThreads(n: number): void;
  /** The generated record loops: [key, expr, arrays, params] per id. */
  elementwiseKernels(): [string, string, number, number][];
  cudaInfo(): { compiled: boolean; ok: boolean; code: number; message: string; device: string };
}

/** The exports behind CUDA tensors (manifest.ts deviceExports; addon/src/cuda_tensor_bindings.cc). */
interface DeviceTypes {
  cudaAlloc(bytes: number): DeviceBlock;
  cudaRelease(block: DeviceBlock): void;
  cudaUpload(block: DeviceBlock, byteOffset: number, host: ArrayBufferView): void;
  cudaDownload(block: DeviceBlock, byteOffset: number, host: ArrayBufferView): void;
  cudaCopy(dst: DeviceBlock, dstByteOffset: number, src: DeviceBlock, srcByteOffset: number, bytes: number): void;
  cudaExpr(meta: Float64Array, prog: Float64Array, consts: Float64Array, out: DeviceBlock, ...inputs: DeviceBlock[]): void;
  cudaReduce(op: number, input: DeviceBlock, inOffset: number, out: DeviceBlock, outer: number, n: number, inner: number): void;
  cudaIndex(kind: number, src: DeviceBlock, srcOffset: number, index: DeviceBlock, indexOffset: number, out: DeviceBlock, outOffset: number,
    outer: number, n: number, m: number, inner: number): void;
  cudaGemmDevice(a: DeviceBlock, b: DeviceBlock, c: DeviceBlock, params: Params): void;
  cudaConvDevice(kind: number, geometry: Params, a: DeviceBlock, aOffset: number, b: DeviceBlock, bOffset: number, bias: DeviceBlock | null,
    biasOffset: number, out: DeviceBlock, outOffset: number): void;
  cudaPool(kind: number, src: DeviceBlock, srcOffset: number, out: DeviceBlock, outOffset: number, arg: DeviceBlock | null, tables: DeviceBlock,
    divisor: DeviceBlock | null, planes: number, H: number, W: number, OH: number, OW: number): void;
  cudaMemoryStats(): CudaMemoryStats;
  cudaEmptyCache(): void;
  cudaResetPeak(): void;
  cudaSynchronize(): void;
}

/** The bindings of the manifest's 'custom' kernels. */
interface CustomBindings {
  elementwise(id: number, params: Params, out: F32, ...inputs: F32[]): void;
  sumOuterInner(x: F32, params: Params, out: F32): void;
}

/** A kernel's binding, derived from its `Kernels` signature and its manifest form. */
type Binding<K extends KernelName> = KernelManifest[K]['form'] extends 'gemm'
  ? Kernels[K] extends (p: infer A extends GemmArgs<FloatArray>) => void ? (a: A['a'], b: A['b'], c: A['c'], params: Params) => void : never
  : KernelManifest[K]['form'] extends 'conv'
    ? Kernels[K] extends (g: Conv2dGeometry, ...arrays: infer R) => void ? (geometry: Params, ...arrays: R) => void : never
    : K extends keyof CustomBindings ? CustomBindings[K] : never;

/**
 * The raw binding (addon/src/addon.cc, cuda_bindings.cc), derived from the kernel manifest:
 * each kernel under its name, the CUDA ones also as cuda<Name>. Scalars travel in parameter blocks (params.ts).
 */
export type NativeAddon = { [K in AddonControlName]: ControlTypes[K] } & { [K in DeviceExportName]: DeviceTypes[K] } & { [K in KernelName]: Binding<K> } & {
  [K in CudaKernelName as CudaExportName<K>]: Binding<K>;
};

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

const defaultPath = fileURLToPath(new URL('../../../../addon/build/Release/groundup_addon.node', import.meta.url));
const fix = 'run `pnpm build:addon` after installing cmake and g++';
let cached: AddonLoad | null = null;

export function addonPath(): string {
  return process.env.GROUNDUP_ADDON || defaultPath;
}

/** Loads the addon once; the result (or the reason it failed) is cached. */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    let why = `${path} is missing`;
    const reasonPath = join(dirname(dirname(path)), 'reason.txt'); // build/Release/x.node → build/reason.txt
    try {
      if (existsSync(reasonPath)) why = readFileSync(reasonPath, 'utf8').trim() || why;
    } catch {
      // keep the generic reason
    }
    cached = { ok: false, reason: `not built (${why}); ${fix}` };
    return cached;
  }
  let exports: unknown;
  try {
    exports = createRequire(import.meta.url)(path);
  } catch (e) {
    cached = { ok: false, reason: `failed to load ${path}: ${(e as Error).message}; run \`pnpm build:addon\` to rebuild it` };
    return cached;
  }
  try {
    cached = { ok: true, addon: checkAddonExports<NativeAddon>(exports, path), path };
  } catch (e) {
    cached = { ok: false, reason: (e as Error).message }; // a BackendError that names the mismatch and the fix
  }
  return cached;
}

/** The raw binding, or null when it did not load (benchmarks and tests). */
export function nativeAddon(): NativeAddon | null {
  const l = loadAddon();
  return l.ok ? l.addon : null;
}

/** The addon's TypeError (wrong array type) → DTypeError, RangeError (lengths, shapes) → ShapeError, else BackendError. */
export function mapAddonError(e: unknown): Error {
  if (e instanceof TypeError) return new DTypeError(e.message);
  if (e instanceof RangeError) return new ShapeError(e.message);
  return new BackendError(e instanceof Error ? e.message : String(e));
}
