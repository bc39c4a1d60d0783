// wasm-mt's workers: they start lazily, take chunks of threaded calls, retire when idle and come
// back on the next call, and never keep a script alive.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { createWasmBackend } from '../../packages/kernels/src/wasm/backend.ts';
import { loadModule } from '../../packages/kernels/src/wasm/module.ts';

const root = join(import.meta.dirname, '..', '..');
const built = loadModule();
const test = suite('wasm-mt workers');

function ones(m: number, n: number, k: number): GemmArgs {
  return { transA: false, transB: false, m, n, k, alpha: 1, beta: 0, a: new Float32Array(m * k).fill(1), aOffset: 0, lda: k, strideA: 0,
    b: new Float32Array(k * n).fill(1), bOffset: 0, ldb: n, strideB: 0, c: new Float32Array(m * n), cOffset: 0, ldc: n, strideC: 0, batch: 1 };
}

if (!built.ok) skip(test, 'wasm-mt workers', `wasm-mt unavailable: ${built.reason}`);
else {
  const loaded = built.loaded;

  test('a script that used wasm-mt exits by itself, workers still alive', () => {
    const code = `const k = await import('@groundup/kernels');
      const b = k.findBackend('wasm-mt'); const n = 256;
      const p = { transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a: new Float32Array(n * n).fill(1), aOffset: 0, lda: n, strideA: 0,
        b: new Float32Array(n * n).fill(1), bOffset: 0, ldb: n, strideB: 0, c: new Float32Array(n * n), cOffset: 0, ldc: n, strideC: 0, batch: 1 };
      b.kernels.gemm(p);
      console.log(JSON.stringify({ c: p.c[0], live: b.internals.pool.liveWorkers() }));`;
    const t0 = Date.now();
    // a long idle time: the exit must come from unref'd workers, not from their retiring
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: root, encoding: 'utf8', timeout: 20000, env: { ...process.env, GROUNDUP_WASM_IDLE_MS: '600000', GROUNDUP_THREADS: '2' },
    });
    assert.is(r.status, 0, `exit ${r.status} signal ${r.signal}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim()) as { c: number; live: number };
    assert.is(out.c, 256);
    assert.is(out.live, 1);
    assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0} ms`);
  });

  test('workers take chunks, retire when idle, and come back', async () => {
    const b = createWasmBackend('wasm-mt', loaded, 2, { idleMs: 150 });
    const { pool } = b.internals;
    assert.is(pool.liveWorkers(), 0, 'no worker before the first threaded call');
    const p = ones(256, 256, 256);
    b.kernels.gemm!(ones(8, 8, 8)); // small: stays on the main thread
    assert.is(pool.liveWorkers(), 0);
    const until = Date.now() + 5000;
    while (pool.stats.workerChunks === 0 && Date.now() < until) {
      b.kernels.gemm!(p);
      await sleep(5);
    }
    assert.ok(pool.stats.workerChunks > 0, 'the worker never took a chunk');
    assert.ok(p.c.every((v) => v === 256));
    assert.is(pool.liveWorkers(), 1);
    await sleep(600);
    assert.is(pool.liveWorkers(), 0, 'the idle worker did not retire');
    p.c.fill(0);
    b.kernels.gemm!(p);
    assert.ok(p.c.every((v) => v === 256));
    assert.is(pool.liveWorkers(), 1, 'a new worker starts on the next threaded call');
  });

  test('GROUNDUP_THREADS-sized pools: 4 threads = main + 3 workers, results unchanged', () => {
    const b = createWasmBackend('wasm-mt', loaded, 4, { idleMs: 100 });
    const p = ones(300, 200, 100);
    b.kernels.gemm!(p);
    assert.ok(p.c.every((v) => v === 100));
    assert.is(b.internals.pool.liveWorkers(), 3);
    assert.match(b.describe(), '4 threads (main + 3 workers)');
  });
}

test.run();
