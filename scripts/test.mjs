// Runs the uvu suites and closes with the plain line `N passed, N failed, N skipped`.
//   node scripts/test.mjs                 every suite under test/
//   node scripts/test.mjs --chapter fastai/17   test/chapters/fastai/ch17.test.ts
//   node scripts/test.mjs tensor          suites whose path matches a pattern
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const uvuBin = join(dirname(require.resolve('uvu')), '..', 'bin.js'); // uvu's exports map hides bin.js

const args = process.argv.slice(2);
let dir = 'test', pattern = '\\.test\\.ts$';
if (args[0] === '--chapter') {
  const m = /^([a-z]+)\/(\d+)$/.exec(args[1] ?? '');
  if (!m) {
    console.error('usage: pnpm test:chapter <book>/<NN>, e.g. pnpm test:chapter fastai/17');
    process.exit(2);
  }
  const file = join('test', 'chapters', m[1], `ch${m[2].padStart(2, '0')}.test.ts`);
  if (!existsSync(join(root, file))) {
    console.error(`no chapter suite ${file}`);
    process.exit(2);
  }
  dir = dirname(file);
  pattern = `ch${m[2].padStart(2, '0')}\\.test\\.ts$`;
} else if (args[0]) {
  pattern = `${args[0]}.*\\.test\\.ts$`;
}

const r = spawnSync(process.execPath, ['--import', 'tsx', uvuBin, dir, pattern, '-i', 'fixtures', '-i', 'helpers'], {
  cwd: root, encoding: 'utf8', maxBuffer: 1 << 28,
  // Tests (and the processes they spawn) resolve the packages to their TypeScript sources through
  // the exports' "source" condition, so they never run a stale dist/.
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', GROUNDUP_QUIET: process.env.GROUNDUP_QUIET ?? '1',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=source`.trim() },
});
process.stdout.write(r.stdout ?? '');
process.stderr.write(r.stderr ?? '');
const out = (r.stdout ?? '') + (r.stderr ?? '');
const num = (k) => {
  const m = out.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : null;
};
const total = num('Total'), passed = num('Passed'), skipped = num('Skipped') ?? 0;
let failed = total != null && passed != null ? total - passed : 0;
if (total == null || r.status !== 0) failed = Math.max(failed, 1); // a crash before the summary is a failure
console.log(`${passed ?? 0} passed, ${failed} failed, ${skipped} skipped`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
