// The CUDA tensor suites (test/device/) on a machine without a GPU: builds the addon with its CUDA
// sources compiled as C++ for the CPU emulator (GROUNDUP_CUDA=emulate, into addon/build-emu), then
// runs every test/device/*.test.ts in a child process that loads it (GROUNDUP_ADDON), so cuda
// tensors are "available" and the suites run instead of skipping. Building takes a while, so it
// runs under CI=true or GROUNDUP_EMULATE=1 and otherwise skips saying so; without cmake or a C++
// compiler it skips with that reason.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { skip } from '../helpers/skip.ts';
import { RAN_MARKER } from '../device/helpers.ts';

const name = 'CUDA tensor suites (test/device) on the emulated addon';
const test = suite(name);
const root = fileURLToPath(new URL('../..', import.meta.url));
const buildDir = join(root, 'addon', 'build-emu');
const addonFile = join(buildDir, 'Release', 'groundup_addon.node');
const cxx = process.env.CXX ?? 'g++';
const cmake = process.env.CMAKE ?? 'cmake';
const wanted = process.env.CI === 'true' || process.env.GROUNDUP_EMULATE === '1';
const runs = (cmd: string): string | null => {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${cmd} --version failed: ${r.error?.message ?? r.stderr.trim()}`;
};
const missing = wanted ? (runs(cxx) ?? runs(cmake)) : null;
/** The last lines of a child's output, each behind "| " so the runner does not read the child's Total:/FAIL lines as its own. */
const tail = (text: string, lines = 40): string => text.trim().split('\n').slice(-lines).map((l) => `| ${l}`).join('\n');

if (!wanted) skip(test, name, 'runs under CI=true or GROUNDUP_EMULATE=1 (builds the emulated addon): GROUNDUP_EMULATE=1 pnpm test kernels/cuda-device-emulate');
else if (missing) skip(test, name, `no C++ toolchain (${missing}); install g++ and cmake to run the device suites on the emulator`);
else {
  test('the addon builds with the CUDA sources on the CPU emulator (addon/build-emu)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-addon.mjs')], {
      cwd: root, encoding: 'utf8', maxBuffer: 1 << 26,
      env: { ...process.env, GROUNDUP_CUDA: 'emulate', GROUNDUP_ADDON_BUILD_DIR: buildDir },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.is(r.status, 0, `scripts/build-addon.mjs exited with ${r.status}:\n${tail(out)}`);
    const statusFile = join(buildDir, 'status.json');
    assert.ok(existsSync(statusFile), `no ${statusFile} after the build:\n${tail(out)}`);
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { outcome: string; reason: string };
    const log = join('addon', 'build-emu', 'build.log');
    assert.is(status.outcome, 'built', `the emulated addon build ${status.outcome}: ${status.reason} (log: ${log})\n${tail(out, 15)}`);
    assert.match(status.reason, /CPU emulator/, `the build did not compile the CUDA sources for the emulator: ${status.reason} (log: ${log})`);
    assert.ok(existsSync(addonFile), `no ${addonFile}`);
  });

  const files = readdirSync(join(root, 'test', 'device')).filter((f) => f.endsWith('.test.ts')).sort();
  test('there are device suites to run', () => {
    assert.ok(files.length > 0, 'no test/device/*.test.ts');
  });

  for (const file of files) {
    test(`test/device/${file} passes on the emulator, with no suite skipped`, () => {
      assert.ok(existsSync(addonFile), `no emulated addon at ${addonFile} (the build above failed)`);
      // The child reports its own skips as failures here, not in the runner's skip list.
      const { GROUNDUP_SKIP_LOG: _, FORCE_COLOR: __, ...env } = process.env;
      const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join('test', 'device', file)], {
        cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...env, NO_COLOR: '1', GROUNDUP_ADDON: addonFile },
      });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.is(r.status, 0, `test/device/${file} exited with ${r.status ?? r.signal}:\n${tail(out)}`);
      const count = (k: string): number | null => {
        const m = out.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'));
        return m ? Number(m[1]) : null;
      };
      const total = count('Total'), passed = count('Passed'), skipped = count('Skipped');
      assert.ok(total !== null && passed !== null, `no uvu summary (Total:/Passed:) from test/device/${file}:\n${tail(out)}`);
      assert.ok(total! > 0, `test/device/${file} ran no tests:\n${tail(out)}`);
      assert.is(passed, total, `test/device/${file}: ${passed} of ${total} passed:\n${tail(out)}`);
      assert.is(skipped ?? 0, 0, `test/device/${file} skipped tests (is cuda available under GROUNDUP_ADDON?):\n${tail(out)}`);
      assert.ok(out.includes(RAN_MARKER), `test/device/${file} printed no "${RAN_MARKER}" line: its suites did not run on the device:\n${tail(out)}`);
      assert.match(out, /on CPU emulator/, `test/device/${file} ran on another device than the emulator:\n${tail(out)}`);
    });
  }
}
test.run();
