// What a suite is, and how one runs: every in-process implementation is prepared and timed
// per case (benny), then each external peer times all the suite's cases in one process.
import { heading, info, rowLine } from '../lib/log.ts';
import { isSkip, measure, type Prepared } from '../lib/measure.ts';
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

async function runInProcess(suite: SuiteName, c: BenchCase, impl: InProcessImpl, budget: Budget): Promise<Row | null> {
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
