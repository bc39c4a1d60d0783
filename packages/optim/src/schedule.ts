// Hyperparameter schedules as pure functions of the training position pos ∈ [0, 1] (fastai ch16,
// ch19 and its library: SchedLin, SchedCos, SchedExp, combine_scheds, combined_cos, fit_one_cycle).
// `annealX(start, end, pos)` is one value; `schedX(start, end)` is a Schedule, pos ↦ value.
import { OptimizerError } from './errors.ts';

/** A hyperparameter as a function of the position in training, 0 at the start and 1 at the end. */
export type Schedule = (pos: number) => number;

/** start + pos·(end − start). */
export const annealLinear = (start: number, end: number, pos: number): number => start + pos * (end - start);
/** Half a cosine from start (pos 0) to end (pos 1): start + (1 + cos(π(1 − pos)))·(end − start)/2. */
export const annealCos = (start: number, end: number, pos: number): number =>
  start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;
/** Geometric: start·(end/start)^pos (start and end of the same sign, non-zero). */
export const annealExp = (start: number, end: number, pos: number): number => start * (end / start) ** pos;
/** Constant start. */
export const annealNo = (start: number, _end: number, _pos: number): number => start;
/** start + (end − start)·pos^power. */
export const annealPoly = (start: number, end: number, pos: number, power: number): number => start + (end - start) * pos ** power;

export const schedLin = (start: number, end: number): Schedule => (pos) => annealLinear(start, end, pos);
export const schedCos = (start: number, end: number): Schedule => (pos) => annealCos(start, end, pos);
export const schedExp = (start: number, end: number): Schedule => (pos) => annealExp(start, end, pos);
export const schedNo = (start: number, end = start): Schedule => (pos) => annealNo(start, end, pos);
export const schedPoly = (start: number, end: number, power: number): Schedule => (pos) => annealPoly(start, end, pos, power);

/**
 * Runs scheds[i] over the i-th fraction pcts[i] of training, each seeing its own 0..1 position
 * (fastai's combine_scheds). pcts must be non-negative and sum to 1.
 */
export function combineScheds(pcts: readonly number[], scheds: readonly Schedule[]): Schedule {
  if (pcts.length === 0 || pcts.length !== scheds.length)
    throw new OptimizerError(`combineScheds: need one fraction per schedule, got ${pcts.length} fractions and ${scheds.length} schedules`);
  if (pcts.some((p) => !(p >= 0))) throw new OptimizerError(`combineScheds: fractions must be ≥ 0, got [${pcts.join(', ')}]`);
  const total = pcts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new OptimizerError(`combineScheds: fractions must sum to 1, got [${pcts.join(', ')}] (sum ${total})`);
  const edges = [0];
  for (const p of pcts) edges.push(edges[edges.length - 1]! + p);
  return (pos) => {
    let i = 0;
    for (let k = 0; k < pcts.length; k++) if (pos >= edges[k]!) i = k;
    const width = edges[i + 1]! - edges[i]!;
    return scheds[i]!(width > 0 ? (pos - edges[i]!) / width : 1);
  };
}

/** Cosine from start to middle over the first pct, then from middle to end (fastai's combined_cos). */
export const combinedCos = (pct: number, start: number, middle: number, end: number): Schedule =>
  combineScheds([pct, 1 - pct], [schedCos(start, middle), schedCos(middle, end)]);

export interface OneCycleOptions {
  /** the peak learning rate */
  lrMax: number;
  /** the start is lrMax/div (fastai: 25) */
  div?: number;
  /** the end is lrMax/divFinal (fastai: 1e5) */
  divFinal?: number;
  /** fraction of training spent warming up (fastai: 0.25) */
  pctStart?: number;
  /** momentum at the start, the peak-lr point and the end (fastai: [0.95, 0.85, 0.95]) */
  moms?: readonly [number, number, number];
}

/**
 * fastai's fit_one_cycle schedules: lr rises by a cosine from lrMax/div to lrMax over pctStart,
 * then falls by a cosine to lrMax/divFinal; mom moves the other way, 0.95 → 0.85 → 0.95.
 */
export function oneCycle({ lrMax, div = 25, divFinal = 1e5, pctStart = 0.25, moms = [0.95, 0.85, 0.95] }: OneCycleOptions): { lr: Schedule; mom: Schedule } {
  if (!(pctStart >= 0 && pctStart <= 1)) throw new OptimizerError(`oneCycle: pctStart must be in [0, 1], got ${pctStart}`);
  return { lr: combinedCos(pctStart, lrMax / div, lrMax, lrMax / divFinal), mom: combinedCos(pctStart, ...moms) };
}

/**
 * ch19's from-scratch OneCycle: linear warm-up from baseLr/div to baseLr over pctStart (0.25),
 * then linear decay to 0.
 */
export const linearOneCycle = (baseLr: number, pctStart = 0.25, div = 10): Schedule =>
  combineScheds([pctStart, 1 - pctStart], [schedLin(baseLr / div, baseLr), schedLin(baseLr, 0)]);
