// Writes grayscale images as PNG (pngjs), for the digits a lesson would rather show than print.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { fromArray, type Tensor } from 'groundup';

/** Saves [H, W] values in 0..1 (ink = 1, drawn dark on white) scaled up `scale` times; returns the path. */
export function saveGrayPng(img: Tensor, path: string, scale = 4): string {
  const [h, w] = img.shape as [number, number];
  const v = img.contiguous().toFlatArray() as number[];
  const png = new PNG({ width: w * scale, height: h * scale });
  for (let y = 0; y < h * scale; y++)
    for (let x = 0; x < w * scale; x++) {
      const ink = Math.min(1, Math.max(0, v[Math.floor(y / scale) * w + Math.floor(x / scale)]!));
      const g = Math.round(255 * (1 - ink)), o = (y * w * scale + x) * 4;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
      png.data[o + 3] = 255;
    }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

/** Lays several [H, W] images side by side with a 2-pixel gap. */
export function row(images: Tensor[]): Tensor {
  const [h, w] = images[0]!.shape as [number, number];
  const gap = 2;
  const data = new Float32Array(h * (images.length * (w + gap) - gap));
  const W = images.length * (w + gap) - gap;
  images.forEach((im, k) => {
    const v = im.contiguous().toFlatArray() as number[];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * W + k * (w + gap) + x] = v[y * w + x]!;
  });
  return fromArray(data, [h, W]);
}
