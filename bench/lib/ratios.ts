// Ratios within one run: each groundup row against each peer row on the same suite and case.
import { isGroundup, type Row } from './types.ts';

/** Speed ratio peer ms / groundup ms: 2 means groundup takes half the peer's time. */
export function speedRatio(groundupMs: number, peerMs: number): number {
  return peerMs / groundupMs;
}

/** What a row is compared on: time, or for memory rows the peak RSS (peer MB / groundup MB: above 1, groundup uses less). */
const measureOf = (r: Row): number | null => (r.suite === 'memory' ? r.peakRssMB ?? null : r.ms);

/** Returns new rows with `ratioTo` filled on every timed groundup row (peers get none). */
export function withRatios(rows: readonly Row[]): Row[] {
  const byCase = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.suite}\u0000${r.case}`;
    const list = byCase.get(key);
    if (list) list.push(r); else byCase.set(key, [r]);
  }
  return rows.map((r) => {
    const { ratioTo: _old, ...rest } = r;
    const mine = measureOf(r);
    if (!isGroundup(r.impl) || mine === null) return rest;
    const peers = byCase.get(`${r.suite}\u0000${r.case}`)!.filter((p) => !isGroundup(p.impl) && measureOf(p) !== null);
    if (peers.length === 0) return rest;
    const ratioTo: Record<string, number> = {};
    for (const p of peers) ratioTo[p.impl] = speedRatio(mine, measureOf(p)!);
    return { ...rest, ratioTo };
  });
}
