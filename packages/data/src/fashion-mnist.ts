// Fashion-MNIST from Debian's dataset-fashion-mnist: the four IDX gzip files in
// /usr/share/datasets/fashion-mnist (train 60,000 and test 10,000 images of 28×28, labels 0..9).
import { fileExists, joinPath } from '#data-files';
import { DataError, envVar } from '@groundup/kernels';
import { Tensor } from '@groundup/tensor';
import { IDX_IMAGES, IDX_LABELS, readIdxFile } from './idx.ts';
import type { ImageLayout, LabelledImages } from './mnist.ts';
import { toFloat } from './transforms.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
/** The folder used when none is given: $GROUNDUP_FASHION_MNIST_DIR, else FASHION_MNIST_DIR. */
export const fashionMnistDir = (): string => envVar('GROUNDUP_FASHION_MNIST_DIR') || FASHION_MNIST_DIR;
export const FASHION_MNIST_INSTALL = 'apt-get install -y dataset-fashion-mnist';
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface FashionMnistOptions {
  /** 'train' (60,000, default) or 'test' (10,000) */
  split?: 'train' | 'test';
  /** default 'NCHW' ([N, 1, 28, 28]); 'NHW' or 'flat' */
  layout?: ImageLayout;
  /** where the .gz files are, default fashionMnistDir() (/usr/share/datasets/fashion-mnist) */
  dir?: string;
}

const files = (dir: string, split: 'train' | 'test'): { images: string; labels: string } => {
  const stem = split === 'train' ? 'train' : 't10k';
  return { images: joinPath(dir, `${stem}-images-idx3-ubyte.gz`), labels: joinPath(dir, `${stem}-labels-idx1-ubyte.gz`) };
};

/** Whether the files are there; when not, the reason holds the apt-get line. */
export function fashionMnistAvailable(dir = fashionMnistDir()): { ok: true } | { ok: false; reason: string } {
  const missing = (['train', 'test'] as const).flatMap((s) => Object.values(files(dir, s))).filter((f) => !fileExists(f));
  if (missing.length === 0) return { ok: true };
  return { ok: false, reason: `Fashion-MNIST is not installed (${missing.length === 4 ? `no files in ${dir}` : `missing ${missing.join(', ')}`}); install Debian's dataset-fashion-mnist:\n${FASHION_MNIST_INSTALL}` };
}

/** Fashion-MNIST images as float32 in 0..1 and int32 labels, with the class names. */
export function fashionMnist({ split = 'train', layout = 'NCHW', dir = fashionMnistDir() }: FashionMnistOptions = {}): LabelledImages & { classes: readonly string[] } {
  if (split !== 'train' && split !== 'test') throw new DataError(`fashionMnist: split must be 'train' or 'test', got '${split}'`);
  const f = files(dir, split);
  const av = fashionMnistAvailable(dir);
  if (!fileExists(f.images) || !fileExists(f.labels)) throw new DataError(`fashionMnist: ${av.ok ? 'files missing' : av.reason}`);
  const lab = readIdxFile(f.labels), img = readIdxFile(f.images);
  if (lab.magic !== IDX_LABELS) throw new DataError(`fashionMnist: ${f.labels} holds images, not labels`);
  if (img.magic !== IDX_IMAGES || img.dims[1] !== 28 || img.dims[2] !== 28)
    throw new DataError(`fashionMnist: ${f.images} should hold 28×28 images, its dims are [${img.dims}]`);
  const n = img.dims[0]!;
  if (lab.dims[0] !== n) throw new DataError(`fashionMnist: ${n} images but ${lab.dims[0]} labels in the ${split} split`);
  const bad = lab.data.findIndex((v) => v > 9);
  if (bad >= 0) throw new DataError(`fashionMnist: label ${bad} is ${lab.data[bad]}, outside 0..9; the file is corrupt`);
  const shape = layout === 'NCHW' ? [n, 1, 28, 28] : layout === 'NHW' ? [n, 28, 28] : layout === 'flat' ? [n, 784] : null;
  if (!shape) throw new DataError(`fashionMnist: layout must be 'NCHW', 'NHW' or 'flat', got '${layout}'`);
  return {
    images: toFloat({ data: img.data, dims: shape }),
    labels: Tensor.fromData(Int32Array.from(lab.data), [n]),
    classes: FASHION_MNIST_CLASSES,
  };
}
