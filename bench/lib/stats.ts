// Summaries of timing samples: the median and a spread that one slow outlier cannot blow up.

/** Quantile q ∈ [0, 1] with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Summary {
  /** Median of the samples, in ms. */
  ms: number;
  /** (p75 − p25) / median. */
  spread: number;
  samples: number;
}

export function summarise(samplesMs: readonly number[]): Summary | null {
  const xs = samplesMs.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const ms = quantile(xs, 0.5);
  return { ms, spread: (quantile(xs, 0.75) - quantile(xs, 0.25)) / ms, samples: xs.length };
}
