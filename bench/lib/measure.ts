// Times one implementation on one case with benny (Benchmark.js underneath): a warm-up, then
// repeated samples. benny's default cycle() redraws with escape codes, so it is not used here.
import b from 'benny';
import type { Budget } from './types.ts';

/** One prepared implementation of one case. */
export interface Runner {
  /** One call of the measured work (sync or async). */
  run: () => void | Promise<void>;
  threads: number | null;
  note?: string;
  /** Runs before the samples, e.g. to select a tfjs backend or a groundup backend. */
  enter?: () => void | Promise<void>;
  leave?: () => void | Promise<void>;
  /** After timing: what is wrong with the result, or null. A wrong result is flagged in the row. */
  check?: () => string | null;
}

/** An implementation that cannot run this case here, and why. */
export interface Skip {
  skipped: string;
  threads?: number | null;
}

export type Prepared = Runner | Skip;
export const isSkip = (p: Prepared): p is Skip => 'skipped' in p;

export interface Measured {
  samplesMs: number[];
  note?: string;
}

const now = (): number => performance.now();
const isPromise = (v: unknown): v is Promise<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** Calls longer than this (ms) are not sampled again: the warm-up call is the one sample. */
export const singleShotMs = (budget: Budget): number => (budget.quick ? 15_000 : 30_000);
/** Calls longer than this (ms) get two samples timed directly rather than through benny. */
const slowMs = 2000;

export async function measure(label: string, runner: Runner, budget: Budget): Promise<Measured> {
  await runner.enter?.();
  try {
    // Warm-up: the first call (JIT, lazy allocation, thread pools), then more while they are cheap.
    const t = now();
    const first = runner.run();
    const isAsync = isPromise(first);
    if (isAsync) await first;
    const pilot = now() - t;
    if (pilot > singleShotMs(budget)) return { samplesMs: [pilot], note: `1 sample: one call takes ${(pilot / 1000).toFixed(0)} s` };
    if (pilot > slowMs) {
      // Benchmark.js would spend three or more extra calls before its first sample: time two directly.
      const samplesMs: number[] = [];
      for (let i = 0; i < 2; i++) {
        const s = now();
        await runner.run();
        samplesMs.push(now() - s);
      }
      return { samplesMs };
    }
    const warmUntil = now() + Math.min(budget.maxTime * 250, 1000);
    let warm = 0;
    while (pilot < 100 && now() < warmUntil && warm < 1000) {
      await runner.run();
      warm++;
    }
    const minSamples = pilot > 300 ? Math.min(3, budget.minSamples) : budget.minSamples;
    const summary = await b.suite(
      label,
      b.configure({ cases: { minSamples, maxTime: budget.maxTime, delay: 0 } }),
      isAsync
        ? b.add(label, () => async () => { await runner.run(); })
        : b.add(label, () => () => { void runner.run(); }),
    );
    const res = summary.results[0];
    if (!res || !res.details?.sampleResults?.length) throw new Error('benny returned no samples');
    return { samplesMs: res.details.sampleResults.map((s) => s * 1000) };
  } finally {
    await runner.leave?.();
  }
}
