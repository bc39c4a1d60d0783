// The outcome of the last Wasm and addon builds. scripts/build-wasm.mjs and build-addon.mjs write
// <dir>/build/status.json: { outcome: 'built' | 'skipped' | 'failed', reason, hash, time }, where
// hash covers the sources the build read. An install never fails on a build; instead:
//   - pnpm test (scripts/test.mjs) rebuilds a target whose sources changed since its last build;
//   - test/build/status.test.ts fails for a build that had its tools and broke, naming the error,
//     and skips, with the reason, one whose tools are missing (no cmake, no compiler).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each build reads, and the command that reruns it. */
export const targets = {
  wasm: { dir: 'wasm', sources: ['wasm/assembly', 'scripts/build-wasm.mjs'], script: 'scripts/build-wasm.mjs', command: 'pnpm build:wasm' },
  addon: { dir: 'addon', sources: ['addon/src', 'addon/CMakeLists.txt', 'scripts/build-addon.mjs'], script: 'scripts/build-addon.mjs', command: 'pnpm build:addon' },
};

/** Where a target's build goes: <dir>/build, or for the addon GROUNDUP_ADDON_BUILD_DIR (tests build elsewhere). */
export const buildDirOf = (name) => (name === 'addon' && process.env.GROUNDUP_ADDON_BUILD_DIR) || join(root, targets[name].dir, 'build');
const statusFile = (name) => join(buildDirOf(name), 'status.json');

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((f) => files(join(path, f)));
}

/** A hash of the target's source files: their paths and contents. */
export function sourceHash(name) {
  const h = createHash('sha256');
  for (const f of targets[name].sources.flatMap((s) => files(join(root, s)))) {
    h.update(relative(root, f).split('\\').join('/') + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** Records a build's outcome with the hash of the sources it read. */
export function writeStatus(name, outcome, reason = '') {
  mkdirSync(dirname(statusFile(name)), { recursive: true });
  const status = { outcome, reason, hash: sourceHash(name), time: new Date().toISOString() };
  writeFileSync(statusFile(name), JSON.stringify(status, null, 2) + '\n');
  return status;
}

export function readStatus(name) {
  try {
    return JSON.parse(readFileSync(statusFile(name), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * What a status means for the tests: 'built' passes, 'skipped' skips with the reason, 'failed'
 * fails naming the error, 'stale' (built from other sources) and 'unknown' (never recorded) need
 * a build before the tests can trust the binaries.
 */
export function judge(name, status, hash) {
  const { command } = targets[name];
  if (!status || typeof status.outcome !== 'string') return { state: 'unknown', message: `${name}: no build has been recorded (${relative(root, statusFile(name))} is missing); run \`${command}\`` };
  if (status.hash !== hash) return { state: 'stale', message: `${name}: the sources changed since the last build; run \`${command}\`` };
  if (status.outcome === 'built') return { state: 'built', message: `${name}: built` };
  if (status.outcome === 'skipped') return { state: 'skipped', message: `${name} build skipped: ${status.reason}` };
  return { state: 'failed', message: `${name} build failed: ${status.reason || 'no reason recorded'}; fix it and run \`${command}\`` };
}

export const verdict = (name) => judge(name, readStatus(name), sourceHash(name));
