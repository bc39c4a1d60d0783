// Host side of the Wasm conv2d: copies operands into the arena, writes the Geometry block of
// wasm/assembly/geometry.ts, and runs chunks of images on the pool: the forward as an indirect
// GEMM (wasm/assembly/indirect.ts), the backward as grouped im2col + GEMM (wasm/assembly/conv.ts).
import type { Conv2dGeometry } from '../backend.ts';
import type { Arena } from './arena.ts';
import type { JobName, WasmExports } from './api.ts';
import { MT_MIN_FLOPS } from './gemm.ts';
import type { Pool } from './pool.ts';

/** Columns a group should give the GEMM, and the most bytes its im2col matrix may take. */
const GROUP_COLS = 256, GROUP_BYTES = 1 << 20;

export interface ConvPlan { group: number; chunks: number; threads: number; scratch: number }

/** Backward: images per chunk for wide GEMM panels, a bounded cols matrix, and work for every thread. */
export function planConv(g: Conv2dGeometry, threads: number, x: WasmExports): ConvPlan {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW;
  let group = Math.min(g.n, Math.ceil(GROUP_COLS / L));
  group = Math.max(1, Math.min(group, Math.floor(GROUP_BYTES / (K * L * 4))));
  const mt = threads > 1 && 2 * g.n * g.o * K * L >= MT_MIN_FLOPS;
  if (mt) group = Math.max(1, Math.min(group, Math.ceil(g.n / (2 * threads))));
  const chunks = Math.ceil(g.n / group);
  return { group, chunks, threads: mt && chunks > 1 ? threads : 1, scratch: x.convScratchBytes(g.c, g.kh, g.kw, g.o, g.outH, g.outW, group) };
}

interface Ptrs { x: number; wt: number; bias: number; y: number; scratch: number; shared?: number }

function geometryWords(g: Conv2dGeometry, plan: ConvPlan, ptrs: Ptrs): number[] {
  return [g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.outH, g.outW, plan.group,
    ptrs.x, ptrs.wt, ptrs.bias, ptrs.y, ptrs.scratch, plan.scratch, ptrs.shared ?? 0];
}

/**
 * Images per chunk for the indirect forward: one image is already a full GEMM, so chunks only
 * feed the threads (a few per thread) and bound the per-call overhead for small images.
 */
export function planIndirect(g: Conv2dGeometry, threads: number, x: WasmExports): ConvPlan {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW;
  const mt = threads > 1 && 2 * g.n * g.o * K * L >= MT_MIN_FLOPS;
  const group = mt ? Math.max(1, Math.ceil(g.n / (4 * threads))) : g.n;
  const chunks = Math.max(1, Math.ceil(g.n / group));
  return { group, chunks, threads: mt && chunks > 1 ? threads : 1, scratch: x.indirectScratchBytes(g.c, g.h, g.w, g.padH, g.padW) };
}

export class WasmConv {
  constructor(private readonly arena: Arena, private readonly x: WasmExports, private readonly pool: Pool) {}

  private run(job: JobName, g: Conv2dGeometry, plan: ConvPlan, ptrs: Ptrs): void {
    this.pool.run(job, this.arena.params(geometryWords(g, plan, ptrs)), plan.chunks, plan.threads > 1);
  }

  /** Returns false when the operands do not fit the 4 GiB memory. */
  forward(g: Conv2dGeometry, input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array): boolean {
    const K = g.c * g.kh * g.kw, L = g.outH * g.outW, nx = g.n * g.c * g.h * g.w, ny = g.n * g.o * L;
    if (g.n === 0) return true;
    const plan = planIndirect(g, this.pool.threads, this.x);
    const at = this.arena.layout([nx * 4, g.o * K * 4, g.o * 4, ny * 4, this.x.indirectSharedBytes(g.c, g.kh, g.kw, g.o, g.outH, g.outW), plan.scratch * plan.threads]);
    if (!at) return false;
    const [xp, wp, bp, yp, shp, sp] = at as [number, number, number, number, number, number];
    this.arena.copyIn(xp, input, 0, nx);
    this.arena.copyIn(wp, weight, 0, g.o * K);
    if (bias) this.arena.copyIn(bp, bias, 0, g.o);
    const params = this.arena.params(geometryWords(g, plan, { x: xp, wt: wp, bias: bias ? bp : 0, y: yp, scratch: sp, shared: shp }));
    this.x.indirectPrepare(params);
    this.pool.run('indirectForwardChunk', params, plan.chunks, plan.threads > 1);
    this.arena.copyOut(yp, ny, out, 0);
    return true;
  }

  backwardData(g: Conv2dGeometry, gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array): boolean {
    const K = g.c * g.kh * g.kw, L = g.outH * g.outW, nx = g.n * g.c * g.h * g.w, ny = g.n * g.o * L;
    if (g.n === 0) return true;
    const plan = planConv(g, this.pool.threads, this.x);
    const at = this.arena.layout([ny * 4, g.o * K * 4, nx * 4, plan.scratch * plan.threads]);
    if (!at) return false;
    const [yp, wp, xp, sp] = at as [number, number, number, number];
    this.arena.copyIn(yp, gradOut, 0, ny);
    this.arena.copyIn(wp, weight, 0, g.o * K);
    this.run('convBackwardDataChunk', g, plan, { x: xp, wt: wp, bias: 0, y: yp, scratch: sp });
    this.arena.copyOut(xp, nx, gradInput, 0);
    return true;
  }

  backwardWeight(g: Conv2dGeometry, input: Float32Array, gradOut: Float32Array, gradWeight: Float32Array): boolean {
    const K = g.c * g.kh * g.kw, L = g.outH * g.outW, nx = g.n * g.c * g.h * g.w, ny = g.n * g.o * L, nw = g.o * K;
    const plan = planConv(g, this.pool.threads, this.x);
    // one partial gradient per thread, summed here after the job
    const at = this.arena.layout([nx * 4, ny * 4, nw * 4 * plan.threads, plan.scratch * plan.threads]);
    if (!at) return false;
    const [xp, yp, wp, sp] = at as [number, number, number, number];
    this.x.fill(wp, nw * plan.threads, 0);
    if (g.n > 0) {
      this.arena.copyIn(xp, input, 0, nx);
      this.arena.copyIn(yp, gradOut, 0, ny);
      this.run('convBackwardWeightChunk', g, plan, { x: xp, wt: wp, bias: 0, y: yp, scratch: sp });
      for (let t = 1; t < plan.threads; t++) this.x.addTo(wp, wp + t * nw * 4, nw);
    }
    this.arena.copyOut(wp, nw, gradWeight, 0);
    return true;
  }
}
