// Runs the uvu suites and closes with the plain line `N passed, N failed, N skipped`.
//   node scripts/test.mjs                 every suite under test/
//   node scripts/test.mjs --chapter fastai/17   test/chapters/fastai/ch17.test.ts
//   node scripts/test.mjs --chapter dlfs/appendix   test/chapters/dlfs/appendix.test.ts
//   node scripts/test.mjs tensor          suites whose path matches a pattern
//   node scripts/test.mjs --dir <dir> [pattern]   suites under another folder (the runner's own tests)
// Before the suites run, a Wasm module or addon whose sources changed since its last build is
// rebuilt (scripts/build-status.mjs), so the tests never run stale binaries and a broken build
// fails test/build/status.test.ts. The failed tests, and each skipped test with its reason, are
// listed again before the last line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { targets, verdict } from './build-status.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const uvuBin = join(dirname(require.resolve('uvu')), '..', 'bin.js'); // uvu's exports map hides bin.js

const args = process.argv.slice(2);
let dir = 'test', pattern = '\\.test\\.ts$';
if (args[0] === '--chapter') {
  const m = /^([a-z]+)\/(\d+|appendix)$/.exec(args[1] ?? '');
  if (!m) {
    console.error('usage: pnpm test:chapter <book>/<NN>, e.g. pnpm test:chapter fastai/17');
    process.exit(2);
  }
  const name = m[2] === 'appendix' ? 'appendix' : `ch${m[2].padStart(2, '0')}`;
  const file = join('test', 'chapters', m[1], `${name}.test.ts`);
  if (!existsSync(join(root, file))) {
    console.error(`no chapter suite ${file}`);
    process.exit(2);
  }
  dir = dirname(file);
  pattern = `${name}\\.test\\.ts$`;
} else if (args[0] === '--dir') {
  dir = args[1] ?? 'test';
  if (args[2]) pattern = `${args[2]}.*\\.test\\.ts$`;
} else if (args[0]) {
  pattern = `${args[0]}.*\\.test\\.ts$`;
}

/** Writes text to stdout and resolves once it is flushed (a pipe may take it in 64 KiB pieces). */
const out = (text) => new Promise((resolve) => (text ? process.stdout.write(text, () => resolve()) : resolve()));

// Rebuild what changed since its last build (a build never throws here; its outcome is recorded).
for (const name of Object.keys(targets)) {
  const v = verdict(name);
  if (v.state !== 'stale' && v.state !== 'unknown') continue;
  await out(`test: ${v.message.replace(/; run .*$/, '')}: building it first (${targets[name].command})\n`);
  spawnSync(process.execPath, [join(root, targets[name].script)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

// NO_COLOR alone turns uvu's colours off; FORCE_COLOR beside it makes Node warn in every child.
const withoutForceColor = ({ FORCE_COLOR: _, ...env }) => env;
const skipDir = mkdtempSync(join(tmpdir(), 'groundup-skips-'));
const skipLog = join(skipDir, 'skips.jsonl');
const child = spawn(process.execPath, ['--import', 'tsx', uvuBin, dir, pattern, '-i', 'fixtures', '-i', 'helpers'], {
  cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  // Tests (and the processes they spawn) resolve the packages to their TypeScript sources through
  // the exports' "source" condition, so they never run a stale dist/.
  env: { ...withoutForceColor(process.env), NO_COLOR: '1', GROUNDUP_QUIET: process.env.GROUNDUP_QUIET ?? '1', GROUNDUP_SKIP_LOG: skipLog,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=source`.trim() },
});
let text = '';
child.stdout.setEncoding('utf8');
child.stderr.setEncoding('utf8');
child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
child.stderr.on('data', (d) => { text += d; process.stderr.write(d); });
const status = await new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

const num = (k) => {
  const m = text.match(new RegExp(`^\\s*${k}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : null;
};
const total = num('Total'), passed = num('Passed'), skipped = num('Skipped') ?? 0;
let failed = total != null && passed != null ? total - passed : 0;
if (total == null || status !== 0) failed = Math.max(failed, 1); // a crash before the summary is a failure

// uvu drops the names of skipped tests: the suites record their reasons (test/helpers/skip.ts).
let skips = [];
try {
  skips = readFileSync(skipLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch { /* nothing was skipped */ }
rmSync(skipDir, { recursive: true, force: true });
let summary = '';
// uvu reports each failure where it happens; list them again here, where a reader looks.
const failures = [...text.matchAll(/^\s*FAIL\s+(.+)$/gm)].map((m) => m[1].replace(/\s{2,}/g, ' '));
if (failures.length) summary += `\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`;
if (skips.length) summary += `\nskipped:\n${skips.map((s) => `  ${s.suite}: ${s.reason}`).join('\n')}\n`;
if (skipped > skips.length)
  summary += `${skips.length ? '' : '\n'}  and ${skipped - skips.length} skipped test(s) that recorded no reason (skip with skip() from test/helpers/skip.ts)\n`;
summary += `${passed ?? 0} passed, ${failed} failed, ${skipped} skipped\n`;
// Exit only after stdout has drained, so the last line survives a pipe (`pnpm test | tee log`).
await out(summary);
process.exitCode = status === 0 && failed === 0 ? 0 : 1;
