// A minimal PNG writer (8-bit RGB, zlib from node) and a viridis-like colour map, for heat maps
// such as ActivationStats.colorDim. No dependencies.
import { deflate, writeOutputFile } from '#learner-host';

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length), dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(Array.from(type, (ch) => ch.charCodeAt(0)), 4); // the 4-letter chunk type, ASCII
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** PNG bytes of an RGB image: rgb holds width·height·3 bytes, row by row from the top. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  if (rgb.length !== width * height * 3) throw new RangeError(`encodePng: ${width}×${height} RGB needs ${width * height * 3} bytes, got ${rgb.length}`);
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const ihdr = new Uint8Array(13), dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width); dv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflate(raw)), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// Viridis at 9 stops; values in between are interpolated.
const VIRIDIS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];
/** The colour of v ∈ [0, 1]. */
export function viridis(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(t), VIRIDIS.length - 2), f = t - i;
  const a = VIRIDIS[i]!, b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!))) as [number, number, number];
}

/**
 * Writes a heat map of values[row][col] as PNG, row 0 at the bottom (matplotlib's origin='lower'),
 * each cell cellW × cellH pixels, colours scaled from min to max; returns the path.
 */
export function saveHeatmapPng(path: string, values: readonly (readonly number[])[], cellW = 2, cellH = 6): string {
  const rows = values.length, cols = values[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new RangeError('saveHeatmapPng: nothing to draw (no rows or no columns)');
  let lo = Infinity, hi = -Infinity;
  for (const r of values) for (const v of r) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi > lo ? hi - lo : 1;
  const W = cols * cellW, H = rows * cellH, rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const r = rows - 1 - Math.floor(y / cellH);
    for (let x = 0; x < W; x++) rgb.set(viridis((values[r]![Math.floor(x / cellW)]! - lo) / span), (y * W + x) * 3);
  }
  writeOutputFile(path, encodePng(W, H, rgb));
  return path;
}
