// bench/results/latest.md: per suite, a table of times and a table of ratios (peer ms / groundup ms).
import { implRank } from '../lib/rows.ts';
import { isGroundup, type BenchResults, type Row, type SuiteName } from '../lib/types.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function fmtMs(ms: number): string {
  if (ms < 0.01) return ms.toPrecision(2);
  if (ms < 10) return ms.toFixed(ms < 0.1 ? 4 : ms < 1 ? 3 : 2);
  return ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}
export const fmtGflops = (g: number | null): string => (g === null ? '' : g < 10 ? g.toFixed(2) : g.toFixed(1));
export const fmtRatio = (r: number): string => `${r < 0.1 ? r.toPrecision(2) : r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;

function timesTable(rows: readonly Row[]): string[] {
  const out = ['| case | impl | threads | ms | GFLOP/s | IQR |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    if (r.ms === null) continue;
    const impl = r.note ? `${r.impl} ¹` : r.impl;
    out.push(`| ${cell(r.case)} | ${impl} | ${r.threads ?? ''} | ${fmtMs(r.ms)} | ${fmtGflops(r.gflops)} | ${r.spread === null ? '' : `${(r.spread * 100).toFixed(1)}%`} |`);
  }
  return out;
}

function ratioTable(rows: readonly Row[]): string[] {
  const ours = rows.filter((r) => isGroundup(r.impl) && r.ratioTo);
  if (ours.length === 0) return [];
  const peers = [...new Set(ours.flatMap((r) => Object.keys(r.ratioTo!)))].sort((a, b) => implRank(a) - implRank(b));
  const out = [
    '',
    'Ratio = peer time / groundup time on the same case (above 1×: groundup is faster).',
    '',
    `| case | groundup | ${peers.map((p) => `vs ${p}`).join(' | ')} |`,
    `| --- | --- | ${peers.map(() => '---:').join(' | ')} |`,
  ];
  for (const r of ours) out.push(`| ${cell(r.case)} | ${r.impl} | ${peers.map((p) => (r.ratioTo![p] === undefined ? '' : fmtRatio(r.ratioTo![p]!))).join(' | ')} |`);
  return out;
}

function notesAndSkips(rows: readonly Row[]): string[] {
  const out: string[] = [];
  const notes = [...new Set(rows.filter((r) => r.ms !== null && r.note).map((r) => `${r.impl}: ${r.note}`))];
  if (notes.length) out.push('', ...notes.map((n) => `¹ ${n}  `));
  const skips = new Map<string, string[]>();
  for (const r of rows) {
    if (r.ms !== null) continue;
    const key = `**${r.impl}**: ${r.skipped ?? 'no time'}`;
    skips.set(key, [...(skips.get(key) ?? []), r.case]);
  }
  if (skips.size) {
    out.push('', 'Not run:', '');
    for (const [k, cases] of skips) out.push(`- ${k} (${cases.length === 1 ? cases[0] : `${cases.length} cases`})`);
  }
  return out;
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const v = Object.entries(res.versions).map(([k, x]) => `${k} ${x}`).join(', ');
  const lines = [
    '# groundup benchmarks',
    '',
    `${res.date.slice(0, 16).replace('T', ' ')} UTC, ${res.mode === 'quick' ? '`pnpm bench --quick`' : '`pnpm bench`'} (${Math.round(res.seconds)} s). ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} ${m.arch}, Node ${m.node} (V8 ${m.v8}).`,
    '',
    `Versions: ${v || 'n/a'}.`,
    '',
    'ms = median time of one call; GFLOP/s = FLOPs of the case (2·m·n·k; a conv counts its GEMM form, 3× for forward + backward) / median; ' +
      'IQR = interquartile range / median. groundup rows time the kernels (gemm, conv2d) or the tensor ops (overhead, train-step) of each backend.',
  ];
  for (const suite of res.suites as SuiteName[]) {
    const rows = res.rows.filter((r) => r.suite === suite);
    if (rows.length === 0) continue;
    lines.push('', `## ${suite}`, '', ...timesTable(rows), ...ratioTable(rows), ...notesAndSkips(rows));
  }
  return lines.join('\n') + '\n';
}
