import type { Conv2dGeometry } from './backend.ts';
import { ShapeError } from './errors.ts';

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
}

const pair = (v: number | [number, number] | undefined, dflt: number): [number, number] =>
  v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;

/** Output size per spatial dim: floor((n + 2p − k)/s) + 1. */
export function convOutSize(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

export function conv2dGeometry(input: readonly number[], weight: readonly number[], opts: Conv2dOptions = {}): Conv2dGeometry {
  if (input.length !== 4 || weight.length !== 4)
    throw new ShapeError(`conv2d: expected input [N,C,H,W] and weight [O,C,kh,kw], got [${input}] and [${weight}]; add a batch dim with unsqueeze(0)`);
  const [n, c, h, w] = input as [number, number, number, number];
  const [o, wc, kh, kw] = weight as [number, number, number, number];
  if (wc !== c) throw new ShapeError(`conv2d: input [${input}] has ${c} channels but weight [${weight}] expects ${wc}`);
  const [strideH, strideW] = pair(opts.stride, 1);
  const [padH, padW] = pair(opts.padding, 0);
  if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0)
    throw new ShapeError(`conv2d: stride must be ≥ 1 and padding ≥ 0, got stride [${strideH},${strideW}] padding [${padH},${padW}]`);
  const outH = convOutSize(h, kh, strideH, padH);
  const outW = convOutSize(w, kw, strideW, padW);
  if (outH < 1 || outW < 1)
    throw new ShapeError(`conv2d: kernel ${kh}×${kw} is larger than the padded input ${h + 2 * padH}×${w + 2 * padW} (input [${input}], padding [${padH},${padW}])`);
  return { n, c, h, w, o, kh, kw, strideH, strideW, padH, padW, outH, outW };
}
