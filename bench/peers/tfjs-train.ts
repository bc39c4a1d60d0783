// One SGD step of the book's models written with tfjs-core ops (NHWC), for the train-step suite.
import type * as TfCore from '@tensorflow/tfjs-core';
import { randomArray } from '../lib/data.ts';
import type { Prepared } from '../lib/measure.ts';
import type { TrainCase } from '../lib/types.ts';
import type { Tf, TfBackendName } from './tfjs-load.ts';

const labels = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 7) % 2);

/** ch4's simple_net: Linear(784,30), ReLU, Linear(30,1); mnist_loss; SGD lr 1. */
function simpleNet(tf: Tf, batch: number): { loss: () => TfCore.Scalar; vars: TfCore.Variable[] } {
  const x = tf.tensor2d(randomArray(batch * 784, 1), [batch, 784]);
  const y = tf.tensor2d(labels(batch), [batch, 1]);
  const w1 = tf.variable(tf.mul(tf.tensor2d(randomArray(784 * 30, 2), [784, 30]), 0.05));
  const b1 = tf.variable(tf.zeros([30]));
  const w2 = tf.variable(tf.mul(tf.tensor2d(randomArray(30, 3), [30, 1]), 0.2));
  const b2 = tf.variable(tf.zeros([1]));
  const loss = (): TfCore.Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const p = tf.sigmoid(tf.add(tf.matMul(h, w2), b2));
    return tf.mean(tf.where(tf.equal(y, 1), tf.sub(1, p), p));
  };
  return { loss, vars: [w1, b1, w2, b2] };
}

/** ch13's simple_cnn: conv(1,4), conv(4,8), conv(8,16), conv(16,32), conv(32,2, no ReLU), flatten; cross-entropy. */
function simpleCnn(tf: Tf, batch: number): { loss: () => TfCore.Scalar; vars: TfCore.Variable[] } {
  const x = tf.tensor4d(randomArray(batch * 28 * 28, 1), [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels(batch), 'int32'), 2);
  const chans = [1, 4, 8, 16, 32, 2];
  const layers = chans.slice(1).map((o, i) => ({
    w: tf.variable(tf.mul(tf.tensor4d(randomArray(9 * chans[i]! * o, 10 + i), [3, 3, chans[i]!, o]), Math.sqrt(2 / (9 * chans[i]!)))),
    b: tf.variable(tf.zeros([o])),
  }));
  const loss = (): TfCore.Scalar => {
    let h: TfCore.Tensor4D = x;
    layers.forEach((l, i) => {
      h = tf.fused.conv2d({ x: h, filter: l.w as TfCore.Tensor4D, bias: l.b, strides: 2, pad: 1, activation: i < layers.length - 1 ? 'relu' : 'linear' });
    });
    return tf.losses.softmaxCrossEntropy(y, tf.reshape(h, [batch, 2])) as TfCore.Scalar;
  };
  return { loss, vars: layers.flatMap((l) => [l.w, l.b]) };
}

/** Gradients that one SGD step of these models needs from tfjs's gradient registry. */
const neededGradients = ['Mean', 'BatchMatMul', 'Add', 'Relu', 'Sigmoid', 'Sub', 'Select', 'Reshape'];

export function prepareTfjsTrain(tf: Tf, backend: TfBackendName, c: TrainCase): Prepared {
  const noGrad = neededGradients.filter((k) => !tf.getGradient(k));
  if (noGrad.length)
    return { skipped: `tfjs-core's Node bundle registers no gradients (missing ${noGrad.slice(0, 3).join(', ')}...); they come with the full @tensorflow/tfjs bundle, which is not a dependency here`, threads: 1 };
  if (c.model === 'simple_cnn') {
    const missing = ['Conv2DBackpropInput', 'Conv2DBackpropFilter'].filter((k) => !tf.getKernel(k, backend));
    if (missing.length) return { skipped: `tfjs backend '${backend}' has no ${missing.join(' / ')} kernel`, threads: 1 };
  }
  const model = c.model === 'simple_cnn' ? simpleCnn(tf, c.batch) : simpleNet(tf, c.batch);
  const opt = tf.train.sgd(c.model === 'simple_cnn' ? 0.1 : 1);
  return {
    threads: 1,
    note: 'tfjs-core ops + tf.train.sgd',
    run: () => {
      const cost = opt.minimize(model.loss, true, model.vars);
      cost?.dataSync();
      cost?.dispose();
    },
    leave: () => { for (const v of model.vars) v.dispose(); opt.dispose(); },
  };
}
