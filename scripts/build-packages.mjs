// Compiles each workspace package's src/ to plain ESM in dist/ (one .js per .ts, relative
// imports rewritten from .ts to .js; other files such as worker.mjs copied), so that plain
// `node` imports the packages and no hot path pays tsx's keepNames wrappers. Types stay in the
// sources (each package's exports map: "source" and "types" → src, "default" → dist).
//
// Incremental: a file is compiled only when its dist copy is missing or older than the source,
// and dist files whose source is gone are deleted. A no-op run only stats files (tens of ms).
// Runs at install (postinstall), before `pnpm bench` and `pnpm chapter`; `pnpm build` by hand.
//   node scripts/build-packages.mjs [--force] [--quiet]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

/** Every file under dir, as paths relative to it. */
function walk(dir, base = dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, base, out);
    else if (e.isFile()) out.push(relative(base, p));
  }
  return out;
}

const mtime = (p) => { try { return statSync(p).mtimeMs; } catch { return -1; } };
const target = (rel) => (rel.endsWith('.ts') ? rel.slice(0, -3) + '.js' : rel);

const packagesDir = join(root, 'packages');
const jobs = [];
for (const name of readdirSync(packagesDir)) {
  const src = join(packagesDir, name, 'src'), dist = join(packagesDir, name, 'dist');
  if (!existsSync(src) || !existsSync(join(packagesDir, name, 'package.json'))) continue;
  // Only packages whose exports point at dist/ (the web page's dist/ is vite's output instead).
  if (!JSON.stringify(JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')).exports ?? {}).includes('./dist/')) continue;
  const files = walk(src).filter((f) => !f.endsWith('.d.ts'));
  const wanted = new Set(files.map(target));
  // Deletes outputs whose source was removed or renamed, so nothing stale can be imported.
  if (existsSync(dist)) for (const f of walk(dist)) if (!wanted.has(f)) rmSync(join(dist, f));
  for (const f of files) {
    const out = join(dist, target(f));
    if (force || mtime(out) < mtime(join(src, f))) jobs.push({ pkg: name, from: join(src, f), out, ts: f.endsWith('.ts') });
  }
}

if (jobs.length > 0) {
  const started = performance.now();
  const ts = jobs.some((j) => j.ts) ? (await import('typescript')).default : null;
  const compilerOptions = ts && {
    module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true,
    rewriteRelativeImportExtensions: true, sourceMap: false, removeComments: false,
  };
  for (const j of jobs) {
    mkdirSync(dirname(j.out), { recursive: true });
    if (!j.ts) { copyFileSync(j.from, j.out); continue; }
    const r = ts.transpileModule(readFileSync(j.from, 'utf8'), { compilerOptions, fileName: j.from, reportDiagnostics: true });
    const errors = (r.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
      console.error(`build-packages: ${relative(root, j.from)}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
      process.exit(1);
    }
    writeFileSync(j.out, r.outputText);
  }
  const pkgs = [...new Set(jobs.map((j) => j.pkg))];
  if (!quiet) console.log(`build-packages: compiled ${jobs.length} file(s) of ${pkgs.join(', ')} to dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
