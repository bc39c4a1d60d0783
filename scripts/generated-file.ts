// A committed generated file: written by its script, or (--check) compared with what the script
// would write, exiting 1 with the fix when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export function writeOrCheck(script: string, out: string, text: string, regenerate: string): void {
  const name = relative(process.cwd(), out);
  if (process.argv.includes('--check')) {
    let have = '';
    try { have = readFileSync(out, 'utf8'); } catch { /* missing */ }
    if (have !== text) {
      console.error(`${script}: ${name} is stale; run \`${regenerate}\` and rebuild the addon (\`pnpm build:addon\`)`);
      process.exit(1);
    }
  } else {
    writeFileSync(out, text);
    console.log(`${script}: wrote ${out}`);
  }
}
