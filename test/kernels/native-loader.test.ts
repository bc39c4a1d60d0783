// Loading the addon: a missing build says why and how to fix it, GROUNDUP_THREADS sizes the
// pool, a CPU without AVX2 is refused (never SIGILL), and cuda says why it is unavailable.
// Each case that needs a fresh environment runs in a child process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availability, findBackend, type Availability } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { referenceGemm, worstError } from '../helpers/reference.ts';

const root = join(import.meta.dirname, '..', '..');
const test = suite('native loader');
const nativeAv = availability('native');

interface Probe { native: Availability; cuda: Availability; auto: string; describe: string; threads?: number; call?: string }

/** Loads @groundup/kernels in a fresh process with extra environment and reports what it sees. */
function probe(env: Record<string, string>): Probe {
  const code = `const k = await import('@groundup/kernels');
    const { nativeAddon } = await import('./packages/kernels/src/native/addon.ts');
    const a = nativeAddon();
    let call = 'none';
    try {
      const f = new Float32Array(1);
      k.findBackend('native').kernels.gemm?.({ transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, beta: 0, a: f, aOffset: 0, lda: 1, strideA: 0, b: f, bOffset: 0, ldb: 1, strideB: 0, c: f, cOffset: 0, ldc: 1, strideC: 0, batch: 1 });
      call = 'ok';
    } catch (e) { call = e.name + ': ' + e.message; }
    console.log(JSON.stringify({ native: k.availability('native'), cuda: k.availability('cuda'), auto: k.getBackend().name,
      describe: k.findBackend('native').describe(), threads: a?.info().threads, call }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root, encoding: 'utf8', env: { ...process.env, GROUNDUP_QUIET: '1', GROUNDUP_BACKEND: 'auto', ...env },
  });
  assert.is(r.status, 0, `child failed (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Probe;
}

test('not built: both backends unavailable, with the build reason and the fix; auto falls back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-addon-'));
  try {
    mkdirSync(join(dir, 'Release'));
    writeFileSync(join(dir, 'reason.txt'), 'cmake not found; install cmake (apt-get install cmake)\n');
    const p = probe({ GROUNDUP_ADDON: join(dir, 'Release', 'groundup_addon.node') });
    assert.is(p.native.ok, false);
    assert.is(p.cuda.ok, false);
    const reason = p.native.ok ? '' : p.native.reason;
    assert.match(reason, 'not built (cmake not found; install cmake (apt-get install cmake)); run `pnpm build:addon`');
    assert.ok(p.auto !== 'native' && p.auto !== 'cuda', `auto chose ${p.auto}`);
    rmSync(join(dir, 'reason.txt'));
    const q = probe({ GROUNDUP_ADDON: join(dir, 'Release', 'groundup_addon.node') });
    assert.match(q.native.ok ? '' : q.native.reason, /not built \(.*groundup_addon\.node is missing\)/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

if (!nativeAv.ok) {
  skip(test, 'native loader', `native unavailable: ${nativeAv.reason}`);
} else {
  test('GROUNDUP_THREADS sizes the pool', () => {
    for (const n of ['1', '3']) {
      const p = probe({ GROUNDUP_THREADS: n });
      assert.is(p.threads, Number(n));
      assert.match(p.describe, `${n} thread(s)`);
    }
  });

  test('a CPU without AVX2/FMA: native refuses with the reason, calls throw, no SIGILL', () => {
    const p = probe({ GROUNDUP_CPU_BASELINE: '1' });
    assert.is(p.native.ok, false);
    assert.match(p.native.ok ? '' : p.native.reason, 'lacks AVX2/FMA (x86-64-v3)');
    assert.match(p.call ?? '', /BackendError: native gemm: this CPU lacks AVX2\/FMA/);
    assert.ok(p.auto !== 'native');
  });

  test('cuda reports whether it is usable, with a reason when not', () => {
    const av = availability('cuda');
    if (av.ok) {
      assert.match(findBackend('cuda')!.describe(), 'CUDA on');
      return;
    }
    assert.match(av.reason, /^(no CUDA device \(\d+: .+\)|not compiled \(.+\))$/);
  });
}

const cudaAv = availability('cuda');
if (!cudaAv.ok) {
  skip(test, 'native loader', `cuda GEMM on a device: cuda unavailable: ${cudaAv.reason}`);
} else {
  test('cuda GEMM on a device matches the reference', () => {
    const m = 37, n = 70, k = 19;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const c = new Float32Array(m * n);
    findBackend('cuda')!.kernels.gemm!({ transA: false, transB: false, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: k, strideA: 0, b, bOffset: 0, ldb: n, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, batch: 1 });
    assert.ok(worstError(c, referenceGemm(a, b, m, n, k, false, false), 1e-4, 1e-4).ratio <= 1);
  });
}

test.run();
