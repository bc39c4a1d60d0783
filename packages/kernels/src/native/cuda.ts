// The 'cuda' backend: the addon's CUDA GEMM and conv kernels (operands are copied to the device
// and back on every call, through device buffers the addon caches). float64 GEMM,
// im2col/col2im and the elementwise loops stay on the CPU: the native kernels when the CPU has AVX2, else js.
import type { Availability, Backend, GemmArgs, Kernels } from '../backend.ts';
import { mapAddonError, type NativeAddon } from './addon.ts';
import { CONV_PARAMS, GEMM_PARAMS, writeConvParams, writeGemmParams } from './params.ts';

export function cudaAvailability(addon: NativeAddon): Availability {
  const s = addon.cudaInfo();
  if (!s.compiled) return { ok: false, reason: `not compiled (${s.message})` };
  if (!s.ok) return { ok: false, reason: `no CUDA device (${s.code}: ${s.message})` };
  return { ok: true };
}

export function cudaBackend(addon: NativeAddon, cpu: Backend | null): Backend {
  const P = new Float64Array(GEMM_PARAMS);
  const G = new Float64Array(CONV_PARAMS);
  const av = cudaAvailability(addon);
  const host: Partial<Kernels> = cpu?.available().ok ? cpu.kernels : {};
  return {
    name: 'cuda',
    describe: () => `CUDA on ${addon.cudaInfo().device}${host.gemmF64 ? '; float64 GEMM and im2col on the native CPU kernels' : ''}`,
    /** One device; the CPU-side kernels use the native backend's threads. */
    threads: 1,
    available: () => av,
    kernels: {
      gemm(p: GemmArgs<Float32Array>) {
        try { addon.cudaGemm(p.a, p.b, p.c, writeGemmParams(P, p)); } catch (e) { throw mapAddonError(e); }
      },
      conv2dForward(g, input, weight, bias, out) {
        try { addon.cudaConv2dForward(writeConvParams(G, g), input, weight, bias, out); } catch (e) { throw mapAddonError(e); }
      },
      conv2dBackwardData(g, gradOut, weight, gradInput) {
        try { addon.cudaConv2dBackwardData(writeConvParams(G, g), gradOut, weight, gradInput); } catch (e) { throw mapAddonError(e); }
      },
      conv2dBackwardWeight(g, input, gradOut, gradWeight) {
        try { addon.cudaConv2dBackwardWeight(writeConvParams(G, g), input, gradOut, gradWeight); } catch (e) { throw mapAddonError(e); }
      },
      ...(host.gemmF64 ? { gemmF64: host.gemmF64 } : {}),
      ...(host.im2col ? { im2col: host.im2col } : {}),
      ...(host.col2im ? { col2im: host.col2im } : {}),
      ...(host.elementwise ? { elementwise: host.elementwise } : {}),
      ...(host.sumOuterInner ? { sumOuterInner: host.sumOuterInner } : {}),
    },
  };
}
