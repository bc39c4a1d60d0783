// Train-step time of the page's model in Node, per backend: the figures the page's own
// (wasm, wasm-mt) are compared with. One process per backend, medians over the steps after a
// warm-up. `pnpm --filter @groundup/web step-time [steps] [batchSize]`
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend, mnist, setBackend, type BackendName } from 'groundup';
import { fitOneCycle, seeded } from '../src/fit.ts';
import { mnistSplits } from '../src/mnist-split.ts';
import { simpleCnn } from '../src/model.ts';

const steps = Number(process.argv[3] ?? 40), batchSize = Number(process.argv[4] ?? 64);
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

if (process.argv[2] === '--one') {
  const name = process.argv[5] as BackendName;
  setBackend(name);
  const data = mnistSplits((split) => mnist({ split }));
  const model = seeded(1, simpleCnn);
  const ms: number[] = [];
  for (const e of fitOneCycle(model, data.train, data.valid, { epochs: 1, lrMax: 0.01, batchSize, seed: 1, maxSteps: steps }))
    if (e.kind === 'batch') ms.push(e.ms);
  const warm = ms.slice(5);
  console.log(JSON.stringify({ backend: name, describe: getBackend().describe(), batchSize, steps: warm.length, medianMs: median(warm), minMs: Math.min(...warm) }));
} else {
  const self = fileURLToPath(import.meta.url);
  for (const name of ['native', 'wasm-mt', 'wasm', 'js'] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--one', String(steps), String(batchSize), name], { encoding: 'utf8', env: { ...process.env, GROUNDUP_QUIET: '1' } });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) { console.log(`${name}: failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`); continue; }
    const o = JSON.parse(line) as { describe: string; medianMs: number; minMs: number; steps: number };
    console.log(`${name.padEnd(8)} median ${o.medianMs.toFixed(1)} ms/step (min ${o.minMs.toFixed(1)}) over ${o.steps} steps of ${batchSize}  [${o.describe}]`);
  }
}
