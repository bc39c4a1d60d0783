// pnpm bench:goals: the speed goals of the native, wasm, pure-TS and train-step issues beside the latest ratios.
// Reads bench/results/latest.json (or the file given as the first argument); prints; never times.
import { join } from 'node:path';
import { benchDir } from './lib/optional.ts';
import { isGroundup, type BenchResults, type Row } from './lib/types.ts';
import { readResults } from './report/json.ts';
import { fmtRatio } from './report/markdown.ts';

export interface Goal {
  /** What the goal says, e.g. "wasm ≥ 1.5× tfjs:wasm, GEMM" (the case is printed beside it). */
  text: string;
  suite: Row['suite'];
  /** Cases it applies to: exact ids, or a test. */
  cases: (id: string) => boolean;
  /** The groundup implementation, or 'best' for the fastest available groundup row. */
  impl: string;
  /** The peer, or several of which the fastest measured one counts (torch with 1 or all threads). */
  peer: string | readonly string[];
  /** Lowest speed ratio (peer ms / groundup ms) that meets the goal. */
  atLeast: number;
}

export const goals: readonly Goal[] = [
  { text: 'native ≥ 1.0× openblas:2t, GEMM', suite: 'gemm', cases: (c) => c === '1024³', impl: 'groundup:native', peer: 'openblas:2t', atLeast: 1 },
  { text: 'wasm ≥ 1.5× tfjs:wasm, GEMM', suite: 'gemm', cases: (c) => c === '512³', impl: 'groundup:wasm', peer: 'tfjs:wasm', atLeast: 1.5 },
  { text: 'wasm-mt ≥ 2.5× tfjs:wasm, GEMM', suite: 'gemm', cases: (c) => c === '512³', impl: 'groundup:wasm-mt', peer: 'tfjs:wasm', atLeast: 2.5 },
  { text: 'js ≥ 3× tfjs:cpu, GEMM', suite: 'gemm', cases: (c) => c === '512³' || c === '1024³', impl: 'groundup:js', peer: 'tfjs:cpu', atLeast: 3 },
  { text: 'conv2d: best backend ≤ 1.0× torch time (faster of torch, torch:1t)', suite: 'conv2d', cases: () => true, impl: 'best', peer: ['torch', 'torch:1t'], atLeast: 1 },
  // Issue 13: the train step faster than PyTorch on the CPU.
  { text: 'simple_net step: best backend ≥ 1.3× the faster of torch, torch:1t', suite: 'train-step', cases: (c) => c.startsWith('simple_net b256'), impl: 'best', peer: ['torch', 'torch:1t'], atLeast: 1.3 },
  { text: 'simple_cnn step: best backend ≥ 1.2× the faster of torch, torch:1t', suite: 'train-step', cases: (c) => c.startsWith('simple_cnn b64'), impl: 'best', peer: ['torch', 'torch:1t'], atLeast: 1.2 },
  { text: '100-op chain: best backend ≥ 0.7× torch', suite: 'overhead', cases: (c) => c.startsWith('100-op chain'), impl: 'best', peer: ['torch', 'torch:1t'], atLeast: 0.7 },
  { text: 'add on 10 elements: best backend ≥ 1.0× torch', suite: 'overhead', cases: (c) => c === 'add [10]', impl: 'best', peer: ['torch', 'torch:1t'], atLeast: 1 },
  // The js and wasm backends' train steps: no regression from before issue 13 (their ratios to torch in bench/results of 2026-11-22).
  { text: 'simple_cnn step, js: no regression (≥ 0.083× torch)', suite: 'train-step', cases: (c) => c.startsWith('simple_cnn b64'), impl: 'groundup:js', peer: ['torch', 'torch:1t'], atLeast: 0.083 },
  { text: 'simple_net step, js: no regression (≥ 0.081× torch)', suite: 'train-step', cases: (c) => c.startsWith('simple_net b256'), impl: 'groundup:js', peer: ['torch', 'torch:1t'], atLeast: 0.081 },
  { text: 'simple_cnn step, wasm: no regression (≥ 0.29× torch)', suite: 'train-step', cases: (c) => c.startsWith('simple_cnn b64'), impl: 'groundup:wasm', peer: ['torch', 'torch:1t'], atLeast: 0.29 },
  { text: 'simple_net step, wasm: no regression (≥ 0.37× torch)', suite: 'train-step', cases: (c) => c.startsWith('simple_net b256'), impl: 'groundup:wasm', peer: ['torch', 'torch:1t'], atLeast: 0.37 },
  { text: 'memory: peak RSS of 1,000 simple_cnn steps, native ≤ torch (ratio = torch MB / groundup MB)', suite: 'memory', cases: () => true, impl: 'groundup:native', peer: 'torch', atLeast: 1 },
];

