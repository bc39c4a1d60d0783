// Conv geometry and buffer pointers, read from the parameter block the host writes
// (layout mirrored in packages/kernels/src/wasm/conv.ts).
@unmanaged export class Geometry {
  n: i32; c: i32; h: i32; w: i32;
  o: i32; kh: i32; kw: i32;
  sh: i32; sw: i32; ph: i32; pw: i32;
  outH: i32; outW: i32;
  /** images per chunk */
  group: i32;
  /** byte offsets of the operands; bias 0 when absent */
  x: u32; wt: u32; bias: u32; y: u32;
  /** per-thread scratch: base + tid·stride */
  scratch: u32; scratchStride: u32;
  /** data the main thread prepares once per job for all chunks (indirect forward: see indirect.ts) */
  shared: u32;
}
