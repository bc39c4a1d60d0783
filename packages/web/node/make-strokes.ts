// Strokes for the browser test's drawing pad, taken from real digits: each chosen validation
// digit is thinned to a one-pixel skeleton (Zhang–Suen) and traced into polylines, which the
// test replays as mouse strokes. Writes e2e/strokes.json (committed):
//   pnpm --filter @groundup/web exec tsx node/make-strokes.ts [digit:index ...]
// Default: the first validation image of every digit.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mnist, MNIST_DIGIT_COUNTS, mnistTrainCount } from 'groundup';

type Pt = [number, number];
const N = 28;

/** Zhang–Suen thinning of a binary 28×28 image, in place. */
function thin(img: Uint8Array): void {
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= N || y >= N ? 0 : img[y * N + x]!);
  for (let changed = true; changed;) {
    changed = false;
    for (const pass of [0, 1]) {
      const clear: number[] = [];
      for (let y = 0; y < N; y++)
        for (let x = 0; x < N; x++) {
          if (!img[y * N + x]) continue;
          // neighbours P2..P9 clockwise from north
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          let a = 0;
          for (let i = 0; i < 8; i++) if (p[i] === 0 && p[(i + 1) % 8] === 1) a++;
          const [p2, , p4, , p6, , p8] = p as [number, number, number, number, number, number, number, number];
          const ok = pass === 0 ? p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0 : p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0;
          if (b >= 2 && b <= 6 && a === 1 && ok) clear.push(y * N + x);
        }
      for (const i of clear) img[i] = 0;
      if (clear.length) changed = true;
    }
  }
}

/** The skeleton as polylines: from end points first, each step to an unvisited neighbour. */
function trace(img: Uint8Array): Pt[][] {
  const on = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < N && y < N && img[y * N + x] === 1;
  const nbrs = (x: number, y: number): Pt[] => {
    const out: Pt[] = [];
    for (const [dx, dy] of [[0, -1], [1, 0], [0, 1], [-1, 0], [1, -1], [1, 1], [-1, 1], [-1, -1]] as Pt[]) if (on(x + dx, y + dy)) out.push([x + dx, y + dy]);
    return out;
  };
  const seen = new Set<number>();
  const pixels: Pt[] = [];
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) if (on(x, y)) pixels.push([x, y]);
  const ends = pixels.filter(([x, y]) => nbrs(x, y).length === 1);
  const strokes: Pt[][] = [];
  for (const start of [...ends, ...pixels]) {
    if (seen.has(start[1] * N + start[0])) continue;
    const joined = nbrs(...start).find(([x, y]) => seen.has(y * N + x)); // start from the skeleton already drawn
    const path: Pt[] = joined ? [joined, start] : [start];
    seen.add(start[1] * N + start[0]);
    for (let cur = start; ;) {
      const next = nbrs(...cur).find(([x, y]) => !seen.has(y * N + x));
      if (!next) break;
      seen.add(next[1] * N + next[0]);
      path.push(next);
      cur = next;
    }
    strokes.push(path);
  }
  return strokes;
}

const picks = process.argv.slice(2).length ? process.argv.slice(2).map((s) => s.split(':').map(Number) as [number, number]) : Array.from({ length: 10 }, (_, d) => [d, 0] as [number, number]);
const { images, labels } = mnist({ split: 'valid', layout: 'flat' });
const firstOf = (d: number): number => MNIST_DIGIT_COUNTS.slice(0, d).reduce((a, c) => a + c - mnistTrainCount(c), 0);
const digits = picks.map(([d, k]) => {
  const row = firstOf(d) + k;
  if (labels.at(row).item() !== d) throw new Error(`row ${row} is not a ${d}`);
  const img = Uint8Array.from(images.at(row).dataSync(), (v) => (v > 0.5 ? 1 : 0));
  thin(img);
  const strokes = trace(img).map((s) => s.map(([x, y]) => [x + 0.5, y + 0.5] as Pt));
  return { label: d, source: `validation image ${k} of digit ${d} (row ${row} of mnist({ split: 'valid' }))`, strokes };
});
const out = fileURLToPath(new URL('../e2e/strokes.json', import.meta.url));
writeFileSync(out, `${JSON.stringify({ note: 'strokes in 28×28 pixel coordinates, from Zhang–Suen skeletons of real validation digits; made by node/make-strokes.ts', digits })}\n`);
console.log(`wrote ${digits.length} digits (${digits.map((d) => `${d.label}: ${d.strokes.length} strokes`).join(', ')}) to ${out}`);
