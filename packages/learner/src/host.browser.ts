// The browser's stand-in for host.ts: no file system (plots and checkpoints refuse with a
// LearnerError; chartSvg, learn.stateDict() and serializeSafetensors work in memory), no terminal
// (ProgressCallback prints its table as plain lines on the console), and no cli-progress.
import type cliProgressModule from 'cli-progress';
import type { ProgressStream } from './callbacks/progress.ts';
import { LearnerError } from './errors.ts';
import type * as NodeHost from './host.ts';

const noFiles = (what: string): never => {
  throw new LearnerError(`${what}: a browser has no file system; keep the result in memory (chartSvg gives a chart's SVG text, serializeSafetensors(model.stateDict()) a model's bytes)`);
};

/** Never used: progress bars need a terminal, which a browser has not (ProgressCallback draws none). */
const cliProgress = {
  MultiBar: class {
    constructor() { throw new LearnerError('ProgressCallback: progress bars need a terminal; in a browser pass { tty: false }'); }
  },
} as unknown as typeof cliProgressModule;
export { cliProgress };

export const fileExists = (_path: string): boolean => false;
export const makeParentDir = (path: string): void => noFiles(`creating the folder of ${path}`);
export const writeOutputFile = (path: string, _data: string | Uint8Array): void => noFiles(`writing ${path}`);
export const deflate = (_bytes: Uint8Array): Uint8Array => noFiles('encodePng (a browser has no synchronous deflate; draw on a canvas instead)');

/** Lines to console.log, as they complete. */
let pending = '';
export const defaultProgressStream = (): ProgressStream => ({
  isTTY: false,
  write(s: string) {
    const lines = (pending + s).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) console.log(line);
  },
});
export const inCI = (): boolean => false;

// the same API as Node's host.ts, checked by the compiler
const api: typeof NodeHost = { cliProgress, fileExists, makeParentDir, writeOutputFile, deflate, defaultProgressStream, inCI };
void api;
