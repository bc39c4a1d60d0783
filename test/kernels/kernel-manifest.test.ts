// The kernel manifest (packages/kernels/src/manifest.ts) is the one declaration of each kernel:
// the generated C++ header matches it, kernelNames covers `Kernels`, the parameter writers follow
// its layouts, and an addon whose exports differ from it is refused at load with a BackendError
// that names the difference and the fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBackend, kernelManifest, kernelNames, paramLayouts, type GemmArgs, type Kernels } from '@groundup/kernels';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../../scripts/gen-kernels.ts';
import { nativeAddon, type NativeAddon } from '../../packages/kernels/src/native/addon.ts';
import { addonExportMismatch, checkAddonExports } from '../../packages/kernels/src/native/exports.ts';
import { addonExportNames } from '../../packages/kernels/src/manifest.ts';
import { writeParams } from '../../packages/kernels/src/native/params.ts';
import { throwsNamed } from '../helpers/assert.ts';
// The source's class, as exports.ts throws it (the package entry resolves to dist/).
import { BackendError } from '../../packages/kernels/src/errors.ts';

const test = suite('kernel manifest');
const root = join(import.meta.dirname, '..', '..');

// Compile-time checks: kernelNames is exactly `Kernels`' keys, and the addon's interface is derived.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesCoverKernels: Same<(typeof kernelNames)[number], keyof Kernels> = true;
const convBinding: Same<NativeAddon['cudaConv2dForward'], (geometry: Float64Array, input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array) => void> = true;
const gemmF64Binding: Same<NativeAddon['gemmF64'], (a: Float64Array, b: Float64Array, c: Float64Array, params: Float64Array) => void> = true;

test('the types derived from the manifest hold', () => {
  assert.ok(namesCoverKernels && convBinding && gemmF64Binding);
  assert.equal([...kernelNames].sort(), Object.keys(kernelManifest).sort());
});

test('addon/src/kernels_gen.h is what the manifest generates (run `pnpm gen:kernels` if not)', () => {
  const have = readFileSync(join(root, 'addon/src/kernels_gen.h'), 'utf8');
  assert.ok(have === generate(), 'the generated header is stale: run `pnpm gen:kernels` and `pnpm build:addon`');
  assert.match(have, 'enum GemmParam { kGemmTransA, kGemmTransB, kGemmM,');
  assert.match(have, 'exports.Set("cudaConv2dBackwardWeight", Napi::Function::New(env, bindCudaConv2dBackwardWeight));');
});

test('writeParams follows the layout: gemm fields in order, booleans as 0/1', () => {
  const f = new Float32Array(1);
  const p: GemmArgs = { transA: true, transB: false, m: 2, n: 3, k: 4, alpha: 0.5, beta: 1, a: f, aOffset: 5, lda: 6, strideA: 7,
    b: f, bOffset: 8, ldb: 9, strideB: 10, c: f, cOffset: 11, ldc: 12, strideC: 13, batch: 14 };
  const P = writeParams(new Float64Array(paramLayouts.gemm.length), 'gemm', p);
  assert.equal([...P], [1, 0, 2, 3, 4, 0.5, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  const S = writeParams(new Float64Array(5), 'sum', { offset: 1, outer: 2, channels: 3, inner: 4, divisor: 5 });
  assert.equal([...S], [1, 2, 3, 4, 5]);
});

/** An exports object with every manifest name, as the addon has. */
const fake = (): Record<string, unknown> => Object.fromEntries(addonExportNames.map((n) => [n, () => undefined]));

test('checkAddonExports: a complete exports object passes', () => {
  const x = fake();
  assert.is(checkAddonExports(x, '/x.node'), x);
  assert.equal(addonExportMismatch(x), { missing: [], extra: [] });
});

test('checkAddonExports: a missing or extra export is a BackendError naming it and the fix', () => {
  const x = fake();
  delete x.conv2dBackwardWeight;
  delete x.cudaGemm;
  throwsNamed(() => checkAddonExports(x, '/old.node'), BackendError,
    'native: /old.node does not match the kernel manifest (packages/kernels/src/manifest.ts): missing exports conv2dBackwardWeight, cudaGemm. ' +
    'It was built from other sources; run `pnpm build:addon` to rebuild it');
  const y = { ...fake(), conv3dForward: () => undefined };
  throwsNamed(() => checkAddonExports(y, '/new.node'), BackendError, 'unexpected export conv3dForward.');
  const z = { ...fake(), gemm: 1 };
  throwsNamed(() => checkAddonExports(z, '/z.node'), BackendError, 'missing export gemm.');
  throwsNamed(() => checkAddonExports(() => undefined, '/f.node'), BackendError, 'is not the groundup addon');
});

test('a stale addon leaves native and cuda unavailable with the mismatch as the reason; setBackend throws it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-stale-addon-'));
  try {
    const file = join(dir, 'stale.cjs');
    const names = addonExportNames.filter((n) => n !== 'sumOuterInner');
    writeFileSync(file, `for (const n of ${JSON.stringify(names)}) exports[n] = () => {};\nexports.gemm3d = () => {};\n`);
    const code = `const k = await import('@groundup/kernels');
      let thrown = 'none';
      try { k.setBackend('native'); } catch (e) { thrown = e.name + ': ' + e.message; }
      console.log(JSON.stringify({ native: k.availability('native'), cuda: k.availability('cuda'), thrown }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: root, encoding: 'utf8', env: { ...process.env, GROUNDUP_QUIET: '1', GROUNDUP_BACKEND: 'js', GROUNDUP_ADDON: file },
    });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { native: { ok: boolean; reason?: string }; cuda: { ok: boolean; reason?: string }; thrown: string };
    assert.is(out.native.ok, false);
    assert.is(out.cuda.ok, false);
    assert.match(out.native.reason ?? '', 'missing export sumOuterInner; unexpected export gemm3d. It was built from other sources; run `pnpm build:addon`');
    assert.match(out.thrown, /^BackendError: .*missing export sumOuterInner/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const addon = nativeAddon();
if (!addon) {
  test.skip('the built addon: not loaded', () => {});
} else {
  test('the built addon exports exactly the manifest', () => {
    assert.equal(addonExportMismatch(addon), { missing: [], extra: [] });
  });

  test('native serves every kernel of the manifest; cuda its cuda kernels or the CPU ones', () => {
    const native = findBackend('native')!;
    for (const k of kernelNames) assert.type(native.kernels[k], 'function', `native ${k}`);
    const cuda = findBackend('cuda')!;
    for (const k of kernelNames) if (native.available().ok) assert.type(cuda.kernels[k], 'function', `cuda ${k}`);
  });
}

test.run();
