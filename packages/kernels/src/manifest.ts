// The kernel manifest: each kernel is declared once, here. Its TypeScript signature is its entry in
// `Kernels` (backend.ts); this file says how the addon binds it and the layout of its parameter
// block. From it come `kernelNames`, the addon's TypeScript interface (native/addon.ts), the
// parameter writers (native/params.ts), the generic native and CUDA bindings (native/bindings.ts),
// the check of the addon's exports at load (native/exports.ts), and, through
// `pnpm gen:kernels`, the C++ side: addon/src/kernels_gen.h (parameter enums, binding
// declarations, export registration).
import type { Conv2dGeometry, GemmArgs, KernelName } from './backend.ts';

/**
 * Parameter blocks: the scalars of a call travel in one reused Float64Array, in this order (C++
 * reads them through the generated enums, e.g. kGemmLda, kConvPadH, kSumDivisor). A field of the
 * gemm or conv block names the field of GemmArgs or Conv2dGeometry it is written from.
 */
export const paramLayouts = {
  gemm: ['transA', 'transB', 'm', 'n', 'k', 'alpha', 'beta', 'aOffset', 'lda', 'strideA', 'bOffset', 'ldb', 'strideB',
    'cOffset', 'ldc', 'strideC', 'batch'],
  conv: ['n', 'c', 'h', 'w', 'o', 'kh', 'kw', 'strideH', 'strideW', 'padH', 'padW', 'outH', 'outW'],
  sum: ['offset', 'outer', 'channels', 'inner', 'divisor'],
} as const satisfies {
  gemm: readonly (keyof GemmArgs)[];
  conv: readonly (keyof Conv2dGeometry)[];
  sum: readonly string[];
};
export type ParamLayout = keyof typeof paramLayouts;

/**
 * How the addon binds a kernel:
 * - 'gemm': `Kernels[K](args: GemmArgs<T>)` → binding `(a, b, c, params)`;
 * - 'conv': `Kernels[K](g: Conv2dGeometry, ...arrays)` → binding `(params, ...arrays)`;
 * - 'custom': the binding's type is spelled out in native/addon.ts and its wrapper in native/native.ts.
 * Both generic forms get their wrappers from native/bindings.ts, so a new kernel of either form
 * needs no TypeScript beyond its `Kernels` entry and its line here.
 */
export type BindingForm = 'gemm' | 'conv' | 'custom';

export interface KernelSpec {
  readonly form: BindingForm;
  /** Its parameter block; absent when the block's length varies per call (elementwise). */
  readonly params?: ParamLayout;
  /** The addon also exports a CUDA binding, named `cuda` + the kernel's name (cudaGemm). */
  readonly cuda?: true;
}

/** Every kernel of `Kernels`, each exported by the addon under its own name. */
export const kernelManifest = {
  gemm: { form: 'gemm', params: 'gemm', cuda: true },
  gemmF64: { form: 'gemm', params: 'gemm' },
  conv2dForward: { form: 'conv', params: 'conv', cuda: true },
  conv2dBackwardData: { form: 'conv', params: 'conv', cuda: true },
  conv2dBackwardWeight: { form: 'conv', params: 'conv', cuda: true },
  im2col: { form: 'conv', params: 'conv' },
  col2im: { form: 'conv', params: 'conv' },
  elementwise: { form: 'custom' },
  sumOuterInner: { form: 'custom', params: 'sum' },
} as const satisfies { readonly [K in KernelName]: KernelSpec };
export type KernelManifest = typeof kernelManifest;

/** The addon's exports that are not kernels (their types are in native/addon.ts). */
export const addonControls = {
  info: 'the CPU: AVX2/FMA, threads, brand',
  setThreads: 'resizes the thread pool',
  elementwiseKernels: "the generated record loops' table",
  cudaInfo: 'whether CUDA was compiled in and a device answers',
} as const;
export type AddonControlName = keyof typeof addonControls;

/**
 * The exports behind CUDA tensors (storage on the device; packages/kernels/src/native/device.ts
 * wraps them, addon/src/cuda_tensor_bindings.cc defines them). Their types are in native/addon.ts.
 */
export const deviceExports = {
  cudaAlloc: 'a device block from the caching allocator, freed when collected',
  cudaRelease: 'returns a block to the cache before it is collected',
  cudaUpload: 'host typed array → device block',
  cudaDownload: 'device block → host typed array (synchronises)',
  cudaCopy: 'device → device bytes',
  cudaExpr: 'the expression kernel: any op record over broadcast strided operands',
  cudaReduce: 'sum, max, min, argmax, argmin, prod over the middle dim',
  cudaIndex: 'index_select, index_add, gather, scatter_add',
  cudaGemmDevice: 'GEMM on device buffers',
  cudaConvDevice: 'conv2d forward and both backward on device buffers',
  cudaPool: 'max and average 2-D pooling, forward and backward',
  cudaMemoryStats: "the caching allocator's counters",
  cudaEmptyCache: 'returns cached blocks to the driver',
  cudaResetPeak: 'resets maxAllocated and maxReserved',
  cudaSynchronize: 'waits for the device',
} as const;
export type DeviceExportName = keyof typeof deviceExports;

/** Kernels with a CUDA binding, and that binding's export name. */
export type CudaKernelName = { [K in KernelName]: KernelManifest[K] extends { cuda: true } ? K : never }[KernelName];
export type CudaExportName<K extends string = CudaKernelName> = `cuda${Capitalize<K>}`;
export type AddonExportName = AddonControlName | KernelName | CudaExportName | DeviceExportName;

const keys = <T extends object>(o: T): (keyof T & string)[] => Object.keys(o) as (keyof T & string)[];

/** Every kernel name, in manifest order (`pnpm backends` prints them so). */
export const kernelNames: readonly KernelName[] = keys(kernelManifest);

export const cudaExportName = <K extends string>(k: K): CudaExportName<K> =>
  `cuda${k.charAt(0).toUpperCase()}${k.slice(1)}` as CudaExportName<K>;

/** The kernels the addon also runs on CUDA. */
export const cudaKernelNames: readonly CudaKernelName[] = kernelNames.filter(
  (k): k is CudaKernelName => (kernelManifest[k] as KernelSpec).cuda === true);

/** Every export the addon must have: controls, kernels, CUDA kernels, device-tensor calls. */
export const addonExportNames: readonly AddonExportName[] = [
  ...keys(addonControls), ...kernelNames, ...cudaKernelNames.map((k) => cudaExportName(k)), ...keys(deviceExports),
];
