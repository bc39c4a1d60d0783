// Types for scripts/build-status.mjs (plain JS, so that node runs it during the install).
export type BuildTarget = 'wasm' | 'addon';
export type BuildOutcome = 'built' | 'skipped' | 'failed';
export interface BuildStatus { outcome: BuildOutcome; reason: string; hash: string; time: string }
export interface BuildVerdict { state: 'built' | 'skipped' | 'failed' | 'stale' | 'unknown'; message: string }
export const root: string;
export const targets: Record<BuildTarget, { dir: string; sources: string[]; script: string; command: string }>;
export function buildDirOf(name: BuildTarget): string;
export function sourceHash(name: BuildTarget): string;
export function writeStatus(name: BuildTarget, outcome: BuildOutcome, reason?: string): BuildStatus;
export function readStatus(name: BuildTarget): BuildStatus | null;
export function judge(name: BuildTarget, status: BuildStatus | null, hash: string): BuildVerdict;
export function verdict(name: BuildTarget): BuildVerdict;
