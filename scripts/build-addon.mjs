// Builds the native addon (addon/ → addon/build/Release/groundup_addon.node) with cmake-js.
// This step never fails an install: without cmake, a compiler or cmake-js, or when the build
// fails, it says why, writes the reason to addon/build/reason.txt (which `pnpm backends`
// shows) and exits 0. CUDA kernels are compiled when nvcc is found; if that build fails, the
// CPU-only addon is built instead. GROUNDUP_CUDA=off skips CUDA; GROUNDUP_CUDA=emulate builds the
// CUDA sources as C++ for the CPU emulator (the device tests, with GROUNDUP_ADDON_BUILD_DIR=addon/build-emu).
// The outcome goes to addon/build/status.json (scripts/build-status.mjs): 'skipped' when a tool
// is missing, 'failed' when the tools were there and the build broke (CUDA included), which
// makes `pnpm test` fail naming the error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDirOf, writeStatus } from './build-status.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addonDir = join(root, 'addon');
const buildDir = buildDirOf('addon'); // addon/build unless GROUNDUP_ADDON_BUILD_DIR says otherwise
const reasonFile = join(buildDir, 'reason.txt');
const logFile = join(buildDir, 'build.log');
const say = (line) => console.log(`build-addon: ${line}`);

/** Ends the build without an addon: 'skipped' when a tool is missing, 'failed' when the build broke. */
function giveUp(reason, outcome = 'skipped') {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(reasonFile, reason + '\n');
  writeStatus('addon', outcome, reason);
  say(`${outcome}: ${reason}. The native backend stays unavailable; the install continues${outcome === 'failed' ? ', but `pnpm test` fails until the build does' : ''}.`);
  process.exit(0);
}

/** True when `cmd --version` runs. */
function runs(cmd) {
  const [exe, ...args] = cmd.trim().split(/\s+/);
  if (!exe) return false;
  const r = spawnSync(exe, [...args, '--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function findCmakeJs() {
  try {
    const pkg = createRequire(join(addonDir, 'package.json')).resolve('cmake-js/package.json');
    const bin = join(dirname(pkg), 'bin', 'cmake-js');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** The most telling line of a failed build log. */
function firstError(log) {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick = lines.find((l) => /CMAKE_CXX_COMPILER|No CMAKE_|not found|fatal error|error:|Error:|CMake Error/i.test(l) && !/^--/.test(l));
  return (pick ?? lines.at(-1) ?? 'no output').slice(0, 200);
}

/** WITH_CUDA as configured in an existing build directory, or null. */
function cachedWithCuda() {
  try {
    const m = /^WITH_CUDA:BOOL=(\w+)$/m.exec(readFileSync(join(buildDir, 'CMakeCache.txt'), 'utf8'));
    return m ? m[1] === 'ON' : null;
  } catch {
    return null;
  }
}

function build(cmakeJs, withCuda) {
  // `build` only configures a fresh directory; a changed WITH_CUDA needs `rebuild` (clean + configure).
  const command = cachedWithCuda() === withCuda ? 'build' : 'rebuild';
  const args = [cmakeJs, command, '-d', addonDir, '-O', buildDir, '-p', String(availableParallelism()), `--CDWITH_CUDA=${withCuda ? 'ON' : 'OFF'}`,
    `--CDCUDA_EMULATE=${emulate ? 'ON' : 'OFF'}`];
  const r = spawnSync(process.execPath, args, { cwd: addonDir, encoding: 'utf8', maxBuffer: 1 << 26 });
  const log = `$ node ${args.map((a) => relative(root, a) || a).join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`;
  return { ok: r.status === 0 && !r.error, log };
}

process.on('uncaughtException', (e) => {
  // Whatever goes wrong here must not fail the install.
  try { writeStatus('addon', 'failed', `build-addon.mjs crashed: ${e.message}`); } catch { /* still exit 0 */ }
  say(`failed: ${e.message}. The native backend stays unavailable; the install continues.`);
  process.exit(0);
});

const t0 = Date.now();
mkdirSync(buildDir, { recursive: true });
rmSync(reasonFile, { force: true });

const cmakeJs = findCmakeJs();
if (!cmakeJs) giveUp('cmake-js is not installed in addon/node_modules; run `pnpm install`');
if (!runs(process.env.CMAKE ?? 'cmake')) giveUp('cmake not found; install cmake (apt-get install cmake)');
const cxx = process.env.CXX ?? ['c++', 'g++', 'clang++'].find(runs);
if (!cxx || !runs(cxx)) giveUp(`no C++ compiler found${process.env.CXX !== undefined ? ` (CXX=${process.env.CXX})` : ''}; install g++`);

/** Loads the built module in a child process: proves it loads, and says whether CUDA is in. */
function probe() {
  const file = join(buildDir, 'Release', 'groundup_addon.node');
  const code = `const a = require(${JSON.stringify(file)}); const c = a.cudaInfo(); console.log(c.compiled ? 'with CUDA kernels (' + (c.ok ? c.device : 'no device here: ' + c.message) + ')' : 'CPU only (' + c.message + ')')`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true, note: r.stdout.trim() } : { ok: false, note: firstError(`${r.stderr}`) };
}

const emulate = (process.env.GROUNDUP_CUDA ?? '').toLowerCase() === 'emulate';
const wantCuda = !emulate && (process.env.GROUNDUP_CUDA ?? 'on').toLowerCase() !== 'off';
let result = build(cmakeJs, wantCuda);
let log = result.log;
let cudaError = null;
if (!result.ok && wantCuda) {
  cudaError = firstError(result.log);
  say(`the build with CUDA failed (${cudaError}); retrying CPU-only`);
  const retry = build(cmakeJs, false);
  log += '\n--- retry without CUDA ---\n' + retry.log;
  result = retry;
}
writeFileSync(logFile, log);
if (!result.ok) giveUp(`build failed: ${firstError(result.log)} (log: addon/build/build.log)`, 'failed');
const loaded = probe();
if (!loaded.ok) giveUp(`the built addon does not load: ${loaded.note}`, 'failed');
if (cudaError) {
  // The CPU-only addon works, but CUDA kernels that nvcc could not compile are a broken build.
  writeStatus('addon', 'failed', `the CUDA kernels did not compile: ${cudaError} (log: addon/build/build.log); the CPU-only addon was built instead. Fix the error, or build without CUDA: GROUNDUP_CUDA=off pnpm build:addon`);
} else {
  writeStatus('addon', 'built', loaded.note);
}
say(`built ${relative(root, join(buildDir, 'Release', 'groundup_addon.node'))} ${loaded.note} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
