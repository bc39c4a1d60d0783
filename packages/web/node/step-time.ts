// Train-step time of the page's model (simple_cnn with BatchNorm, batch 64, fastai's Adam) in
// Node, per backend, and in the page (headless Chromium) on wasm-mt, wasm and js: the same
// steps, interleaved over rounds so that a busy machine slows all of them alike.
//   pnpm --filter @groundup/web step-time [rounds=3] [steps=40]
// Each run reports the median step time after 5 warm-up steps; the table gives the median of
// the runs' medians and the best run, each with its ratio to Node's native backend.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, mnist, setBackend, type BackendName } from 'groundup';
import { buildPage, findChromium, launchChromium, servePage } from '../e2e/harness.ts';
import { fitOneCycle, seeded, type FitOptions } from '../src/fit.ts';
import { mnistSplits } from '../src/mnist-split.ts';
import { simpleCnn } from '../src/model.ts';

const WARMUP = 5;
const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

if (process.argv[2] === '--one') {
  // one Node run: node step-time.ts --one <backend> <steps>
  const name = process.argv[3] as BackendName, steps = Number(process.argv[4]);
  setBackend(name);
  const data = mnistSplits((split) => mnist({ split }));
  const fit: FitOptions = { epochs: 1, lrMax: 0.06, batchSize: 64, seed: 42, maxSteps: steps };
  const ms: number[] = [];
  for (const e of fitOneCycle(seeded(fit.seed, simpleCnn), data.train, data.valid, fit)) if (e.kind === 'batch') ms.push(e.ms);
  console.log(JSON.stringify({ median: median(ms.slice(WARMUP)), describe: getBackend().describe() }));
} else {
  const rounds = Number(process.argv[2] ?? 3), steps = Number(process.argv[3] ?? 40);
  const self = fileURLToPath(import.meta.url);
  const runs = new Map<string, number[]>();
  const about = new Map<string, string>();
  const record = (impl: string, ms: number, what: string): void => {
    runs.set(impl, [...(runs.get(impl) ?? []), ms]);
    about.set(impl, what);
    console.log(`  ${impl.padEnd(14)} ${ms.toFixed(1)} ms/step`);
  };
  const chromium = findChromium();
  const dist = join(tmpdir(), 'groundup-web-step-time');
  let page: Awaited<ReturnType<typeof servePage>> | null = null;
  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  if (chromium.ok) {
    await buildPage(dist);
    page = await servePage(dist);
    browser = await launchChromium(chromium.path);
  } else console.log(`page: skipped (${chromium.reason})`);
  try {
    for (let r = 1; r <= rounds; r++) {
      console.log(`round ${r}/${rounds}`);
      for (const name of ['native', 'wasm-mt', 'wasm', 'js'] as const) {
        const p = spawnSync(process.execPath, ['--import', 'tsx', self, '--one', name, String(steps)], { encoding: 'utf8', env: { ...process.env, GROUNDUP_QUIET: '1' } });
        const line = p.stdout.trim().split('\n').pop() ?? '';
        if (p.status !== 0 || !line.startsWith('{')) { console.log(`  node:${name}: failed: ${(p.stderr || p.stdout).trim().split('\n').pop()}`); continue; }
        const o = JSON.parse(line) as { median: number; describe: string };
        record(`node:${name}`, o.median, o.describe);
      }
      if (!browser || !page) continue;
      for (const name of ['wasm-mt', 'wasm', 'js'] as const) {
        const tab = await browser.newPage();
        await tab.goto(`${page.url}?steps=${steps}&backend=${name}`);
        await tab.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
        await tab.click('#train');
        await tab.waitForSelector('body[data-state="trained"]', { timeout: 30 * 60_000 });
        record(`page:${name}`, Number(await tab.getAttribute('body', 'data-step-ms')), (await tab.textContent('#backend'))!.split(' · ')[2] ?? name);
        await tab.close();
      }
    }
  } finally {
    await browser?.close();
    await page?.server.close();
  }
  const base = median(runs.get('node:native') ?? [NaN]);
  console.log(`\nsimple_cnn (BatchNorm) train step, batch 64, ${steps} steps per run (median after ${WARMUP}), ${rounds} rounds:\n`);
  const best = Math.min(...(runs.get('node:native') ?? [NaN]));
  console.log('| impl | ms/step, median of runs | × node:native | best run | × node:native | runs | what |\n|---|---:|---:|---:|---:|---|---|');
  for (const [impl, ms] of runs)
    console.log(`| ${impl} | ${median(ms).toFixed(1)} | ${(median(ms) / base).toFixed(2)} | ${Math.min(...ms).toFixed(1)} | ${(Math.min(...ms) / best).toFixed(2)} | ${ms.map((v) => v.toFixed(0)).join(', ')} | ${about.get(impl)} |`);
}
