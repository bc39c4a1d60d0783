// Command line: `pnpm bench [--quick] [suite ...] [--out DIR] [--max-time S] [--min-samples N]`.
import { join } from 'node:path';
import { suiteNames, type Budget, type SuiteName } from './types.ts';

export interface Options {
  suites: SuiteName[];
  quick: boolean;
  /** Tiny cases, one short sample each: checks that every implementation runs and writes its row. */
  smoke: boolean;
  outDir: string;
  budget: Budget;
  help: boolean;
}

const aliases: Record<string, SuiteName> = { conv: 'conv2d', train: 'train-step', trainstep: 'train-step', lstm: 'rnn' };

export const usage = `usage: pnpm bench [--quick | --smoke] [suite ...] [--out DIR] [--max-time SECONDS] [--min-samples N]
  suites: ${suiteNames.join(', ')} (default: all)
  --quick        GEMM 512³ and 1024³, one conv case, one train step and the overhead cases (under 5 minutes)
  --smoke        tiny cases, minimal sampling: checks that every implementation runs (for tests; times mean nothing)
  --out DIR      where latest.json/.md/.svg go (default bench/results; bench/.cache/smoke for --smoke)
  --max-time S   seconds of sampling per case and implementation (default 0.5 quick, 2 full)
  --min-samples N  fewest samples per case and implementation (default 3 quick, 5 full)`;

export function parseArgs(argv: readonly string[], benchDir: string): Options {
  const suites: SuiteName[] = [];
  let quick = false, smoke = false, help = false, outDir: string | null = null;
  let maxTime: number | null = null, minSamples: number | null = null;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--quick' || a === '-q') quick = true;
    else if (a === '--smoke') smoke = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--out') outDir = value(i++, a);
    else if (a === '--max-time') maxTime = Number(value(i++, a));
    else if (a === '--min-samples') minSamples = Number(value(i++, a));
    else if (a.startsWith('-')) throw new Error(`unknown option '${a}'\n${usage}`);
    else {
      const name = (aliases[a] ?? a) as SuiteName;
      if (!suiteNames.includes(name)) throw new Error(`unknown suite '${a}'; choose from ${suiteNames.join(', ')}\n${usage}`);
      if (!suites.includes(name)) suites.push(name);
    }
  }
  if (maxTime !== null && !(maxTime > 0)) throw new Error('--max-time must be a positive number of seconds');
  if (minSamples !== null && !(Number.isInteger(minSamples) && minSamples >= 1)) throw new Error('--min-samples must be a positive integer');
  const fast = quick || smoke;
  return {
    suites: suites.length ? suites : [...suiteNames],
    quick: fast,
    smoke,
    outDir: outDir ?? join(benchDir, smoke ? '.cache/smoke' : 'results'),
    help,
    budget: { quick: fast, maxTime: maxTime ?? (smoke ? 0.01 : quick ? 0.5 : 2), minSamples: minSamples ?? (smoke ? 1 : quick ? 3 : 5) },
  };
}
