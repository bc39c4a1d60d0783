// What a suite is, and how one runs: every in-process implementation is prepared and timed
// per case (benny), then each external peer times all the suite's cases in one process.
import { heading, info, rowLine } from '../lib/log.ts';
import { caseFlops } from '../lib/flops.ts';
import { isSkip, measure, singleShotMs, type Prepared } from '../lib/measure.ts';
import { skippedRow, sortRows, timedRow } from '../lib/rows.ts';
import type { BenchCase, Budget, Row, SuiteName } from '../lib/types.ts';

/** An implementation timed inside this Node process (groundup backends, tfjs, onnxruntime). */
export interface InProcessImpl {
  impl: string;
  /** A runner for the case, a reason it cannot run, or null when the case does not apply (no row). */
  prepare(c: BenchCase): Promise<Prepared | null>;
}

/** A peer timed in its own process (PyTorch, the OpenBLAS harness); it returns its own rows. */
export interface ExternalPeer {
  name: string;
  run(suite: SuiteName, cases: readonly BenchCase[], budget: Budget): Promise<Row[]>;
}

export interface SuiteDef {
  name: SuiteName;
  inProcess(): Promise<InProcessImpl[]>;
  external: readonly ExternalPeer[];
}

const message = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0]!;

/**
 * Throughput seen so far per implementation and kind of work (e.g. tfjs:cpu's conv fwd+bwd), so that
 * a case whose one call would take minutes (tfjs:cpu's conv backward on 64 channels: ~6 min) is
 * skipped with the estimate instead of stalling the run.
 */
const seenRate = new Map<string, number>();
const workKey = (impl: string, c: BenchCase): string => `${impl}|${c.kind}|${c.kind === 'conv' ? c.mode : ''}`;

function tooSlow(impl: string, c: BenchCase, budget: Budget): string | null {
  const flops = caseFlops(c), rate = seenRate.get(workKey(impl, c));
  if (flops === null || rate === undefined) return null;
  const predictedMs = flops / rate / 1e6;
  if (predictedMs <= singleShotMs(budget)) return null;
  return `not timed: one call would take about ${Math.round(predictedMs / 1000)} s (at its best ${rate.toPrecision(2)} GFLOP/s on the smaller cases)`;
}

async function runInProcess(suite: SuiteName, c: BenchCase, impl: InProcessImpl, budget: Budget): Promise<Row | null> {
  const slow = tooSlow(impl.impl, c, budget);
  // A known rate means the implementation ran this kind of work before, so the case applies to it.
  if (slow) return skippedRow(suite, c, impl.impl, null, slow);
  let prepared: Prepared | null;
  try {
    prepared = await impl.prepare(c);
  } catch (e) {
    prepared = { skipped: `setup failed: ${message(e)}` };
  }
  if (prepared === null) return null;
  if (isSkip(prepared)) return skippedRow(suite, c, impl.impl, prepared.threads ?? null, prepared.skipped);
  try {
    const m = await measure(`${suite} ${c.id} · ${impl.impl}`, prepared, budget);
    const wrong = prepared.check?.() ?? null;
    const note = [wrong ? `WRONG RESULT: ${wrong}` : '', prepared.note, m.note].filter(Boolean).join('; ');
    return timedRow(suite, c, impl.impl, prepared.threads, m.samplesMs, note || undefined);
  } catch (e) {
    return skippedRow(suite, c, impl.impl, prepared.threads, `failed while timing: ${message(e)}`);
  }
}

export async function runSuite(def: SuiteDef, cases: readonly BenchCase[], budget: Budget): Promise<Row[]> {
  const rows: Row[] = [];
  if (cases.length === 0) return rows;
  const impls = await def.inProcess();
  for (const c of cases) {
    heading(`${def.name}: ${c.id}`);
    for (const impl of impls) {
      const row = await runInProcess(def.name, c, impl, budget);
      if (!row) continue;
      if (row.gflops !== null) seenRate.set(workKey(row.impl, c), Math.max(row.gflops, seenRate.get(workKey(row.impl, c)) ?? 0));
      rows.push(row);
      info(rowLine(row));
    }
  }
  for (const peer of def.external) {
    heading(`${def.name}: ${peer.name} (own process, all cases)`);
    let peerRows: Row[];
    try {
      peerRows = await peer.run(def.name, cases, budget);
    } catch (e) {
      peerRows = cases.map((c) => skippedRow(def.name, c, peer.name, null, `failed: ${message(e)}`));
    }
    for (const r of peerRows) info(`${r.case.padEnd(34)}${rowLine(r)}`);
    rows.push(...peerRows);
  }
  return sortRows(rows, cases.map((c) => c.id));
}
