// The ```ts blocks of a Markdown file, run as programs (test/docs/readme.test.ts). Each block is a
// module of its own, written under node_modules/.cache (so that 'groundup' and '@groundup/*'
// resolve) and imported by one child process (run-blocks.ts), each in a fresh temporary folder.
// A block that needs a line of setup it does not show declares it in an HTML comment right
// above the fence, which Markdown renders as nothing:
//   <!-- readme-test setup: const x = randn(64, 784); -->
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  /** The nearest heading above the block ('' before the first one). */
  heading: string;
  /** The 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Code run before the block (from a readme-test setup comment), '' when none. */
  setup: string;
}

export type BlockResult = { ok: true } | { ok: false; error: string };

const fence = /^(`{3,}|~{3,})\s*([\w-]*)/;
const setupComment = /<!--\s*readme-test setup:\s*([\s\S]*?)-->\s*$/;

/** Every ```ts (or ```typescript) block, with its heading, line and setup. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) {
      const h = /^#{1,6}\s+(.*\S)\s*$/.exec(lines[i]!);
      if (h) heading = h[1]!;
      continue;
    }
    const close = lines.findIndex((l, j) => j > i && l.trim().startsWith(open[1]!));
    const end = close < 0 ? lines.length : close;
    if (['ts', 'typescript'].includes(open[2]!.toLowerCase())) {
      const before = lines.slice(Math.max(0, i - 6), i).join('\n');
      blocks.push({ heading, line: i + 1, code: lines.slice(i + 1, end).join('\n'), setup: setupComment.exec(before)?.[1]?.trim() ?? '' });
    }
    i = end;
  }
  return blocks;
}

/** How a failed block reads in the test report: where it is, what it threw. */
export const describeFailure = (file: string, b: CodeBlock, error: string): string =>
  `${file} § ${b.heading || '(top)'} (the block at line ${b.line}) fails:\n${error}`;

/**
 * Runs the blocks in one child process, in order, each in a fresh temporary folder; returns one
 * result per block. A block still running at the timeout is reported as such.
 */
export function runBlocks(root: string, blocks: readonly CodeBlock[], timeoutMs = 180_000): BlockResult[] {
  const dir = join(root, 'node_modules', '.cache', `groundup-readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const files = blocks.map((b, i) => {
      const file = join(dir, `block-${i}.ts`);
      writeFileSync(file, `${b.setup ? `${b.setup}\n` : ''}${b.code}\n`);
      return file;
    });
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run-blocks.ts'), ...files], {
      cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26,
      env: { ...process.env, GROUNDUP_QUIET: '1', GROUNDUP_SKIP_LOG: '' },
    });
    const reported = new Map<number, BlockResult | 'started'>();
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = /^@@readme-block@@ (.*)$/.exec(line);
      if (!m) continue;
      const { i, state, error } = JSON.parse(m[1]!) as { i: number; state: 'start' | 'ok' | 'fail'; error?: string };
      reported.set(i, state === 'start' ? 'started' : state === 'ok' ? { ok: true } : { ok: false, error: error ?? '' });
    }
    const crash = r.error ? `${r.error.message}` : `the block runner exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`;
    return blocks.map((_, i): BlockResult => {
      const got = reported.get(i);
      if (got === undefined) return { ok: false, error: `not run: an earlier block stopped the runner (${crash})` };
      if (got === 'started') return { ok: false, error: r.error ? `still running after ${timeoutMs / 1000} s` : crash };
      return got;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
