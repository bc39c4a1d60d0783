// The CUDA kernels on the CPU: addon/emulate/run.sh builds addon/src/*.cu as C++ against
// its emulator (launches become calls into it), with ASan/UBSan beside the CPU kernels and checks every
// CUDA entry point against them. So a wrong index in a .cu file fails CI on a machine without a
// GPU. It takes minutes (under the sanitizers), so it runs under CI=true
// or GROUNDUP_EMULATE=1 and otherwise skips saying so; without a C++ compiler it skips with that reason.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { skip } from '../helpers/skip.ts';

const name = 'CUDA kernels under the CPU emulator';
const test = suite(name);
const root = fileURLToPath(new URL('../..', import.meta.url));
const cxx = process.env.CXX ?? 'g++';
const wanted = process.env.CI === 'true' || process.env.GROUNDUP_EMULATE === '1';
const compiler = spawnSync(cxx, ['--version'], { encoding: 'utf8' });

if (!wanted) skip(test, name, 'runs under CI=true or GROUNDUP_EMULATE=1 (a few minutes): GROUNDUP_EMULATE=1 pnpm test kernels/cuda-emulate');
else if (compiler.status !== 0) skip(test, name, `no C++ compiler (${cxx} --version failed: ${compiler.error?.message ?? compiler.stderr.trim()}); install g++ to run the emulator`);
else {
  test('every CUDA entry point matches the CPU kernels (addon/emulate/run.sh)', () => {
    const r = spawnSync('sh', ['addon/emulate/run.sh'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.is(r.status, 0, `addon/emulate/run.sh exited with ${r.status}:\n${out.split('\n').slice(-30).join('\n')}`);
    const m = out.match(/(\d+) passed, (\d+) failed/);
    assert.ok(m, `no "N passed, N failed" line in the emulator's output:\n${out.slice(-2000)}`);
    assert.is(Number(m![2]), 0, out.slice(-2000));
    assert.ok(Number(m![1]) >= 155, `only ${m![1]} emulated cases ran (155 when this test was written)`);
  });
}
test.run();
