// The error function in double precision, for expressions (gelu's exact form). JS has no
// Math.erf; this is CPython's former math.erf: a series for |x| < 1.5 and a continued fraction
// for erfc beyond, both accurate to a few ulps (C's std::erf is used in the generated C loops).
const SQRT_PI = 1.772453850905516;
const SERIES_CUTOFF = 1.5, SERIES_TERMS = 25, CONTFRAC_CUTOFF = 30, CONTFRAC_TERMS = 50;

/** 2/√π · x · e^(−x²) · Σ (2x²)ⁿ / (1·3·…·(2n+1)), summed from the innermost term. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let acc = 0, fk = SERIES_TERMS + 0.5;
  for (let i = 0; i < SERIES_TERMS; i++) {
    acc = 2 + (x2 * acc) / fk;
    fk -= 1;
  }
  return (acc * x * Math.exp(-x2)) / SQRT_PI;
}

/** erfc(x) for x ≥ 1.5 by its continued fraction (0 past 30, where it underflows). */
function erfcContfrac(x: number): number {
  if (x >= CONTFRAC_CUTOFF) return 0;
  const x2 = x * x;
  let a = 0, da = 0.5, p = 1, pLast = 0, q = da + x2, qLast = 1;
  for (let i = 0; i < CONTFRAC_TERMS; i++) {
    a += da;
    da += 2;
    const b = da + x2;
    let t = p;
    p = b * p - a * pLast;
    pLast = t;
    t = q;
    q = b * q - a * qLast;
    qLast = t;
  }
  return ((p / q) * x * Math.exp(-x2)) / SQRT_PI;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < SERIES_CUTOFF) return erfSeries(x);
  const cf = erfcContfrac(ax);
  return x > 0 ? 1 - cf : cf - 1;
}
