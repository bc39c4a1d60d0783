// PyTorch peer: bench/peers/torch_bench.py under Debian's /usr/bin/python3 (python3-torch), one
// process per thread count: `torch:1t` pinned to one thread, `torch` with every core.
import os from 'node:os';
import { join } from 'node:path';
import { benchDir } from '../lib/optional.ts';
import { skippedRow, timedRow } from '../lib/rows.ts';
import { lastJson, lastLine, runProcess } from '../lib/spawn.ts';
import type { BenchCase, Budget, Row, SuiteName } from '../lib/types.ts';
import { recordVersion } from '../lib/versions.ts';
import type { ExternalPeer } from '../suites/suite.ts';

export const python = process.env.GROUNDUP_BENCH_PYTHON ?? '/usr/bin/python3';
const script = join(benchDir, 'peers', 'torch_bench.py');

interface TorchRow { id: string; samplesMs?: number[]; skipped?: string; note?: string }

async function runTorch(suite: SuiteName, cases: readonly BenchCase[], budget: Budget, threads: number, impl: string): Promise<Row[]> {
  const input = JSON.stringify({ cases, threads, maxTime: budget.maxTime, minSamples: budget.minSamples, singleShot: budget.quick ? 15 : 30 });
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const timeoutMs = (budget.quick ? 120 : 1200) * 1000;
  const r = await runProcess(python, [script], { input, env, timeoutMs });
  const all = (reason: string): Row[] => cases.map((c) => skippedRow(suite, c, impl, threads, reason));
  if (r.error) return all(r.error.includes('not found') ? `${python} not found: install python3 and python3-torch (apt-get install python3-torch)` : `torch: ${r.error}`);
  const out = lastJson(r.stdout);
  if (!out) return all(`torch_bench.py exited ${r.code}: ${lastLine(r.stderr) || 'no output'}`);
  if (typeof out.error === 'string') {
    return all(out.error.includes('cannot import torch') ? `python3-torch is not installed for ${python} (apt-get install python3-torch): ${out.error}` : out.error);
  }
  if (typeof out.torch === 'string') recordVersion('torch', out.torch);
  const got = new Map(((out.rows ?? []) as TorchRow[]).map((x) => [x.id, x]));
  const actualThreads = typeof out.threads === 'number' ? out.threads : threads;
  const rows: Row[] = [];
  for (const c of cases) {
    const x = got.get(c.id);
    if (!x) continue;
    rows.push(x.samplesMs ? timedRow(suite, c, impl, actualThreads, x.samplesMs, x.note) : skippedRow(suite, c, impl, actualThreads, x.skipped ?? 'no result'));
  }
  return rows;
}

export const torchPeer: ExternalPeer = {
  name: 'torch',
  async run(suite, cases, budget) {
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const rows = cores > 1 ? await runTorch(suite, cases, budget, 1, 'torch:1t') : [];
    // When torch cannot run at all, one set of skip rows says so.
    if (rows.length && rows.every((r) => r.ms === null) && rows.every((r) => r.skipped === rows[0]!.skipped)) return rows.map((r) => ({ ...r, impl: 'torch', threads: null }));
    return [...rows, ...(await runTorch(suite, cases, budget, cores, 'torch'))];
  },
};
