// The packages ship compiled ESM: scripts/build-packages.mjs compiles src/ to dist/, each exports
// map sends TypeScript (and tsx with --conditions=source) to src/ and plain node to dist/, and
// plain node (no tsx) imports groundup and computes with it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../..', import.meta.url));
interface Pkg { private?: boolean; exports?: Record<string, unknown>; imports?: Record<string, Record<string, unknown>> }
const readPkg = (p: string): Pkg | null => {
  try { return JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as Pkg; } catch { return null; }
};
// The library's packages; the web page (private, built by vite) is an app, not a package.
const packages = readdirSync(join(root, 'packages')).filter((p) => { const pkg = readPkg(p); return pkg !== null && pkg.private !== true; });
/** The environment of a plain `node` run: no tsx, no source condition. */
const plainEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
};

test('every package maps "source" and "types" to src/ and "default" to dist/, in that order', () => {
  for (const p of packages) {
    const pkg = readPkg(p)!;
    const dot = pkg.exports?.['.'] as Record<string, string> | undefined;
    assert.ok(dot && typeof dot === 'object', `${p}: exports["."] should be a conditions object`);
    assert.equal(Object.keys(dot!), ['source', 'types', 'default'], `${p}: condition order`);
    assert.equal(dot!.source, './src/index.ts', p);
    assert.equal(dot!.types, './src/index.ts', p);
    assert.equal(dot!.default, './dist/index.js', p);
    // Subpath imports (#…): types and source (with its browser variant) in src/, the rest in dist/.
    for (const [name, target] of Object.entries(pkg.imports ?? {})) {
      assert.equal(Object.keys(target), ['types', 'source', 'browser', 'default'], `${p} ${name}: condition order`);
      const src = target.source as { browser: string; default: string };
      assert.equal(Object.keys(src), ['browser', 'default'], `${p} ${name}: source conditions`);
      for (const v of [target.types, src.browser, src.default]) assert.match(String(v), /^\.\/src\/.*\.ts$/, `${p} ${name}`);
      assert.is(target.browser, src.browser.replace('./src/', './dist/').replace(/\.ts$/, '.js'), `${p} ${name}: browser`);
      assert.is(target.default, src.default.replace('./src/', './dist/').replace(/\.ts$/, '.js'), `${p} ${name}: default`);
    }
  }
});

test('the build brings dist/ up to date, and plain node imports groundup from it', () => {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-packages.mjs'), '--quiet'], { cwd: root, encoding: 'utf8', env: plainEnv() });
  assert.is(build.status, 0, build.stderr);
  const code = [
    "import { tensor, F, SGD, Linear } from 'groundup';",
    "const x = tensor([[1, -2], [3, 4]]).relu().sum();",
    "console.log(JSON.stringify({ sum: x.item(), resolved: import.meta.resolve('@groundup/tensor'), F: typeof F.crossEntropy, SGD: typeof SGD, Linear: typeof Linear }));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: plainEnv() });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { sum: number; resolved: string; F: string; SGD: string; Linear: string };
  assert.is(out.sum, 8);
  assert.match(out.resolved, /packages\/tensor\/dist\/index\.js$/);
  assert.equal([out.F, out.SGD, out.Linear], ['function', 'function', 'function']);
});

test('a second build with nothing changed compiles nothing', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-packages.mjs')], { cwd: root, encoding: 'utf8', env: plainEnv() });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), '', `expected no output from an up-to-date build, got: ${r.stdout}`);
});

test.run();
