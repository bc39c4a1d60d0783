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
  return {
    name: 'native',
    describe: () => `C++ AVX2/FMA, ${addon.info().threads} thread(s)${cpu ? ` on ${cpu}` : ''}`,
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
    },
  };
}
