// Loading the Wasm module: the relaxed-SIMD build where the runtime validates it, the plain one
// otherwise; without the files the backends are unavailable with a reason, and auto falls back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availability, type GemmArgs } from '@groundup/kernels';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWasmBackend, threadCount } from '../../packages/kernels/src/wasm/backend.ts';
import { registerWasmBackends } from '../../packages/kernels/src/wasm/loader.ts';
import { defaultBuildDir, files, loadModule } from '../../packages/kernels/src/wasm/module.ts';

const root = join(import.meta.dirname, '..', '..');
const built = loadModule();
const test = suite('wasm loader');

test('missing files: not available, with the reason and the command that fixes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-wasm-'));
  try {
    const r = loadModule(dir);
    assert.ok(!r.ok);
    if (!r.ok) {
      assert.match(r.reason, files.simd);
      assert.match(r.reason, 'pnpm build:wasm');
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('missing files: `pnpm backends` says why, and `auto` falls back (in fresh processes)', () => {
  const env = { ...process.env, GROUNDUP_WASM_DIR: join(tmpdir(), 'groundup-no-such-dir'), GROUNDUP_QUIET: '0', GROUNDUP_VERBOSE: '1', GROUNDUP_BACKEND: 'auto' };
  const code = `const k = await import('@groundup/kernels');
    console.log(JSON.stringify({ wasm: k.availability('wasm'), mt: k.availability('wasm-mt'), auto: k.getBackend().name }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { wasm: { ok: boolean; reason?: string }; mt: { ok: boolean }; auto: string };
  assert.is(out.wasm.ok, false);
  assert.is(out.mt.ok, false);
  assert.match(out.wasm.reason ?? '', 'pnpm build:wasm');
  assert.ok(!['wasm', 'wasm-mt'].includes(out.auto), `auto chose ${out.auto}`);
  // with GROUNDUP_VERBOSE=1, auto says why it passed over wasm when it had to (a built native addon comes first)
  if (out.auto === 'js') assert.match(r.stderr, /wasm.*pnpm build:wasm/);
  const table = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'backends.ts')], { cwd: root, encoding: 'utf8', env });
  assert.is(table.status, 0, table.stderr);
  assert.match(table.stdout, /^wasm\s+no\s+.*pnpm build:wasm/m);
  assert.match(table.stdout, /^wasm-mt\s+no\s+.*pnpm build:wasm/m);
});

test('the built module: relaxed SIMD where it validates, plain SIMD when asked', () => {
  assert.ok(built.ok, built.ok ? '' : built.reason);
  if (!built.ok) return;
  assert.is(built.loaded.variant, 'relaxed-simd'); // Node 20 validates it once the V8 flag is set
  const plain = loadModule(undefined, false);
  assert.ok(plain.ok && plain.loaded.variant === 'simd');
});

test('a relaxed build the runtime rejects falls back to the plain build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-wasm-'));
  try {
    writeFileSync(join(dir, files.simd), readFileSync(join(defaultBuildDir(), files.simd)));
    writeFileSync(join(dir, files['relaxed-simd']), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255])); // not a valid module
    const r = loadModule(dir);
    assert.ok(r.ok && r.loaded.variant === 'simd');
    writeFileSync(join(dir, files.simd), new Uint8Array([1, 2, 3]));
    const bad = loadModule(dir);
    assert.ok(!bad.ok && /does not validate/.test(bad.reason));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a module built from older sources (missing exports) is reported stale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-wasm-'));
  // a valid module that imports the shared memory and exports nothing
  const empty = [0, 97, 115, 109, 1, 0, 0, 0, 2, 18, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3, 2, 0x80, 0x80, 4];
  try {
    writeFileSync(join(dir, files.simd), new Uint8Array(empty));
    registerWasmBackends(dir);
    const av = availability('wasm');
    assert.ok(!av.ok && /stale.*gemmChunk.*pnpm build:wasm/.test(av.reason), JSON.stringify(av));
  } finally {
    registerWasmBackends();
    rmSync(dir, { recursive: true });
  }
  assert.ok(availability('wasm').ok);
});

test('relaxed and plain modules compute the same GEMM', () => {
  const plain = loadModule(undefined, false);
  assert.ok(built.ok && plain.ok);
  if (!built.ok || !plain.ok) return;
  const m = 37, n = 45, k = 300;
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const run = (c: Float32Array): GemmArgs => ({ transA: false, transB: false, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: k, strideA: 0,
    b, bOffset: 0, ldb: n, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, batch: 1 });
  const c1 = new Float32Array(m * n), c2 = new Float32Array(m * n);
  createWasmBackend('wasm', built.loaded, 1).kernels.gemm!(run(c1));
  createWasmBackend('wasm', plain.loaded, 1).kernels.gemm!(run(c2));
  for (let i = 0; i < c1.length; i++) assert.ok(Math.abs(c1[i]! - c2[i]!) <= 1e-4 * (1 + Math.abs(c2[i]!)), `c[${i}] ${c1[i]} vs ${c2[i]}`);
});

test('GROUNDUP_THREADS: default 2 (1 on one CPU), a count, and a clear error otherwise', () => {
  assert.is(threadCount(undefined, 8), 2);
  assert.is(threadCount(undefined, 1), 1);
  assert.is(threadCount('4', 1), 4);
  assert.is(threadCount('3'), 3);
  assert.is(threadCount('1'), 1);
  assert.throws(() => threadCount('two'), /GROUNDUP_THREADS/);
  assert.throws(() => threadCount('0'), /GROUNDUP_THREADS/);
});

test.run();
