// Which backends exist and which one `auto` picks, checked against fixed expectations rather than
// the registry's own list; and the auto-selection notice, which stays off stderr (so it never
// interrupts a lesson) unless GROUNDUP_VERBOSE=1, while `pnpm backends` always shows it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { autoOrder, registeredBackends, type Availability } from '@groundup/kernels';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readStatus, root } from '../../scripts/build-status.mjs';
import { expectedBackends } from '../helpers/backends.ts';

const test = suite('backend selection');

interface Seen { auto: string; native: Availability; cuda: Availability; wasm: Availability; note: string | null }

/** Loads groundup in a fresh process with the given environment, selects a backend, reports. */
function probe(env: Record<string, string | undefined>): { seen: Seen; stderr: string } {
  const code = `const k = await import('@groundup/kernels'); await import('groundup');
    const auto = k.getBackend().name;
    console.log(JSON.stringify({ auto, native: k.availability('native'), cuda: k.availability('cuda'), wasm: k.availability('wasm-mt'), note: k.selectionNote() }));`;
  const childEnv: Record<string, string> = {};
  for (const [key, v] of Object.entries({ ...process.env, GROUNDUP_BACKEND: 'auto', ...env })) if (v !== undefined) childEnv[key] = v;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: childEnv });
  assert.is(r.status, 0, r.stderr);
  return { seen: JSON.parse(r.stdout.trim().split('\n').pop()!) as Seen, stderr: r.stderr };
}
const quiet = { GROUNDUP_QUIET: undefined, GROUNDUP_VERBOSE: undefined };
const noAddon = { GROUNDUP_ADDON: join(root, 'addon', 'build', 'no-such-dir', 'groundup_addon.node') };

test('the registry holds exactly the five backends, in the documented auto order', () => {
  assert.equal([...autoOrder], ['cuda', 'native', 'wasm-mt', 'wasm', 'js']);
  assert.equal(registeredBackends(), ['cuda', 'native', 'wasm-mt', 'wasm', 'js']);
  assert.equal([...expectedBackends].sort(), [...autoOrder].sort(), 'the suites run every backend');
});

test('auto picks cuda when a GPU answers, else native when the addon is built, else wasm-mt', () => {
  const { seen } = probe(quiet);
  const addonBuilt = readStatus('addon')?.outcome === 'built' && existsSync(join(root, 'addon', 'build', 'Release', 'groundup_addon.node'));
  const wasmBuilt = readStatus('wasm')?.outcome === 'built';
  if (seen.cuda.ok) assert.is(seen.auto, 'cuda');
  else if (addonBuilt && !(!seen.native.ok && /AVX2/.test(seen.native.reason))) {
    assert.ok(seen.native.ok, `the addon is built but native is unavailable: ${seen.native.ok ? '' : seen.native.reason}`);
    assert.is(seen.auto, 'native');
  } else assert.is(seen.auto, wasmBuilt ? 'wasm-mt' : 'js');
});

test('passing over backends says nothing on stderr by default; GROUNDUP_VERBOSE=1 says why', () => {
  const plain = probe({ ...quiet, ...noAddon });
  assert.ok(!['cuda', 'native'].includes(plain.seen.auto));
  assert.match(plain.seen.note ?? '', /^using (wasm-mt|wasm|js); cuda and native: not built/);
  assert.not.match(plain.stderr, 'groundup:', 'no notice interrupts the output');
  const verbose = probe({ ...quiet, ...noAddon, GROUNDUP_VERBOSE: '1' });
  assert.match(verbose.stderr, /^groundup: using (wasm-mt|wasm|js); cuda and native: not built/m);
});

test('`pnpm backends` shows why auto passed over a backend', () => {
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries({ ...process.env, ...quiet, ...noAddon, GROUNDUP_BACKEND: 'auto' })) if (v !== undefined) env[key] = v;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'backends.ts')], { cwd: root, encoding: 'utf8', env });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^auto: using (wasm-mt|wasm|js); cuda and native: not built/m);
  assert.not.match(r.stderr, 'groundup:');
});

test.run();
