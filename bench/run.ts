// pnpm bench [--quick] [suite ...]: every groundup backend and every peer, in one run, into
// bench/results/latest.{json,md,svg} (and a dated copy of the JSON).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { casesFor } from './cases.ts';
import { parseArgs, usage } from './lib/args.ts';
import { heading, info } from './lib/log.ts';
import { describeMachine, loadNow } from './lib/machine.ts';
import { benchDir, repoRoot } from './lib/optional.ts';
import { withRatios } from './lib/ratios.ts';
import type { BenchResults, Row, SuiteName } from './lib/types.ts';
import { recordVersion, versions } from './lib/versions.ts';
import { writeJson } from './report/json.ts';
import { fmtRatio, markdownReport } from './report/markdown.ts';
import { resultsSvg } from './report/svg.ts';
import { conv2dSuite } from './suites/conv2d.ts';
import { gemmSuite } from './suites/gemm.ts';
import { memorySuite } from './suites/memory.ts';
import { groundupBackends } from './suites/groundup.ts';
import { overheadSuite } from './suites/overhead.ts';
import { rnnSuite } from './suites/rnn-train.ts';
import { runSuite, type SuiteDef } from './suites/suite.ts';
import { trainStepSuite } from './suites/train-step.ts';

const suites: Record<SuiteName, SuiteDef> = { gemm: gemmSuite, conv2d: conv2dSuite, 'train-step': trainStepSuite, overhead: overheadSuite, rnn: rnnSuite, memory: memorySuite };

function packageVersion(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function noteVersions(): void {
  const known: [string, string][] = [
    ['groundup', 'packages/groundup/package.json'],
    ['tfjs', 'bench/node_modules/@tensorflow/tfjs-core/package.json'],
    ['onnxruntime-node', 'bench/node_modules/onnxruntime-node/package.json'],
    ['benny', 'bench/node_modules/benny/package.json'],
  ];
  for (const [name, file] of known) {
    const v = packageVersion(file);
    if (v) recordVersion(name, v);
  }
}

/** The headline: each groundup row's ratios on the square GEMMs. */
function headline(rows: readonly Row[]): void {
  const sq = rows.filter((r) => r.suite === 'gemm' && /^\d+³$/.test(r.case) && r.ratioTo);
  if (!sq.length) return;
  heading('ratios (peer ms / groundup ms; above 1×: groundup faster)');
  for (const r of sq) info(`  ${r.case.padEnd(6)} ${r.impl.padEnd(17)} ${Object.entries(r.ratioTo!).map(([p, x]) => `${p} ${fmtRatio(x)}`).join(', ')}`);
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), benchDir);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (opts.help) {
    console.log(usage);
    return;
  }
  // This run prints backend availability itself; keep the registry's fallback notice quiet.
  process.env.GROUNDUP_QUIET ??= '1';
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = describeMachine();
  noteVersions();
  info(`groundup bench (${opts.smoke ? 'smoke' : opts.quick ? 'quick' : 'full'}): ${opts.suites.join(', ')}`);
  info(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${opts.budget.maxTime} s and ≥ ${opts.budget.minSamples} samples per case and implementation`);
  for (const b of groundupBackends()) info(`  ${b.impl.padEnd(19)} ${b.ok ? `available (${b.detail})` : `unavailable: ${b.reason}`}`);

  let rows: Row[] = [];
  for (const name of opts.suites) rows.push(...(await runSuite(suites[name], casesFor(name, opts.quick, opts.smoke), opts.budget)));
  rows = withRatios(rows);
  machine.load[1] = loadNow();

  const results: BenchResults = {
    schema: 1,
    date,
    mode: opts.smoke ? 'smoke' : opts.quick ? 'quick' : 'full',
    suites: opts.suites,
    machine,
    versions: versions(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    rows,
  };
  const { latest, dated } = writeJson(results, opts.outDir);
  writeFileSync(join(opts.outDir, 'latest.md'), markdownReport(results));
  writeFileSync(join(opts.outDir, 'latest.svg'), resultsSvg(results));
  headline(rows);
  heading(`done in ${results.seconds} s`);
  info(`  ${latest}\n  ${dated}\n  ${join(opts.outDir, 'latest.md')}\n  ${join(opts.outDir, 'latest.svg')}`);
}

main().then(
  // onnxruntime and the tfjs wasm module may keep worker threads alive: end explicitly.
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${(e as Error)?.stack ?? e}`);
    process.exit(1);
  },
);
