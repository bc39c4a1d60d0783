// The memory suite: peak RSS of a process that runs 1,000 simple_cnn SGD steps, groundup (each
// backend, compiled packages under plain node: memory/simple-cnn-steps.mjs) against PyTorch
// (peers/torch_memory.py). Each run is its own process, so the peak is that run's alone.
import { join } from 'node:path';
import { benchDir, repoRoot } from '../lib/optional.ts';
import { skippedRow } from '../lib/rows.ts';
import { lastJson, lastLine, runProcess } from '../lib/spawn.ts';
import type { BenchCase, Row, SuiteName } from '../lib/types.ts';
import { python } from '../peers/torch.ts';
import { groundupBackends } from './groundup.ts';
import type { ExternalPeer, SuiteDef } from './suite.ts';

interface MemoryOut { peakRssMB?: number; baseRssMB?: number; msPerStep?: number; error?: string; threads?: number }

function memoryRow(suite: SuiteName, c: BenchCase, impl: string, threads: number | null, out: MemoryOut): Row {
  if (typeof out.peakRssMB !== 'number' || typeof out.msPerStep !== 'number') return skippedRow(suite, c, impl, threads, out.error ?? 'no result');
  return { suite, case: c.id, impl, threads, ms: out.msPerStep, gflops: null, spread: null, samples: 1, peakRssMB: out.peakRssMB, baseRssMB: out.baseRssMB ?? 0 };
}

async function runOne(cmd: string, args: string[], env: NodeJS.ProcessEnv, steps: number): Promise<MemoryOut> {
  const r = await runProcess(cmd, args, { env, cwd: repoRoot, timeoutMs: Math.max(120, steps) * 1000 });
  if (r.error) return { error: r.error };
  return (lastJson(r.stdout) as MemoryOut | null) ?? { error: `exited ${r.code}: ${lastLine(r.stderr) || 'no output'}` };
}

const groundupMemory: ExternalPeer = {
  name: 'groundup',
  async run(suite, cases) {
    const rows: Row[] = [];
    // The child runs the compiled packages: bring dist/ up to date first (a no-op when it is).
    const build = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'build-packages.mjs'), '--quiet'], { timeoutMs: 120_000 });
    if (build.code !== 0) return cases.map((c) => skippedRow(suite, c, 'groundup', null, `build-packages failed: ${lastLine(build.stderr)}`));
    const env: NodeJS.ProcessEnv = { ...process.env, GROUNDUP_QUIET: '1' };
    delete env.NODE_OPTIONS; // plain node: the compiled packages, no tsx loader in the process
    for (const c of cases) {
      if (c.kind !== 'memory') continue;
      for (const b of groundupBackends()) {
        if (!b.ok) { rows.push(skippedRow(suite, c, b.impl, null, b.reason)); continue; }
        const threads = b.pinThreads ? { GROUNDUP_THREADS: String(b.pinThreads) } : {};
        const out = await runOne(process.execPath, [join(benchDir, 'memory', 'simple-cnn-steps.mjs'), String(c.steps)], { ...env, ...threads, GROUNDUP_BACKEND: b.name }, c.steps);
        rows.push(memoryRow(suite, c, b.impl, b.threads, out));
      }
    }
    return rows;
  },
};

const torchMemory: ExternalPeer = {
  name: 'torch',
  async run(suite, cases) {
    const rows: Row[] = [];
    for (const c of cases) {
      if (c.kind !== 'memory') continue;
      const out = await runOne(python, [join(benchDir, 'peers', 'torch_memory.py'), String(c.steps)], process.env, c.steps);
      rows.push(memoryRow(suite, c, 'torch', out.threads ?? null, out));
    }
    return rows;
  },
};

export const memorySuite: SuiteDef = { name: 'memory', inProcess: async () => [], external: [groundupMemory, torchMemory] };
