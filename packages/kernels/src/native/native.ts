// The 'native' backend: the addon's AVX2/FMA kernels on a persistent thread pool
// (GROUNDUP_THREADS sets its size). Calls are synchronous: a long GEMM or conv blocks the
// event loop until it returns, as a training loop expects.
import type { Backend, Conv2dGeometry, GemmArgs } from '../backend.ts';
import { mapAddonError, type NativeAddon } from './addon.ts';
import { CONV_PARAMS, GEMM_PARAMS, writeConvParams, writeGemmParams } from './params.ts';

export function nativeBackend(addon: NativeAddon): Backend {
  const P = new Float64Array(GEMM_PARAMS);
  const G = new Float64Array(CONV_PARAMS);
  const { avx2, cpu } = addon.info();
  const conv = (g: Conv2dGeometry) => writeConvParams(G, g);
  const ew = elementwiseTable(addon);
  const S = new Float64Array(5);
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
      gemm(p: GemmArgs<Float32Array>) {
        try { addon.gemm(p.a, p.b, p.c, writeGemmParams(P, p)); } catch (e) { throw mapAddonError(e); }
      },
      gemmF64(p: GemmArgs<Float64Array>) {
        try { addon.gemmF64(p.a, p.b, p.c, writeGemmParams(P, p)); } catch (e) { throw mapAddonError(e); }
      },
      conv2dForward(g, input, weight, bias, out) {
        try { addon.conv2dForward(conv(g), input, weight, bias, out); } catch (e) { throw mapAddonError(e); }
      },
      conv2dBackwardData(g, gradOut, weight, gradInput) {
        try { addon.conv2dBackwardData(conv(g), gradOut, weight, gradInput); } catch (e) { throw mapAddonError(e); }
      },
      conv2dBackwardWeight(g, input, gradOut, gradWeight) {
        try { addon.conv2dBackwardWeight(conv(g), input, gradOut, gradWeight); } catch (e) { throw mapAddonError(e); }
      },
      im2col(g, image, cols) {
        try { addon.im2col(conv(g), image, cols); } catch (e) { throw mapAddonError(e); }
      },
      col2im(g, cols, image) {
        try { addon.col2im(conv(g), cols, image); } catch (e) { throw mapAddonError(e); }
      },
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
        S[0] = offset; S[1] = outer; S[2] = channels; S[3] = inner; S[4] = divisor;
        try { addon.sumOuterInner(x, S, out); } catch (e) { throw mapAddonError(e); }
      },
    },
  };
}

interface GeneratedLoop { id: number; expr: string; arrays: number; params: number; P: Float64Array }

/** The addon's generated record loops by key (none from an addon built before they existed). */
function elementwiseTable(addon: NativeAddon): Map<string, GeneratedLoop> {
  const m = new Map<string, GeneratedLoop>();
  if (typeof addon.elementwiseKernels !== 'function') return m;
  addon.elementwiseKernels().forEach(([key, expr, arrays, params], id) => {
    m.set(key, { id, expr, arrays, params, P: new Float64Array(4 + 2 * arrays + params) });
  });
  return m;
}
