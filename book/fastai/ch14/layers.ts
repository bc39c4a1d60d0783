// fastai ch14's building blocks, written as the book uses them (fastai's ConvLayer and BatchNorm
// with NormType.BatchZero are library layers there; here they are the book's helpers):
//   ConvLayer(ni, nf, {ks, stride, act, normType})  conv (no bias), BatchNorm, ReLU
//   ResBlock(ni, nf, stride)                       relu(convs(x) + idconv(pool(x)))
//   ResNet(nOut, layers, expansion)                the "bag of tricks" ResNet: stem, 4 stages, head
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, Identity, init, Linear, MaxPool2d, Module, ReLU, Sequential, type AnyModule } from '@groundup/nn';
import type { Tensor } from 'groundup';

/** fastai's NormType: Batch (γ = 1) or BatchZero (γ = 0, so a residual branch starts as nothing). */
export type NormType = 'Batch' | 'BatchZero';

/** fastai's BatchNorm(nf, norm_type): β = 0.001, γ = 1 or 0 (BatchZero). */
export function batchNorm(nf: number, normType: NormType = 'Batch'): BatchNorm2d {
  const bn = new BatchNorm2d(nf);
  init.constant_(bn.bias!, 1e-3);
  init.constant_(bn.weight!, normType === 'BatchZero' ? 0 : 1);
  return bn;
}

export interface ConvLayerOptions { ks?: number; stride?: number; act?: boolean; normType?: NormType }

/**
 * fastai's ConvLayer: a ks×ks convolution (padding ks//2, no bias since BatchNorm follows),
 * BatchNorm, then ReLU unless act is false. With ReLU the weights start kaiming-uniform (fastai's
 * init for ReLU), without it PyTorch's default.
 */
export class ConvLayer extends Sequential {
  constructor(ni: number, nf: number, { ks = 3, stride = 1, act = true, normType = 'Batch' }: ConvLayerOptions = {}) {
    const conv = new Conv2d(ni, nf, ks, { stride, padding: Math.floor(ks / 2), bias: false });
    if (act) init.kaimingUniform_(conv.weight);
    super(...([conv, batchNorm(nf, normType), ...(act ? [new ReLU()] : [])] as AnyModule[]));
  }
}

/** The first ResBlock of the chapter: x + convs(x), for ni = nf and stride 1 only. */
export class ResBlockV1 extends Module<[Tensor], Tensor> {
  convs: Sequential;
  constructor(ni: number, nf: number) {
    super();
    this.convs = new Sequential(new ConvLayer(ni, nf), new ConvLayer(nf, nf, { normType: 'BatchZero' }));
  }
  override forward(x: Tensor): Tensor { return x.add(this.convs.call(x)); }
}

/** _conv_block: two 3×3 ConvLayers, the second without activation and with BatchZero. */
export const convBlock = (ni: number, nf: number, stride: number): Sequential =>
  new Sequential(new ConvLayer(ni, nf, { stride }), new ConvLayer(nf, nf, { act: false, normType: 'BatchZero' }));

/** The bottleneck _conv_block: 1×1 down to nf/4, 3×3 (with the stride) at nf/4, 1×1 back up to nf. */
export const bottleneckBlock = (ni: number, nf: number, stride: number): Sequential => new Sequential(
  new ConvLayer(ni, nf / 4, { ks: 1 }),
  new ConvLayer(nf / 4, nf / 4, { stride }),
  new ConvLayer(nf / 4, nf, { ks: 1, act: false, normType: 'BatchZero' }),
);

export type Block = (ni: number, nf: number, stride: number) => Sequential;

/**
 * ResBlock with a stride and a change of channels: the shortcut average-pools (2, ceil mode) when
 * the stride is 2 and maps ni to nf channels with a 1×1 ConvLayer (no activation) when they differ;
 * otherwise it is the identity (fastai's noop).
 */
export class ResBlock extends Module<[Tensor], Tensor> {
  convs: Sequential;
  idconv: AnyModule;
  pool: AnyModule;
  constructor(ni: number, nf: number, stride = 1, block: Block = convBlock) {
    super();
    this.convs = block(ni, nf, stride);
    this.idconv = ni === nf ? new Identity() : new ConvLayer(ni, nf, { ks: 1, act: false });
    this.pool = stride === 1 ? new Identity() : new AvgPool2d(2, { ceilMode: true });
  }
  override forward(x: Tensor): Tensor {
    const short = (this.idconv.call as (t: Tensor) => Tensor)((this.pool.call as (t: Tensor) => Tensor)(x));
    return this.convs.call(x).add(short).relu();
  }
}

export interface ResNetOptions {
  /** input channels (3) */
  cIn?: number;
  /** the stem's ConvLayer widths, the first with stride 2 ([32, 32, 64]) */
  stem?: number[];
  /** the stages' widths before expansion ([64, 128, 256, 512]); stage 1 keeps the stride at 1 */
  widths?: number[];
  /** MaxPool2d(3, 2, 1) after the stem (true) */
  maxPool?: boolean;
  /** the residual branch (default: bottleneck when expansion > 1, as the book's ResNet-50) */
  block?: Block;
}

/** _resnet_stem(*sizes): ConvLayers, the first with stride 2, then max-pooling. */
export function resnetStem(sizes: number[], maxPool = true): AnyModule[] {
  const convs: AnyModule[] = sizes.slice(0, -1).map((s, i) => new ConvLayer(s, sizes[i + 1]!, { stride: i === 0 ? 2 : 1 }));
  return maxPool ? [...convs, new MaxPool2d(3, { stride: 2, padding: 1 })] : convs;
}

/**
 * The book's ResNet(n_out, layers, expansion): stem, one stage per entry of layers (each a
 * stride-2 ResBlock, except in the first stage, followed by stride-1 ones), then
 * AdaptiveAvgPool2d(1), Flatten and Linear. ResNet(10, [2, 2, 2, 2]) is ResNet-18.
 */
export class ResNet extends Sequential {
  readonly blockSzs: number[];
  constructor(nOut: number, layers: number[], expansion = 1, opts: ResNetOptions = {}) {
    const { cIn = 3, stem = [32, 32, 64], widths = [64, 128, 256, 512], maxPool = true } = opts;
    const block = opts.block ?? (expansion > 1 ? bottleneckBlock : convBlock);
    if (layers.length > widths.length) throw new RangeError(`ResNet: ${layers.length} stages but only ${widths.length} widths`);
    const szs = [stem.at(-1)!, ...widths.map((w) => w * expansion)];
    const stages = layers.map((n, idx) => {
      const stride = idx === 0 ? 1 : 2;
      const [chIn, chOut] = [szs[idx]!, szs[idx + 1]!];
      return new Sequential(...Array.from({ length: n }, (_, i) => new ResBlock(i === 0 ? chIn : chOut, chOut, i === 0 ? stride : 1, block)));
    });
    super(...resnetStem([cIn, ...stem], maxPool), ...stages, new AdaptiveAvgPool2d(1), new Flatten(), new Linear(szs[layers.length]!, nOut));
    this.blockSzs = szs;
  }
}
