// pnpm chapter fastai/17  →  runs book/fastai/17-*.ts; pnpm chapter dlfs/appendix → book/dlfs/appendix-*.ts
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Every lesson, as `book/NN` names with their files. */
function lessons() {
  const out = [];
  for (const book of readdirSync(join(root, 'book')).sort()) {
    let files = [];
    try { files = readdirSync(join(root, 'book', book)); } catch { continue; }
    for (const f of files.sort()) {
      const l = /^(\d+|appendix)-.*\.ts$/.exec(f);
      if (l) out.push(`  ${`${book}/${l[1]}`.padEnd(12)} book/${book}/${f}`);
    }
  }
  return out.join('\n');
}
const m = /^([a-z]+)\/(\d+|appendix)$/.exec(process.argv[2] ?? '');
if (!m) {
  console.error(`usage: pnpm chapter <book>/<NN>, e.g. pnpm chapter fastai/17; the lessons:\n${lessons()}`);
  process.exit(2);
}
const dir = join(root, 'book', m[1]);
const nn = m[2] === 'appendix' ? m[2] : m[2].padStart(2, '0');
let files = [];
try { files = readdirSync(dir).filter((f) => f.startsWith(`${nn}-`) && f.endsWith('.ts')); } catch { /* no such book */ }
if (files.length !== 1) {
  console.error(`no lesson book/${m[1]}/${nn}-*.ts; the lessons are:\n${lessons()}`);
  process.exit(2);
}
// Lessons run on the compiled packages (dist/, rebuilt first where a source changed), so they go at
// the speed a user gets from plain node.
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-packages.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, files[0]), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
