// Turns samples (or a reason) into result rows.
import { caseFlops, gflopsOf } from './flops.ts';
import { summarise } from './stats.ts';
import type { BenchCase, Row, SuiteName } from './types.ts';

export function timedRow(suite: SuiteName, c: BenchCase, impl: string, threads: number | null, samplesMs: readonly number[], note?: string): Row {
  const s = summarise(samplesMs);
  if (!s) return skippedRow(suite, c, impl, threads, 'no valid samples');
  const row: Row = { suite, case: c.id, impl, threads, ms: s.ms, gflops: gflopsOf(caseFlops(c), s.ms), spread: s.spread, samples: s.samples };
  if (note) row.note = note;
  return row;
}

export function skippedRow(suite: SuiteName, c: BenchCase, impl: string, threads: number | null, reason: string): Row {
  return { suite, case: c.id, impl, threads, ms: null, gflops: null, spread: null, samples: 0, skipped: reason };
}

/** Report order: groundup backends first, then the peers, each in a fixed order. */
const implOrder = [
  'groundup:js', 'groundup:wasm', 'groundup:wasm-mt', 'groundup:native', 'groundup:native:1t', 'groundup:cuda',
  'tfjs:cpu', 'tfjs:wasm', 'tfjs:node', 'onnxruntime:1t', 'onnxruntime:2t', 'torch:1t', 'torch', 'openblas:1t', 'openblas:2t',
];
export const implRank = (impl: string): number => {
  const i = implOrder.indexOf(impl);
  return i < 0 ? implOrder.length : i;
};

/** Sorts rows by the given case order, then by implementation. */
export function sortRows(rows: readonly Row[], caseOrder: readonly string[]): Row[] {
  const ci = (r: Row): number => {
    const i = caseOrder.indexOf(r.case);
    return i < 0 ? caseOrder.length : i;
  };
  return [...rows].sort((a, b) => ci(a) - ci(b) || implRank(a.impl) - implRank(b.impl) || a.impl.localeCompare(b.impl));
}
