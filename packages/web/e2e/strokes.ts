// The stored strokes (e2e/strokes.json, from node/make-strokes.ts) and a rasteriser that draws
// them as the page's pad does (round brush, white on black), for the Node-side check that the
// chosen digits survive the pad's preprocessing.
import { readFileSync } from 'node:fs';

export type Stroke = [number, number][];
export interface StrokeDigit { label: number; source: string; strokes: Stroke[] }

export const strokeDigits: StrokeDigit[] = (JSON.parse(readFileSync(new URL('./strokes.json', import.meta.url), 'utf8')) as { digits: StrokeDigit[] }).digits;

/** The digits the browser test draws, by label. */
export const DRAWN_LABELS = [2, 4, 7] as const;

/** Strokes in 28×28 coordinates drawn on a size×size pad with the given brush: ink in 0..1 per pixel. */
export function rasterize(strokes: readonly Stroke[], size = 280, brush = 20): Float32Array {
  const s = size / 28, r = brush / 2, ink = new Float32Array(size * size);
  for (const stroke of strokes)
    for (let i = 0; i < stroke.length; i++) {
      const [ax, ay] = stroke[Math.max(0, i - 1)]!.map((v) => v * s) as [number, number];
      const [bx, by] = stroke[i]!.map((v) => v * s) as [number, number];
      const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
      for (let y = Math.max(0, Math.floor(Math.min(ay, by) - r - 1)); y < Math.min(size, Math.ceil(Math.max(ay, by) + r + 1)); y++)
        for (let x = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1)); x < Math.min(size, Math.ceil(Math.max(ax, bx) + r + 1)); x++) {
          const px = x + 0.5, py = y + 0.5;
          const t = len2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
          const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
          const cover = Math.max(0, Math.min(1, r + 0.5 - d));
          if (cover > ink[y * size + x]!) ink[y * size + x] = cover;
        }
    }
  return ink;
}