export interface Verdict { goal: string; case: string; impl: string; ratio: number | null; holds: boolean | null; why?: string }

/** A row's time, or its peak RSS for memory rows (smaller is better either way). */
const valueOf = (r: Row): number | null => (r.suite === 'memory' ? r.peakRssMB ?? null : r.ms);

export function judge(res: BenchResults, goal: Goal): Verdict[] {
  const rows = res.rows.filter((r) => r.suite === goal.suite && goal.cases(r.case));
  const cases = [...new Set(rows.map((r) => r.case))];
  if (cases.length === 0) return [{ goal: goal.text, case: '', impl: goal.impl, ratio: null, holds: null, why: `no ${goal.suite} rows in this run` }];
  return cases.map((c): Verdict => {
    const here = rows.filter((r) => r.case === c);
    const peers = typeof goal.peer === 'string' ? [goal.peer] : goal.peer;
    const peerName = peers.join(' / ');
    const peer = here.filter((r) => peers.includes(r.impl)).sort((a, b) => (valueOf(a) ?? Infinity) - (valueOf(b) ?? Infinity))[0];
    const ours = goal.impl === 'best'
      ? here.filter((r) => isGroundup(r.impl) && valueOf(r) !== null).sort((a, b) => valueOf(a)! - valueOf(b)!)[0]
      : here.find((r) => r.impl === goal.impl);
    const base = { goal: goal.text, case: c, impl: ours?.impl ?? goal.impl };
    if (!peer || valueOf(peer) === null) return { ...base, ratio: null, holds: null, why: `${peerName} not measured${peer?.skipped ? `: ${peer.skipped}` : ''}` };
    if (!ours || valueOf(ours) === null) {
      const why = ours?.skipped ?? here.find((r) => isGroundup(r.impl))?.skipped ?? 'no groundup row';
      return { ...base, ratio: null, holds: null, why: `${base.impl} not measured: ${why}` };
    }
    const ratio = valueOf(peer)! / valueOf(ours)!;
    return { ...base, impl: peers.length > 1 ? `${base.impl} vs ${peer.impl}` : base.impl, ratio, holds: ratio >= goal.atLeast };
  });
}

function main(): void {
  const file = process.argv[2] ?? join(benchDir, 'results', 'latest.json');
  let res: BenchResults;
  try {
    res = readResults(file);
  } catch (e) {
    console.error(`bench:goals: cannot read ${file}: ${(e as Error).message}. Run \`pnpm bench --quick\` first.`);
    process.exit(1);
  }
  console.log(`goals against ${file} (${res.mode} run of ${res.date.slice(0, 16).replace('T', ' ')} UTC; ratio = peer time / groundup time)\n`);
  for (const g of goals) {
    for (const v of judge(res, g)) {
      const status = v.holds === null ? 'n/a ' : v.holds ? 'MET ' : 'NOT MET';
      const measured = v.ratio === null ? '' : `${fmtRatio(v.ratio)} (${v.impl})`;
      console.log(`${status.padEnd(8)} ${v.goal}${v.case ? ` [${v.case}]` : ''}${measured ? `: ${measured}` : ''}${v.why ? ` — ${v.why}` : ''}`);
    }
  }
}

if (process.argv[1] && /goals\.ts$/.test(process.argv[1])) main();
