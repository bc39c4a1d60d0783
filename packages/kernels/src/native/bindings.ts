// The addon's kernels of the manifest's generic forms ('gemm', 'conv'), wrapped as `Kernels`
// entries: scalars into the kernel's parameter block, the addon's errors into named ones. The same
// wrappers serve the native bindings (gemm) and the CUDA ones (cudaGemm).
import type { Conv2dGeometry, FloatArray, GemmArgs, KernelName, Kernels } from '../backend.ts';
import { cudaExportName, cudaKernelNames, kernelManifest, kernelNames } from '../manifest.ts';
import { mapAddonError, type NativeAddon } from './addon.ts';
import { paramBlock, paramWriter } from './params.ts';

type GemmBinding = (a: FloatArray, b: FloatArray, c: FloatArray, params: Float64Array) => void;
type ConvBinding = (geometry: Float64Array, ...arrays: (Float32Array | null)[]) => void;

function gemmKernel(fn: GemmBinding): (p: GemmArgs<FloatArray>) => void {
  const P = paramBlock('gemm');
  const write = paramWriter('gemm');
  return (p) => {
    try { fn(p.a, p.b, p.c, write(P, p)); } catch (e) { throw mapAddonError(e); }
  };
}

function convKernel(fn: ConvBinding): (g: Conv2dGeometry, ...arrays: (Float32Array | null)[]) => void {
  const G = paramBlock('conv');
  const write = paramWriter('conv');
  return (g, ...arrays) => {
    try { fn(write(G, g), ...arrays); } catch (e) { throw mapAddonError(e); }
  };
}

/**
 * The generic-form kernels the addon exports under their names (on: 'native') or as cuda<Name>
 * (on: 'cuda', only those the manifest marks cuda). 'custom' kernels are left to the caller.
 */
export function addonKernels(addon: NativeAddon, on: 'native' | 'cuda'): Partial<Kernels> {
  const out: Partial<Record<KernelName, unknown>> = {};
  const names: readonly KernelName[] = on === 'native' ? kernelNames : cudaKernelNames;
  const raw = addon as unknown as Record<string, (...args: unknown[]) => void>;
  for (const k of names) {
    const fn = raw[on === 'native' ? k : cudaExportName(k)]!.bind(addon);
    const form = kernelManifest[k].form;
    if (form === 'gemm') out[k] = gemmKernel(fn as GemmBinding);
    else if (form === 'conv') out[k] = convKernel(fn as ConvBinding);
  }
  return out as Partial<Kernels>;
}
