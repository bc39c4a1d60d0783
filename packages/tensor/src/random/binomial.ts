// numpy's legacy binomial sampler (legacy_random_binomial in numpy 1.24): inversion when
// n·min(p, 1−p) ≤ 30, otherwise Kachitvichyanukul & Schmeiser's BTPE. For p > 0.5 it samples
// Binomial(n, 1−p) and returns n minus that. The arithmetic follows numpy's C line by line,
// including its 13680 constant and the order of the Stirling terms, so the streams agree.
// log is glibc's (libm-log.ts); Math.exp stands in for C's exp, which only sets an acceptance
// threshold, so a last-bit difference there would change a draw with odds of about 2^-53.
import { libmLog } from './libm-log.ts';

/** Constants that numpy caches per (n, p); pure functions of n and p. */
export type BinomialParams =
  | { kind: 'inversion'; n: number; p: number; flip: boolean; q: number; qn: number; bound: number }
  | {
    kind: 'btpe'; n: number; p: number; flip: boolean; r: number; q: number; m: number; p1: number; xm: number;
    xl: number; xr: number; c: number; laml: number; lamr: number; p2: number; p3: number; p4: number;
  };

export function binomialParams(n: number, p: number): BinomialParams {
  const flip = p > 0.5;
  const pp = flip ? 1 - p : p;
  if (pp * n <= 30) {
    const q = 1 - pp;
    const np = n * pp;
    const bound = Math.trunc(Math.min(n, np + 10 * Math.sqrt(np * q + 1)));
    return { kind: 'inversion', n, p: pp, flip, q, qn: Math.exp(n * libmLog(q)), bound };
  }
  const r = Math.min(pp, 1 - pp);
  const q = 1 - r;
  const fm = n * r + r;
  const m = Math.floor(fm);
  const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5;
  const xm = m + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * r);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c);
  const p3 = p2 + c / laml;
  const p4 = p3 + c / lamr;
  return { kind: 'btpe', n, p: pp, flip, r, q, m, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4 };
}

/** One draw; `next` yields 53-bit doubles in [0, 1). */
export function binomialDraw(b: BinomialParams, next: () => number): number {
  const y = b.kind === 'inversion' ? inversion(b, next) : btpe(b, next);
  return b.flip ? b.n - y : y;
}

function inversion(b: Extract<BinomialParams, { kind: 'inversion' }>, next: () => number): number {
  const { n, p, q, qn, bound } = b;
  let x = 0;
  let px = qn;
  let u = next();
  while (u > px) {
    x++;
    if (x > bound) {
      x = 0;
      px = qn;
      u = next();
    } else {
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
  }
  return x;
}

/** Stirling-series correction term numpy adds for each of f1, z, x1, w. */
function stirling(v: number): number {
  const v2 = v * v;
  return (13680 - (462 - (132 - (99 - 140 / v2) / v2) / v2) / v2) / v / 166320;
}

function btpe(b: Extract<BinomialParams, { kind: 'btpe' }>, next: () => number): number {
  const { n, r, q, m, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4 } = b;
  // The C version is a goto state machine; each `continue` is its `goto Step10`.
  for (;;) {
    const nrq = n * r * q;
    const u = next() * p4;
    let v = next();
    let y: number;
    if (u <= p1) return Math.floor(xm - p1 * v + u); // Step 10 → 60: inside the triangle
    if (u <= p2) { // Step 20: parallelograms
      const x = xl + (u - p1) / c;
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
      if (v > 1) continue;
      y = Math.floor(x);
    } else if (u <= p3) { // Step 30: left exponential tail
      y = Math.floor(xl + libmLog(v) / laml);
      if (y < 0 || v === 0) continue;
      v = v * (u - p2) * laml;
    } else { // Step 40: right exponential tail
      y = Math.floor(xr - libmLog(v) / lamr);
      if (y > n || v === 0) continue;
      v = v * (u - p3) * lamr;
    }
    // Step 50: explicit evaluation when near the mode, else squeeze (Step 52).
    const k = Math.abs(y - m);
    if (!(k > 20 && k < nrq / 2 - 1)) {
      const s = r / q;
      const a = s * (n + 1);
      let f = 1;
      if (m < y) for (let i = m + 1; i <= y; i++) f *= a / i - s;
      else if (m > y) for (let i = y + 1; i <= m; i++) f /= a / i - s;
      if (v > f) continue;
      return y;
    }
    const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    const t = (-k * k) / (2 * nrq);
    const A = libmLog(v);
    if (A < t - rho) return y;
    if (A > t + rho) continue;
    const x1 = y + 1, f1 = m + 1, z = n + 1 - m, w = n - y + 1;
    const bound = xm * libmLog(f1 / x1) + (n - m + 0.5) * libmLog(z / w) + (y - m) * libmLog((w * r) / (x1 * q))
      + stirling(f1) + stirling(z) + stirling(x1) + stirling(w);
    if (A > bound) continue;
    return y;
  }
}
