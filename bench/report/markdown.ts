// bench/results/latest.md: per suite, a table of times and a table of ratios (peer ms / groundup ms).
import { implRank } from '../lib/rows.ts';
import { isGroundup, type BenchResults, type Row, type SuiteName } from '../lib/types.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** A time with its unit: 612 ms, 3.97 ms, 152 µs, 5.5 µs. */
export function fmtMs(ms: number): string {
  const three = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  return ms >= 1 ? `${three(ms)} ms` : `${three(ms * 1000)} µs`;
}
export const fmtGflops = (g: number | null): string => (g === null ? '' : g < 10 ? g.toFixed(2) : g.toFixed(1));
export const fmtRatio = (r: number): string => `${r < 0.1 ? r.toPrecision(2) : r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;

function memoryTable(rows: readonly Row[]): string[] {
  const out = ['| case | impl | threads | peak RSS | RSS before the model | time per step |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    if (r.ms === null || r.peakRssMB === undefined) continue;
    out.push(`| ${cell(r.case)} | ${r.impl} | ${r.threads ?? ''} | ${r.peakRssMB.toFixed(1)} MiB | ${(r.baseRssMB ?? 0).toFixed(1)} MiB | ${fmtMs(r.ms)} |`);
  }
  return out;
}

function timesTable(rows: readonly Row[]): string[] {
  if (rows.some((r) => r.suite === 'memory')) return memoryTable(rows);
  const flops = rows.some((r) => r.gflops !== null);
  const out = [
    `| case | impl | threads | time |${flops ? ' GFLOP/s |' : ''} IQR |`,
    `| --- | --- | ---: | ---: |${flops ? ' ---: |' : ''} ---: |`,
  ];
  for (const r of rows) {
    if (r.ms === null) continue;
    const impl = r.note ? `${r.impl} ¹` : r.impl;
    const gf = flops ? ` ${fmtGflops(r.gflops)} |` : '';
    out.push(`| ${cell(r.case)} | ${impl} | ${r.threads ?? ''} | ${fmtMs(r.ms)} |${gf} ${r.spread === null ? '' : `${(r.spread * 100).toFixed(1)}%`} |`);
  }
  return out;
}

function ratioTable(rows: readonly Row[]): string[] {
  const ours = rows.filter((r) => isGroundup(r.impl) && r.ratioTo);
  if (ours.length === 0) return [];
  const peers = [...new Set(ours.flatMap((r) => Object.keys(r.ratioTo!)))].sort((a, b) => implRank(a) - implRank(b));
  const out = [
    '',
    ours[0]!.suite === 'memory'
      ? 'Ratio = peer peak RSS / groundup peak RSS (above 1×: groundup uses less memory).'
      : 'Ratio = peer time / groundup time on the same case (above 1×: groundup is faster).',
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
  // One line per reason, naming the implementations and cases it kept from running.
  const skips = new Map<string, { impls: Set<string>; cases: Set<string> }>();
  for (const r of rows) {
    if (r.ms !== null) continue;
    const reason = r.skipped ?? 'no time';
    const s = skips.get(reason) ?? { impls: new Set<string>(), cases: new Set<string>() };
    s.impls.add(r.impl);
    s.cases.add(r.case);
    skips.set(reason, s);
  }
  if (skips.size) {
    const allCases = new Set(rows.map((r) => r.case)).size;
    out.push('', 'Not run:', '');
    for (const [reason, s] of skips) {
      const where = s.cases.size === allCases ? (allCases === 1 ? '' : ' (all cases)') : ` (${[...s.cases].join(', ')})`;
      out.push(`- ${[...s.impls].map((i) => `**${i}**`).join(', ')}: ${reason}${where}`);
    }
  }
  return out;
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const v = Object.entries(res.versions).map(([k, x]) => `${k} ${x}`).join(', ');
  const lines = [
    '# groundup benchmarks',
    '',
    `${res.date.slice(0, 16).replace('T', ' ')} UTC, ${res.mode === 'full' ? '`pnpm bench`' : `\`pnpm bench --${res.mode}\``} (${Math.round(res.seconds)} s). ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} ${m.arch}, Node ${m.node} (V8 ${m.v8}).`,
    '',
    `Versions: ${v || 'n/a'}.`,
    ...(Math.max(...m.load) > m.cores
      ? ['', `**The machine was busy**: load average ${m.load[0]} at the start and ${m.load[1]} at the end, on ${m.cores} cores. ` +
        'Other work competed for the CPU, so the numbers (multi-threaded rows above all) are noisier and lower than on an idle machine.']
      : []),
    '',
    'time = median of one call; GFLOP/s = FLOPs of the case (2·m·n·k; a conv counts its GEMM form, 3× for forward + backward) / median; ' +
      'IQR = interquartile range / median. groundup rows time the kernels (gemm, conv2d) or the tensor ops (overhead, train-step) of each backend.',
  ];
  for (const suite of res.suites as SuiteName[]) {
    const rows = res.rows.filter((r) => r.suite === suite);
    if (rows.length === 0) continue;
    lines.push('', `## ${suite}`, '', ...timesTable(rows), ...ratioTable(rows), ...notesAndSkips(rows));
  }
  return lines.join('\n') + '\n';
}
