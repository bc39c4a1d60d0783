// The bench's own arithmetic and outputs: FLOP counts, ratios, the JSON schema, the SVG writer,
// and a smoke run (one sample of tiny cases per implementation) that must write a row for each
// available groundup backend. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendTable } from '@groundup/kernels';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convForwardFlops, gemmFlops } from '../../bench/lib/flops.ts';
import { speedRatio, withRatios } from '../../bench/lib/ratios.ts';
import type { Row } from '../../bench/lib/types.ts';
import { resultsProblems } from '../../bench/report/json.ts';
import { barChartSvg, barLength } from '../../bench/report/svg.ts';

/** A small well-formedness check: tags nest and close, the root is <svg>, no stray < or &. */
function xmlProblems(xml: string): string[] {
  const body = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  const p: string[] = [];
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/g)) {
    if (!m[2]) { p.push(`stray '${m[0]}' at ${m.index}`); continue; }
    if (m[1]) { if (stack.pop() !== m[2]) p.push(`</${m[2]}> does not close the open element`); }
    else if (!m[4]) stack.push(m[2]);
  }
  if (stack.length) p.push(`unclosed: ${stack.join(', ')}`);
  if (!/^<svg[\s>]/.test(body)) p.push('the root element is not <svg>');
  return p;
}

const unit = suite('bench arithmetic and reports');
unit('GEMM FLOPs are 2·m·n·k; conv FLOPs are those of its GEMM form', () => {
  assert.is(gemmFlops({ m: 512, n: 512, k: 512 }), 2 * 512 ** 3);
  assert.is(gemmFlops({ m: 5, n: 10, k: 784 }), 78400);
  // batch 64, 1→4 channels, 3×3, stride 2, padding 1 on 28×28: out 14×14
  assert.is(convForwardFlops({ n: 64, c: 1, h: 28, w: 28, o: 4, kh: 3, kw: 3, stride: 2, pad: 1 }), 2 * 64 * 4 * 1 * 9 * 14 * 14);
});
const row = (impl: string, ms: number | null, c = '512³'): Row => ({ suite: 'gemm', case: c, impl, threads: 1, ms, gflops: null, spread: null, samples: 3, ...(ms === null ? { skipped: 'absent' } : {}) });
unit('ratios are peer time / groundup time, within the same case only, for groundup rows only', () => {
  assert.is(speedRatio(2, 6), 3);
  const rows = withRatios([row('groundup:js', 10), row('tfjs:cpu', 50), row('torch', 5), row('openblas:1t', null), row('tfjs:cpu', 1, '64³')]);
  assert.equal(rows[0]!.ratioTo, { 'tfjs:cpu': 5, torch: 0.5 });
  assert.is(rows[1]!.ratioTo, undefined);
});
unit('the JSON schema check accepts a good file and names what is wrong in a bad one', () => {
  const good = { schema: 1, date: new Date().toISOString(), mode: 'quick', machine: { cpu: 'x', cores: 2, node: 'v20' }, rows: [row('groundup:js', 1)] };
  assert.equal(resultsProblems(good), []);
  const bad = { ...good, mode: 'slow', rows: [{ ...row('torch', null), skipped: undefined }] };
  const p = resultsProblems(bad);
  assert.ok(p.some((s) => s.includes("mode must be")) && p.some((s) => s.includes("no time and no 'skipped' reason")), p.join('; '));
});
unit('the SVG is well-formed XML and bar lengths are proportional to the values', () => {
  const svg = barChartSvg('GEMM <512³>', 'GFLOP/s & ratios', [{ title: 'gemm', groups: [{ title: '512³', bars: [
    { label: 'a', value: 10, text: '10', color: '#111' }, { label: 'b', value: 40, text: '40', color: '#222' }] }] }]);
  assert.equal(xmlProblems(svg), []);
  assert.ok(svg.includes('GEMM &lt;512³&gt;') && svg.includes('GFLOP/s &amp; ratios'), 'text is escaped');
  assert.ok(Math.abs(barLength(40, 40) / barLength(10, 40) - 4) < 1e-12);
  assert.is(barLength(0, 40), 0);
  assert.equal(xmlProblems(readFileSync('bench/results/latest.svg', 'utf8')), [], 'the committed chart is well-formed too');
});
unit.run();

const smoke = suite('bench smoke run');
smoke('every available groundup backend writes a gemm row (1 sample, tiny cases, no timing asserted)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gu-bench-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', dir], {
      encoding: 'utf8', env: { ...process.env, GROUNDUP_QUIET: '1' }, timeout: 240_000, maxBuffer: 1 << 26,
    });
    assert.is(r.status, 0, `bench --smoke failed: ${r.stderr?.slice(-2000)}`);
    const res = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as { rows: Row[] };
    assert.equal(resultsProblems(res), []);
    for (const b of backendTable()) {
      const rows = res.rows.filter((x) => x.suite === 'gemm' && x.impl === `groundup:${b.name}`);
      assert.ok(rows.length > 0, `no gemm row for groundup:${b.name}`);
      if (b.available) assert.ok(rows.some((x) => x.ms !== null), `groundup:${b.name} is available but has no timed gemm row`);
      else assert.ok(rows.every((x) => typeof x.skipped === 'string'), `groundup:${b.name} rows must say why they were skipped`);
      // The memory suite runs memory/simple-cnn-steps.mjs under plain node: a peak RSS per available backend.
      const mem = res.rows.filter((x) => x.suite === 'memory' && x.impl === `groundup:${b.name}`);
      if (b.available) assert.ok(mem.length === 1 && (mem[0]!.peakRssMB ?? 0) > 0, `groundup:${b.name} has no memory row: ${JSON.stringify(mem)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
smoke.run();
