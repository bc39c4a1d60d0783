// SIMD helpers shared by the kernels. The relaxed build (--enable relaxed-simd) turns madd into
// one fused f32x4.relaxed_madd; the plain build keeps mul + add. ASC_FEATURE_RELAXED_SIMD is a
// compile-time constant, so each build contains only one branch.

/** a·b + c, lane-wise. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  else return f32x4.add(f32x4.mul(a, b), c);
}

/** Stores the 4×4 transpose of rows r0..r3 as 4 vectors, dstStep bytes apart. */
@inline export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, dstStep: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStep, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStep, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStep, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

// memory.fill / memory.copy call into the runtime: tens of ns each, too slow for the short runs
// of im2col (7 floats at 7×7); these loops are inlined instead.

/** Copies n floats from src to dst (no overlap). */
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Zeroes n floats at dst. */
@inline export function zeroFloats(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** Fills n floats at dst with v. */
export function fill(dst: usize, n: i32, v: f32): void {
  const s = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), s);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), v);
}

/** dst[i] += src[i] for n floats. */
export function addTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}
