// Heat maps over images, as the book draws them with matplotlib: the image in gray, the class map
// upsampled bilinearly to the image size (F.interpolate, alignCorners false), coloured with magma
// and laid over it with alpha 0.6. Writes a PNG grid and an SVG with the same tiles and captions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Tensor } from 'groundup';
import { F } from '@groundup/nn';
import { encodePng } from '@groundup/learner';

// matplotlib's magma at 9 stops; values in between are interpolated.
const MAGMA = [[0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122], [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191]];
export function magma(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (MAGMA.length - 1);
  const i = Math.min(Math.floor(t), MAGMA.length - 2), f = t - i;
  const a = MAGMA[i]!, b = MAGMA[i + 1]!;
  return [0, 1, 2].map((k) => a[k]! + f * (b[k]! - a[k]!)) as [number, number, number];
}

/** A map [h, w] resized to [size, size] by bilinear interpolation, as imshow(..., interpolation='bilinear', extent=...) shows it. */
export const upsample = (map: Tensor, size: number): Tensor =>
  F.interpolate(map.unsqueeze(0).unsqueeze(0), { size: [size, size], mode: 'bilinear', alignCorners: false }).at(0, 0);

/** One tile: RGB bytes [size·size·3] of the image (0..1) with an optional map over it. */
export function tile(image: Tensor, map: Tensor | null, size: number, alpha = 0.6): Uint8Array {
  const img = F.interpolate(image.unsqueeze(0).unsqueeze(0), { size: [size, size] }).at(0, 0).contiguous().toFlatArray() as number[];
  const rgb = new Uint8Array(size * size * 3);
  let m: number[] | null = null, lo = 0, hi = 1;
  if (map) {
    m = upsample(map, size).contiguous().toFlatArray() as number[];
    lo = Math.min(...m); hi = Math.max(...m);
  }
  for (let p = 0; p < size * size; p++) {
    const g = 255 * Math.min(1, Math.max(0, img[p]!));
    const c = m ? magma((m[p]! - lo) / (hi - lo || 1)) : [g, g, g];
    for (let k = 0; k < 3; k++) rgb[p * 3 + k] = Math.round(m ? alpha * c[k]! + (1 - alpha) * g : g);
  }
  return rgb;
}

export interface OverlayRow { caption: string; image: Tensor; maps: Tensor[] }

/** Writes rows of [image, image + map, ...] as `${path}.png` and `${path}.svg` (captions); returns both paths. */
export function saveOverlays(path: string, rows: OverlayRow[], columns: string[], size = 140, gap = 4): { png: string; svg: string } {
  const nCol = 1 + Math.max(...rows.map((r) => r.maps.length));
  const W = nCol * size + (nCol - 1) * gap, H = rows.length * size + (rows.length - 1) * gap;
  const rgb = new Uint8Array(W * H * 3).fill(255);
  const tiles: string[] = [];
  rows.forEach((r, i) => [null, ...r.maps].forEach((m, j) => {
    const t = tile(r.image, m, size);
    const x0 = j * (size + gap), y0 = i * (size + gap);
    for (let y = 0; y < size; y++) rgb.set(t.subarray(y * size * 3, (y + 1) * size * 3), ((y0 + y) * W + x0) * 3);
    const b64 = Buffer.from(encodePng(size, size, t)).toString('base64');
    tiles.push(`<image x="${x0}" y="${y0 + 40 + i * 18}" width="${size}" height="${size}" href="data:image/png;base64,${b64}"/>`);
  }));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.png`, encodePng(W, H, rgb));
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svgH = H + 40 + rows.length * 18;
  const text = [
    ...columns.map((c, j) => `<text x="${j * (size + gap) + size / 2}" y="24" text-anchor="middle">${esc(c)}</text>`),
    ...rows.map((r, i) => `<text x="2" y="${i * (size + gap) + 36 + i * 18}">${esc(r.caption)}</text>`),
  ];
  writeFileSync(`${path}.svg`, `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${svgH}" font-family="sans-serif" font-size="13"><rect width="${W}" height="${svgH}" fill="white"/>${text.join('')}${tiles.join('')}</svg>`);
  return { png: `${path}.png`, svg: `${path}.svg` };
}
