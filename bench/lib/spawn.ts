// Runs a helper process (the PyTorch script, the OpenBLAS harness) with input on stdin and a time limit.
import { spawn } from 'node:child_process';

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start (e.g. ENOENT) or ran out of time. */
  error?: string;
}

export function runProcess(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<Spawned> {
  return new Promise((resolve) => {
    let stdout = '', stderr = '', settled = false;
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const finish = (s: Spawned): void => { if (!settled) { settled = true; clearTimeout(timer); resolve(s); } };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stdout, stderr, error: `timed out after ${Math.round(opts.timeoutMs / 1000)} s` });
    }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e: NodeJS.ErrnoException) => finish({ code: null, stdout, stderr, error: e.code === 'ENOENT' ? `${cmd} not found` : e.message }));
    child.on('close', (code) => finish({ code, stdout, stderr }));
    child.stdin.on('error', () => { /* the process may exit before reading its input */ });
    child.stdin.end(opts.input ?? '');
  });
}

/** The last line of output that parses as a JSON object, or null. */
export function lastJson(text: string): Record<string, unknown> | null {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch { /* keep looking */ }
  }
  return null;
}

export const lastLine = (text: string): string => text.trim().split('\n').pop()?.trim() ?? '';
