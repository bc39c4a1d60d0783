// Files, compression and the terminal, as the Learner's outputs need them (plots, checkpoints,
// progress bars). This is Node's; a browser build gets host.browser.ts through the
// "#learner-host" import in package.json, where files refuse with an error that says so and
// progress goes to the console as plain lines.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';
import cliProgress from 'cli-progress';
import type { ProgressStream } from './callbacks/progress.ts';

export { cliProgress };
export const fileExists = (path: string): boolean => existsSync(path);
export const makeParentDir = (path: string): void => { mkdirSync(dirname(path), { recursive: true }); };
/** Writes a file, creating its folder. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  makeParentDir(path);
  writeFileSync(path, data);
}
export const deflate = (bytes: Uint8Array): Uint8Array => deflateSync(bytes);
export const defaultProgressStream = (): ProgressStream => process.stdout;
export const inCI = (): boolean => !!process.env['CI'];
