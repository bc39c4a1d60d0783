// Builds the AssemblyScript kernels in wasm/assembly/ into wasm/build/:
//   groundup.wasm          Wasm SIMD (f32x4 mul + add)
//   groundup-relaxed.wasm  Wasm SIMD + relaxed SIMD (f32x4.relaxed_madd, fused where the CPU has FMA)
// Both import one shared memory, so wasm-mt's workers can run the same module over it.
// This step never fails an install: without asc, or when asc fails, it says why and exits 0,
// and groundup falls back to another backend (`pnpm backends` shows the reason). The outcome
// goes to wasm/build/status.json (scripts/build-status.mjs); an asc failure makes `pnpm test` fail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStatus } from './build-status.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = join(root, 'wasm');
const say = (line) => console.log(`build-wasm: ${line}`);

function findAsc() {
  try {
    const pkg = createRequire(join(wasmDir, 'package.json')).resolve('assemblyscript/package.json');
    const bin = join(dirname(pkg), 'bin', 'asc.js');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const asc = findAsc();
if (!asc) {
  writeStatus('wasm', 'skipped', 'assemblyscript is not installed (run `pnpm install`)');
  say('skipped: assemblyscript is not installed (run `pnpm install`); the wasm backends stay unavailable.');
  process.exit(0);
}

// Memory: imported and shared (threads), maximum 4 GiB; the host grows it as operands need.
const common = [
  join(wasmDir, 'assembly', 'index.ts'),
  '-O3', '--noAssert', '--runtime', 'stub',
  '--importMemory', '--sharedMemory', '--initialMemory', '2', '--maximumMemory', '65536',
];
const variants = [
  { file: 'groundup.wasm', features: 'simd,threads' },
  { file: 'groundup-relaxed.wasm', features: 'simd,threads,relaxed-simd' },
];

mkdirSync(join(wasmDir, 'build'), { recursive: true });
let failed = 0;
const errors = [];
for (const v of variants) {
  const out = join(wasmDir, 'build', v.file), tmp = `${out}.tmp`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [asc, ...common, '--enable', v.features, '-o', tmp], { cwd: wasmDir, encoding: 'utf8' });
  if (r.status === 0 && existsSync(tmp)) {
    renameSync(tmp, out);
    say(`${v.file} (${v.features}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    // a stale module from older sources would not match the host code: remove it
    rmSync(tmp, { force: true });
    rmSync(out, { force: true });
    failed++;
    const output = (r.stderr || r.stdout || String(r.error ?? '')).trim();
    say(`asc failed for ${v.file} (exit ${r.status ?? r.signal}):\n${output}`);
    errors.push(`${v.file}: ${firstError(output)}`);
  }
}
if (failed) say('the wasm backends fall back to another backend until `pnpm build:wasm` succeeds.');
writeStatus('wasm', failed ? 'failed' : 'built', failed ? `asc failed: ${errors.join('; ')}` : variants.map((v) => v.file).join(', '));
process.exit(0);

/** The first error asc reported, with the file and line that follow it. */
function firstError(output) {
  // Drop ANSI colours; asc prints "ERROR TS1005: ';' expected." then "   :" and "in assembly/x.ts(3,5)".
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const i = lines.findIndex((l) => /ERROR|error/.test(l));
  if (i < 0) return (lines.at(-1) ?? 'no output').slice(0, 200);
  const where = lines.slice(i + 1, i + 6).find((l) => /^in |\.ts\(\d+/.test(l));
  return `${lines[i]}${where ? ` ${where.replace(/^[^a-z]*in /, 'in ')}` : ''}`.slice(0, 300);
}
