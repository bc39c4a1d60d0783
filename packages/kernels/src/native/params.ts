// The parameter blocks passed to the addon: one reused Float64Array per call instead of a
// dozen scalar arguments, so a call costs a few N-API calls. The layouts match
// addon/src/args.h (GemmParam, ConvParam).
import type { Conv2dGeometry, FloatArray, GemmArgs } from '../backend.ts';

export const GEMM_PARAMS = 17;
export const CONV_PARAMS = 13;

export function writeGemmParams(P: Float64Array, p: GemmArgs<FloatArray>): Float64Array {
  P[0] = p.transA ? 1 : 0; P[1] = p.transB ? 1 : 0;
  P[2] = p.m; P[3] = p.n; P[4] = p.k;
  P[5] = p.alpha; P[6] = p.beta;
  P[7] = p.aOffset; P[8] = p.lda; P[9] = p.strideA;
  P[10] = p.bOffset; P[11] = p.ldb; P[12] = p.strideB;
  P[13] = p.cOffset; P[14] = p.ldc; P[15] = p.strideC;
  P[16] = p.batch;
  return P;
}

export function writeConvParams(G: Float64Array, g: Conv2dGeometry): Float64Array {
  G[0] = g.n; G[1] = g.c; G[2] = g.h; G[3] = g.w;
  G[4] = g.o; G[5] = g.kh; G[6] = g.kw;
  G[7] = g.strideH; G[8] = g.strideW; G[9] = g.padH; G[10] = g.padW;
  G[11] = g.outH; G[12] = g.outW;
  return G;
}
