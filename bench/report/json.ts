// bench/results/latest.json and its dated copy, and a schema check for reading them back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteNames, type BenchResults, type Row } from '../lib/types.ts';

/** 2026-11-22T05-07: the dated file name (UTC, minutes), sortable and safe on every filesystem. */
export const datedName = (iso: string): string => iso.slice(0, 16).replace(':', '-');

const sig = (x: number | null, digits: number): number | null => (x === null ? null : Number(x.toPrecision(digits)));

/** A row with its numbers cut to the digits a benchmark can honestly claim. */
export function roundRow(r: Row): Row {
  const out: Row = { ...r, ms: sig(r.ms, 4), gflops: sig(r.gflops, 4), spread: r.spread === null ? null : Math.round(r.spread * 1000) / 1000 };
  if (r.ratioTo) out.ratioTo = Object.fromEntries(Object.entries(r.ratioTo).map(([k, v]) => [k, sig(v, 3)!]));
  return out;
}

export function writeJson(results: BenchResults, dir: string): { latest: string; dated: string } {
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify({ ...results, rows: results.rows.map(roundRow) }, null, 1) + '\n';
  const latest = join(dir, 'latest.json'), dated = join(dir, `${datedName(results.date)}.json`);
  writeFileSync(latest, text);
  writeFileSync(dated, text);
  return { latest, dated };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown): boolean => v === null || isNum(v);

/** What is wrong with a row, or an empty list. */
export function rowProblems(r: unknown, i: number): string[] {
  const p: string[] = [];
  const o = r as Partial<Row> | null;
  if (typeof o !== 'object' || o === null) return [`rows[${i}] is not an object`];
  if (!suiteNames.includes(o.suite as Row['suite'])) p.push(`rows[${i}].suite '${String(o.suite)}' is not a suite`);
  for (const k of ['case', 'impl'] as const) if (typeof o[k] !== 'string' || !o[k]) p.push(`rows[${i}].${k} must be a non-empty string`);
  for (const k of ['threads', 'ms', 'gflops', 'spread'] as const) if (!numOrNull(o[k])) p.push(`rows[${i}].${k} must be a number or null`);
  if (!isNum(o.samples)) p.push(`rows[${i}].samples must be a number`);
  if (o.ms === null && typeof o.skipped !== 'string') p.push(`rows[${i}] has no time and no 'skipped' reason`);
  if (o.ratioTo !== undefined && (typeof o.ratioTo !== 'object' || Object.values(o.ratioTo ?? {}).some((v) => !isNum(v))))
    p.push(`rows[${i}].ratioTo must map impl names to numbers`);
  return p;
}

/** What is wrong with a results file, or an empty list. */
export function resultsProblems(x: unknown): string[] {
  const o = x as Partial<BenchResults> | null;
  if (typeof o !== 'object' || o === null) return ['results is not an object'];
  const p: string[] = [];
  if (o.schema !== 1) p.push('schema must be 1');
  if (typeof o.date !== 'string' || Number.isNaN(Date.parse(o.date))) p.push('date must be an ISO date');
  if (o.mode !== 'quick' && o.mode !== 'full' && o.mode !== 'smoke') p.push("mode must be 'quick', 'full' or 'smoke'");
  const m = o.machine;
  if (!m || typeof m.cpu !== 'string' || !isNum(m.cores) || typeof m.node !== 'string') p.push('machine must give cpu, cores and node');
  if (!Array.isArray(o.rows)) p.push('rows must be an array');
  else o.rows.forEach((r, i) => p.push(...rowProblems(r, i)));
  return p;
}

export function readResults(file: string): BenchResults {
  const x: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const problems = resultsProblems(x);
  if (problems.length) throw new Error(`${file}: ${problems.slice(0, 5).join('; ')}`);
  return x as BenchResults;
}
