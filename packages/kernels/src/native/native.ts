// The 'native' backend: the addon's AVX2/FMA kernels on a persistent thread pool
// (GROUNDUP_THREADS sets its size). Calls are synchronous: a long GEMM or conv blocks the
// event loop until it returns, as a training loop expects.
// Kernels of the manifest's generic forms come from bindings.ts; the 'custom' ones are here.
import type { Backend } from '../backend.ts';
import { mapAddonError, type NativeAddon } from './addon.ts';
import { addonKernels } from './bindings.ts';
import { paramBlock, writeParams } from './params.ts';

export function nativeBackend(addon: NativeAddon): Backend {
  const { avx2, cpu } = addon.info();
  const ew = elementwiseTable(addon);
  const S = paramBlock('sum');
  return {
    name: 'native',
    describe: () => `C++ AVX2/FMA, ${addon.info().threads} thread(s)${cpu ? ` on ${cpu}` : ''}`,
    get threads() { return addon.info().threads; },
    setThreads(n: number) {
      try { addon.setThreads(n); } catch (e) { throw mapAddonError(e); }
    },
    available: () =>
      avx2
        ? { ok: true }
        : { ok: false, reason: `this CPU${cpu ? ` (${cpu})` : ''} lacks AVX2/FMA (x86-64-v3), which the native kernels need` },
    kernels: {
      ...addonKernels(addon, 'native'),
      elementwise(c) {
        const k = ew.get(c.key);
        // A loop generated from another version of the record (or none) leaves it to the JS loop.
        if (!k || k.expr !== c.expr || k.arrays !== c.inputs.length || k.params !== c.params.length) return false;
        const P = k.P;
        P[0] = c.rows; P[1] = c.cols; P[2] = c.outOffset; P[3] = c.outRowStride;
        for (let i = 0; i < c.inputs.length; i++) { P[4 + 2 * i] = c.offsets[i]!; P[5 + 2 * i] = c.rowStrides[i]!; }
        for (let i = 0; i < c.params.length; i++) P[4 + 2 * c.inputs.length + i] = c.params[i]!;
        try { addon.elementwise(k.id, P, c.out, ...c.inputs); } catch (e) { throw mapAddonError(e); }
        return true;
      },
      sumOuterInner(x, offset, outer, channels, inner, out, divisor) {
        try { addon.sumOuterInner(x, writeParams(S, 'sum', { offset, outer, channels, inner, divisor }), out); } catch (e) { throw mapAddonError(e); }
      },
    },
  };
}

interface GeneratedLoop { id: number; expr: string; arrays: number; params: number; P: Float64Array }

/** The addon's generated record loops by key. */
function elementwiseTable(addon: NativeAddon): Map<string, GeneratedLoop> {
  const m = new Map<string, GeneratedLoop>();
  addon.elementwiseKernels().forEach(([key, expr, arrays, params], id) => {
    m.set(key, { id, expr, arrays, params, P: new Float64Array(4 + 2 * arrays + params) });
  });
  return m;
}
