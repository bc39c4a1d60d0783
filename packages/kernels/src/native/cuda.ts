// The 'cuda' backend: the addon's CUDA kernels, those the manifest marks cuda (operands are copied
// to the device and back on every call, through device buffers the addon caches). The others
// (float64 GEMM, im2col/col2im, the elementwise loops) stay on the CPU: the native kernels when
// the CPU has AVX2, else js.
import type { Availability, Backend, KernelName, Kernels } from '../backend.ts';
import { kernelNames } from '../manifest.ts';
import type { NativeAddon } from './addon.ts';
import { addonKernels } from './bindings.ts';

export function cudaAvailability(addon: NativeAddon): Availability {
  const s = addon.cudaInfo();
  if (!s.compiled) return { ok: false, reason: `not compiled (${s.message})` };
  if (!s.ok) return { ok: false, reason: `no CUDA device (${s.code}: ${s.message})` };
  return { ok: true };
}

export function cudaBackend(addon: NativeAddon, cpu: Backend | null): Backend {
  const av = cudaAvailability(addon);
  const host: Partial<Kernels> = cpu?.available().ok ? cpu.kernels : {};
  const device = addonKernels(addon, 'cuda');
  // The rest run on the CPU, on the native kernels where they are available.
  const kernels: Partial<Record<KernelName, unknown>> = {};
  for (const k of kernelNames) if (device[k] ?? host[k]) kernels[k] = device[k] ?? host[k];
  return {
    name: 'cuda',
    describe: () => `CUDA on ${addon.cudaInfo().device}${host.gemmF64 ? '; float64 GEMM and im2col on the native CPU kernels' : ''}`,
    /** One device; the CPU-side kernels use the native backend's threads. */
    threads: 1,
    available: () => av,
    kernels: kernels as Partial<Kernels>,
  };
}
