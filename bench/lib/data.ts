// Deterministic operand data, so that every implementation multiplies the same numbers.

/** Uniform values in [-1, 1) from a 32-bit LCG (speed matters here, not quality). */
export function randomArray(length: number, seed = 1): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
