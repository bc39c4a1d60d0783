// Loads addon/build/Release/groundup_addon.node once (GROUNDUP_ADDON overrides the path) and
// says why when it cannot. The addon's own errors are mapped to groundup's named classes.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError, DTypeError, ShapeError } from '../errors.ts';

type F32 = Float32Array;
type Params = Float64Array;

/** The raw binding (addon/src/addon.cc, cuda_bindings.cc). Scalars travel in the params blocks of params.ts. */
export interface NativeAddon {
  info(): { avx2: boolean; threads: number; cpu: string };
  setThreads(n: number): void;
  gemm(a: F32, b: F32, c: F32, params: Params): void;
  gemmF64(a: Float64Array, b: Float64Array, c: Float64Array, params: Params): void;
  conv2dForward(geometry: Params, input: F32, weight: F32, bias: F32 | null, out: F32): void;
  conv2dBackwardData(geometry: Params, gradOut: F32, weight: F32, gradInput: F32): void;
  conv2dBackwardWeight(geometry: Params, input: F32, gradOut: F32, gradWeight: F32): void;
  im2col(geometry: Params, image: F32, cols: F32): void;
  col2im(geometry: Params, cols: F32, image: F32): void;
  /** The generated record loops: [key, expr, arrays, params] per id. */
  elementwiseKernels(): [string, string, number, number][];
  elementwise(id: number, params: Params, out: F32, ...inputs: F32[]): void;
  sumOuterInner(x: F32, params: Params, out: F32): void;
  cudaInfo(): { compiled: boolean; ok: boolean; code: number; message: string; device: string };
  cudaGemm(a: F32, b: F32, c: F32, params: Params): void;
  cudaConv2dForward(geometry: Params, input: F32, weight: F32, bias: F32 | null, out: F32): void;
  cudaConv2dBackwardData(geometry: Params, gradOut: F32, weight: F32, gradInput: F32): void;
  cudaConv2dBackwardWeight(geometry: Params, input: F32, gradOut: F32, gradWeight: F32): void;
}

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
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    cached = { ok: true, addon, path };
  } catch (e) {
    cached = { ok: false, reason: `failed to load ${path}: ${(e as Error).message}; run \`pnpm build:addon\` to rebuild it` };
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
