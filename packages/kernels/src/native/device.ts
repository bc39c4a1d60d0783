// The CudaRuntime (device-runtime.ts) over the addon's device exports, with the addon's errors
// mapped to groundup's classes: out of memory → CudaOutOfMemoryError, a bad index → IndexError,
// other range errors → ShapeError, wrong argument types → DTypeError, the rest → BackendError.
import { CudaOutOfMemoryError, IndexError } from '../errors.ts';
import { INDEX_KINDS, REDUCE_OPS, type CudaRuntime, type CudaRuntimeLoad } from '../device-runtime.ts';
import { mapAddonError, type NativeAddon } from './addon.ts';
import { cudaAvailability } from './cuda.ts';

function mapped(e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith('cuda: out of memory')) return new CudaOutOfMemoryError(msg);
  if (e instanceof RangeError && /is out of bounds for a dimension/.test(msg)) return new IndexError(msg);
  return mapAddonError(e);
}

/** Calls f, mapping the addon's errors. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw mapped(e);
  }
}

const CONV_KINDS = { forward: 0, backwardData: 1, backwardWeight: 2 } as const;
const POOL_KINDS = { maxForward: 0, maxBackward: 1, avgForward: 2, avgBackward: 3 } as const;

export function deviceRuntime(addon: NativeAddon): CudaRuntimeLoad {
  const av = cudaAvailability(addon);
  if (!av.ok) return { ok: false, reason: av.reason };
  const runtime: CudaRuntime = {
    device: addon.cudaInfo().device,
    alloc: (bytes) => guard(() => addon.cudaAlloc(bytes)),
    release: (b) => guard(() => addon.cudaRelease(b)),
    upload: (b, off, host) => guard(() => addon.cudaUpload(b, off, host)),
    download: (b, off, host) => guard(() => addon.cudaDownload(b, off, host)),
    copy: (d, dOff, s, sOff, bytes) => guard(() => addon.cudaCopy(d, dOff, s, sOff, bytes)),
    expr: (meta, prog, consts, out, inputs) => guard(() => addon.cudaExpr(meta, prog, consts, out, ...inputs)),
    reduce: (op, input, inOff, out, outer, n, inner) => guard(() => addon.cudaReduce(REDUCE_OPS[op], input, inOff, out, outer, n, inner)),
    index: (kind, src, sOff, idx, iOff, out, oOff, outer, n, m, inner) =>
      guard(() => addon.cudaIndex(INDEX_KINDS[kind], src, sOff, idx, iOff, out, oOff, outer, n, m, inner)),
    gemm: (a, b, c, params) => guard(() => addon.cudaGemmDevice(a, b, c, params)),
    conv: (kind, g, a, aOff, b, bOff, bias, biasOff, out, oOff) =>
      guard(() => addon.cudaConvDevice(CONV_KINDS[kind], g, a, aOff, b, bOff, bias, biasOff, out, oOff)),
    pool: (kind, src, sOff, out, oOff, arg, tables, divisor, planes, H, W, OH, OW) =>
      guard(() => addon.cudaPool(POOL_KINDS[kind], src, sOff, out, oOff, arg, tables, divisor, planes, H, W, OH, OW)),
    memoryStats: () => addon.cudaMemoryStats(),
    emptyCache: () => guard(() => addon.cudaEmptyCache()),
    resetPeakMemoryStats: () => guard(() => addon.cudaResetPeak()),
    synchronize: () => guard(() => addon.cudaSynchronize()),
  };
  return { ok: true, runtime };
}
