// Progress for long lesson runs: a cli-progress bar (on stderr) when it is a TTY; elsewhere nothing extra, because the
// lessons already print plain lines (validation losses) as they go.
import cliProgress from 'cli-progress';

export interface Progress { tick(n?: number): void; stop(): void }

export function progress(total: number, label: string): Progress {
  if (!process.stderr.isTTY || process.env['CI']) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {unit} | {duration_formatted}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic);
  bar.start(total, 0, { unit: 'epochs' });
  return { tick: (n = 1) => bar.increment(n), stop: () => bar.stop() };
}
