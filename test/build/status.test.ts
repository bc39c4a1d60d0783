// The Wasm module and the addon: a build that had its tools and broke fails the test run, naming
// the error (the install itself never fails); a missing tool skips with its reason. The build
// scripts record their outcome in <dir>/build/status.json; scripts/test.mjs rebuilds first
// whatever changed since its last build, so a stale binary is never what the suites test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { judge, root, sourceHash, verdict, type BuildStatus, type BuildTarget } from '../../scripts/build-status.mjs';
import { skip } from '../helpers/skip.ts';

const builds = suite('build status');
for (const name of ['wasm', 'addon'] as const satisfies readonly BuildTarget[]) {
  const v = verdict(name);
  if (v.state === 'skipped') skip(builds, 'build status', v.message);
  else builds(`${name}: the last build succeeded, from the current sources`, () => {
    assert.ok(v.state === 'built', v.message);
  });
}
builds.run();

const rules = suite('build status: what each outcome means');
const status = (outcome: BuildStatus['outcome'], reason: string, hash = 'h'): BuildStatus => ({ outcome, reason, hash, time: '' });

rules('a failed build fails with its error and the command that rebuilds', () => {
  const v = judge('addon', status('failed', "build failed: addon/src/pool.cc:3:1: error: expected ';' (log: addon/build/build.log)"), 'h');
  assert.is(v.state, 'failed');
  assert.match(v.message, "addon build failed: build failed: addon/src/pool.cc:3:1: error: expected ';'");
  assert.match(v.message, '`pnpm build:addon`');
  assert.is(judge('wasm', status('failed', 'asc failed: groundup.wasm: ERROR TS1109'), 'h').state, 'failed');
});

rules('a missing tool is a skip with its reason; a good build passes', () => {
  const v = judge('addon', status('skipped', 'no C++ compiler found; install g++'), 'h');
  assert.equal(v, { state: 'skipped', message: 'addon build skipped: no C++ compiler found; install g++' });
  assert.is(judge('wasm', status('built', ''), 'h').state, 'built');
});

rules('sources changed since the build, or no build recorded: not trusted', () => {
  assert.is(judge('addon', status('built', '', 'old'), 'new').state, 'stale');
  assert.is(judge('addon', status('failed', 'x', 'old'), 'new').state, 'stale', 'an old failure is rebuilt, not reported');
  assert.match(judge('wasm', null, 'h').message, 'no build has been recorded');
});

rules('the source hash follows the sources', () => {
  assert.match(sourceHash('addon'), /^[0-9a-f]{16}$/);
  assert.is.not(sourceHash('addon'), sourceHash('wasm'));
  assert.is(sourceHash('wasm'), sourceHash('wasm'));
});

rules('build-addon without a compiler: the install continues and the outcome is a skip with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-addon-build-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-addon.mjs')], {
      cwd: root, encoding: 'utf8', env: { ...process.env, GROUNDUP_ADDON_BUILD_DIR: dir, CXX: 'no-such-compiler-groundup' },
    });
    assert.is(r.status, 0, 'never fails the install');
    // (a machine without cmake stops one step earlier, with that reason)
    assert.match(r.stdout, /skipped: (no C\+\+ compiler found \(CXX=no-such-compiler-groundup\)|cmake not found)/);
    const st = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as BuildStatus;
    assert.is(st.outcome, 'skipped');
    assert.is(judge('addon', st, sourceHash('addon')).state, 'skipped');
    assert.is(readFileSync(join(dir, 'reason.txt'), 'utf8').trim(), st.reason, 'the loader still shows the reason');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

rules.run();
