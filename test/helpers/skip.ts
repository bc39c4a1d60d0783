// A skipped test whose reason reaches the summary. uvu counts skips but drops their names, so each
// reason is also appended to the file scripts/test.mjs names in GROUNDUP_SKIP_LOG, and the runner
// lists them above its last line.
import { appendFileSync } from 'node:fs';
import type { Test } from 'uvu';

/** Registers a skipped test titled with the reason, and records "suite: reason" for the summary. */
export function skip(test: Test, suite: string, reason: string): void {
  const oneLine = reason.replace(/\s*\n\s*/g, ' ');
  test.skip(oneLine, () => {});
  const log = process.env.GROUNDUP_SKIP_LOG;
  if (log) appendFileSync(log, JSON.stringify({ suite, reason: oneLine }) + '\n');
}
