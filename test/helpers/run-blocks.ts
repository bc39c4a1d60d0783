// Child process of readme-blocks.ts: imports each module given on the command line, in order,
// each with a fresh temporary folder as the working directory (a block may write files), and
// reports on stdout, one marked line per block, that it started and how it ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const report = (o: object): void => { process.stdout.write(`\n@@readme-block@@ ${JSON.stringify(o)}\n`); };
const home = process.cwd();
let current = -1;
process.on('unhandledRejection', (e) => {
  report({ i: current, state: 'fail', error: `unhandled rejection: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
  process.exit(1);
});

const files = process.argv.slice(2);
for (let i = 0; i < files.length; i++) {
  current = i;
  const dir = mkdtempSync(join(tmpdir(), 'groundup-readme-block-'));
  process.chdir(dir);
  report({ i, state: 'start' });
  try {
    await import(pathToFileURL(files[i]!).href);
    report({ i, state: 'ok' });
  } catch (e) {
    const err = e as Error;
    report({ i, state: 'fail', error: err instanceof Error ? `${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 4).join('\n')}` : String(e) });
  } finally {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  }
}
