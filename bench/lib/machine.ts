// The machine a run was measured on.
import os from 'node:os';
import type { Machine } from './types.ts';

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The 1-minute load average now. */
export const loadNow = (): number => round2(os.loadavg()[0]!);

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    load: [loadNow(), loadNow()],
  };
}
