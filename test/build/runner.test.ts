// scripts/test.mjs itself: its last line survives a pipe however much the suites print (it waits
// for stdout to drain before exiting), it lists every skipped test's reason and every failure
// again at the end, and a failure fails.
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../../scripts/build-status.mjs';

const test = suite('test runner');
const run = (pipe: string, env: Record<string, string> = {}): { out: string; status: number | null } => {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node scripts/test.mjs --dir test/fixtures/runner ${pipe}`], {
    cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env },
  });
  return { out: r.stdout, status: r.status };
};

for (const pipe of ['| cat', '| tee /dev/null']) {
  test(`more than 64 KiB through \`${pipe}\`: the summary is the last line, the skip reasons above it`, () => {
    const { out, status } = run(pipe);
    assert.ok(out.length > 200_000, `${out.length} bytes came through`);
    const lines = out.trimEnd().split('\n');
    assert.is(lines.at(-1), '3 passed, 0 failed, 1 skipped');
    assert.equal(lines.slice(-3, -1), ['skipped:', '  runner fixture: loud: a reason that spans two lines']);
    assert.is(status, 0);
  });
}

test('a failing test fails the run, through a pipe too', () => {
  const { out, status } = run('| cat', { LOUD_FAIL: '1' });
  const lines = out.trimEnd().split('\n');
  assert.is(lines.at(-1), '2 passed, 1 failed, 1 skipped');
  assert.equal(lines.slice(-6, -4), ['failed:', '  runner fixture: loud "fails only with LOUD_FAIL=1"'], 'the failure is listed again at the end');
  assert.is(status, 1);
});

test.run();
