// OpenBLAS peer: a small C harness around cblas_sgemm (Debian libopenblas-dev), compiled by the
// bench with gcc into bench/.cache/ (git-ignored), run once per thread count (OPENBLAS_NUM_THREADS).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { benchDir } from '../lib/optional.ts';
import { skippedRow, timedRow } from '../lib/rows.ts';
import { lastJson, lastLine, runProcess } from '../lib/spawn.ts';
import type { BenchCase, Budget, GemmCase, Row, SuiteName } from '../lib/types.ts';
import { recordVersion } from '../lib/versions.ts';
import type { ExternalPeer } from '../suites/suite.ts';

const source = join(benchDir, 'peers', 'openblas_sgemm.c');
const cacheDir = join(benchDir, '.cache');
const binary = join(cacheDir, 'openblas_sgemm');

let building: Promise<true | string> | null = null;

/** Compiles the harness when it is missing or older than its source; true, or why it cannot be built. */
export function buildHarness(): Promise<true | string> {
  building ??= (async () => {
    if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return true;
    mkdirSync(cacheDir, { recursive: true });
    const cc = process.env.CC ?? 'gcc';
    const r = await runProcess(cc, ['-O2', '-o', binary, source, '-lopenblas', '-lm'], { timeoutMs: 60_000 });
    if (r.error) return r.error.includes('not found') ? `${cc} not found: install gcc to build the OpenBLAS harness` : `${cc}: ${r.error}`;
    if (r.code === 0) return true;
    if (/cblas\.h|-lopenblas/.test(r.stderr)) return 'libopenblas-dev is not installed (apt-get install libopenblas-dev): the harness needs cblas.h and -lopenblas';
    return `building the OpenBLAS harness failed: ${lastLine(r.stderr)}`;
  })();
  return building;
}

async function runHarness(suite: SuiteName, cases: readonly GemmCase[], budget: Budget, threads: number): Promise<Row[]> {
  const impl = `openblas:${threads}t`;
  const all = (reason: string): Row[] => cases.map((c) => skippedRow(suite, c, impl, threads, reason));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (threads > cores) return all(`${threads} threads asked, this machine has ${cores} core(s)`);
  const built = await buildHarness();
  if (built !== true) return all(built);
  const input = cases.map((c, i) => `${i} ${c.m} ${c.n} ${c.k} ${c.transA ? 1 : 0} ${c.transB ? 1 : 0}`).join('\n') + '\n';
  const args = [String(budget.maxTime), String(budget.minSamples), String(budget.quick ? 15 : 30)];
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = await runProcess(binary, args, { input, env, timeoutMs: (budget.quick ? 120 : 1200) * 1000 });
  if (r.error) return all(`openblas harness: ${r.error}`);
  const out = lastJson(r.stdout);
  if (!out || r.code !== 0) return all(`openblas harness exited ${r.code}: ${lastLine(r.stderr) || 'no output'}`);
  if (typeof out.config === 'string') recordVersion('openblas', out.config);
  const actual = typeof out.threads === 'number' ? out.threads : threads;
  const rows = (out.rows ?? []) as { i: number; samplesMs: number[] }[];
  return rows.map((x) => timedRow(suite, cases[x.i]!, impl, actual, x.samplesMs));
}

export const openblasPeer: ExternalPeer = {
  name: 'openblas',
  async run(suite, cases: readonly BenchCase[], budget) {
    const gemms = cases.filter((c): c is GemmCase => c.kind === 'gemm');
    if (gemms.length === 0) return [];
    return [...(await runHarness(suite, gemms, budget, 1)), ...(await runHarness(suite, gemms, budget, 2))];
  },
};
