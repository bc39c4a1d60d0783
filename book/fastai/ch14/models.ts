// fastai ch14's three models of "Going Back to Imagenette" and "Skip Connections", for 1-channel
// 28×28 images: five blocks with stride 2 (28 → 14 → 7 → 4 → 2 → 1), average pooling, a Linear
// head. The block is the only thing that changes:
//   plain:   ConvLayer(ni, nf, stride 2)                      (book: 0.6591 on Imagenette)
//   res1:    ResBlock(ni, nf, stride 2)                       (book: 0.6678)
//   res2:    ResBlock(ni, nf, stride 2), ResBlock(nf, nf)      (book: 0.6927)
import { manualSeed, type Tensor } from 'groundup';
import { AdaptiveAvgPool2d, F, Flatten, Linear, Sequential, type AnyModule } from '@groundup/nn';
import { accuracy, Learner, type Callback, type LoadersLike } from '@groundup/learner';
import { ConvLayer, ResBlock, ResNet } from './layers.ts';

export type BlockFn = (ni: number, nf: number) => AnyModule;
export const BLOCKS: Record<'plain' | 'res1' | 'res2', { name: string; book: number; block: BlockFn }> = {
  plain: { name: 'plain CNN', book: 0.6591, block: (ni, nf) => new ConvLayer(ni, nf, { stride: 2 }) },
  res1: { name: '1 ResBlock per stage', book: 0.6678, block: (ni, nf) => new ResBlock(ni, nf, 2) },
  res2: { name: '2 ResBlocks per stage', book: 0.6927, block: (ni, nf) => new Sequential(new ResBlock(ni, nf, 2), new ResBlock(nf, nf)) },
};

/** The book's widths are 16, 32, 64, 128, 256 (width 16); the lessons may narrow them. */
export const widthsFor = (w: number): number[] => [w, 2 * w, 4 * w, 8 * w, 16 * w];

/** get_model(): block(cIn, w0), block(w0, w1), ..., AdaptiveAvgPool2d(1), Flatten, Linear. */
export function getModel(block: BlockFn, seed: number, { cIn = 1, nOut = 10, width = 16 } = {}): Sequential {
  manualSeed(seed);
  const ws = widthsFor(width);
  return new Sequential(...ws.map((w, i) => block(i === 0 ? cIn : ws[i - 1]!, w)), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(ws.at(-1)!, nOut));
}

/**
 * The ResNet for 28-pixel images that ch18 looks inside: the book's ResNet class with a one-conv
 * stem at stride 2 (28 → 14) and no max-pool, a stage at 14×14 and one at 7×7, so the body ends
 * on a 7×7 grid as ResNet-34's does at 224 pixels. [body, head] as fastai's cnn_learner builds it.
 */
export function fashionResNet(seed: number, { width = 16 } = {}): Sequential {
  manualSeed(seed);
  const rn = new ResNet(10, [2, 2], 1, { cIn: 1, stem: [width], widths: [2 * width, 4 * width], maxPool: false });
  return new Sequential(rn.slice(0, -3), rn.slice(-3));
}

/** get_learner(m): cross-entropy and accuracy (the book adds .to_fp16(); we train in float32). */
export function getLearner(dls: LoadersLike, model: Sequential, cbs: Callback[] = [], progress = true): Learner<Sequential> {
  return new Learner(dls, model, { lossFunc: F.crossEntropy, metrics: [accuracy], cbs, progress });
}
export type { Tensor };
