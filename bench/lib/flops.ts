// FLOP counts: 2·m·n·k per GEMM; a convolution counts the FLOPs of its GEMM form.
import type { BenchCase, ConvCase, GemmCase } from './types.ts';

export const gemmFlops = (c: Pick<GemmCase, 'm' | 'n' | 'k'>): number => 2 * c.m * c.n * c.k;

export function convOut(c: Pick<ConvCase, 'h' | 'w' | 'kh' | 'kw' | 'stride' | 'pad'>): { outH: number; outW: number } {
  return {
    outH: Math.floor((c.h + 2 * c.pad - c.kh) / c.stride) + 1,
    outW: Math.floor((c.w + 2 * c.pad - c.kw) / c.stride) + 1,
  };
}

/** 2·N·O·C·kh·kw·outH·outW: one forward pass. */
export function convForwardFlops(c: Omit<ConvCase, 'kind' | 'id' | 'mode'>): number {
  const { outH, outW } = convOut(c);
  return 2 * c.n * c.o * c.c * c.kh * c.kw * outH * outW;
}

/** FLOPs of one call of a case, or null when the case is not arithmetic (im2col, overhead, train steps). */
export function caseFlops(c: BenchCase): number | null {
  switch (c.kind) {
    case 'gemm': return gemmFlops(c);
    case 'conv':
      // forward, then backward-data and backward-weight: each is a GEMM of the same size.
      return c.mode === 'fwd' ? convForwardFlops(c) : c.mode === 'fwd+bwd' ? 3 * convForwardFlops(c) : null;
    default: return null;
  }
}

/** GFLOP/s from FLOPs per call and ms per call. */
export const gflopsOf = (flops: number | null, ms: number | null): number | null =>
  flops === null || ms === null || ms <= 0 ? null : flops / ms / 1e6;
