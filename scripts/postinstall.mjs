// Compiles the packages to dist/ (plain-node ESM), then builds the optional Wasm module and native
// addon. Neither of those may fail an install: when a build cannot run, groundup falls back to
// another backend and says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const step of ['build-packages.mjs', 'build-wasm.mjs', 'build-addon.mjs']) {
  const file = join(root, 'scripts', step);
  if (!existsSync(file)) continue;
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) console.warn(`groundup: ${step} did not succeed (exit ${r.status}); the install continues without it.`);
}
