// Weidman ch2 on Boston: the exact printed numbers (shared/book/weidman.md §2.2, §3.2).
import { sklearnDataAvailable } from 'groundup';
import { test } from 'uvu';
import { skip } from '../../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { bostonSplit } from '../../../book/dlfs/boston.ts';
import { generateBatch, mae, predictLinear, predictNN, rmse, trainLinear, trainNN } from '../../../book/dlfs/ch02/regression.ts';

const av = sklearnDataAvailable('boston');
if (!av.ok) {
  skip(test, 'dlfs ch02', `Boston data absent: ${av.reason}`);
} else {
  const { XTrain, XTest, yTrain, yTest } = bostonSplit();
  test('the split is 354 training rows and 152 test rows of 13 standardised features', () => {
    assert.equal([XTrain.shape, XTest.shape, yTrain.shape, yTest.shape], [[354, 13], [152, 13], [354, 1], [152, 1]]);
    assert.is(yTest.mean().item().toFixed(4), '22.0776');
  });
  test('generateBatch truncates the last batch', () => {
    assert.equal(generateBatch(XTrain, yTrain, 345, 23)[0].shape, [9, 13]);
  });
  test('linear regression by hand: MAE 3.5644, RMSE 5.0497, B 22.6312, W as printed', () => {
    const { weights } = trainLinear(XTrain, yTrain, { nIter: 1000, learningRate: 0.001, batchSize: 23, seed: 180708 });
    const p = predictLinear(XTest, weights);
    assert.is(mae(p, yTest).toFixed(4), '3.5644');
    assert.is(rmse(p, yTest).toFixed(4), '5.0497');
    assert.is(weights.B!.item().toFixed(4), '22.6312');
    const want = [-1.0954, 0.7353, 0.1977, 0.7475, -2.2849, 2.2006, 0.7195, -2.6384, 2.5358, -1.6892, -2.3162, 0.8435, -4.2553];
    (weights.W!.view(-1).toArray() as number[]).forEach((w, i) => assert.is(w.toFixed(4), want[i]!.toFixed(4)));
  });
  test('the neural network by hand (hidden 13, 10,000 iterations): MAE 2.5951, RMSE 3.8851, W2 as printed', () => {
    const { weights } = trainNN(XTrain, yTrain, { nIter: 10000, learningRate: 0.001, batchSize: 23, seed: 180807 });
    const p = predictNN(XTest, weights);
    assert.is(mae(p, yTest).toFixed(4), '2.5951');
    assert.is(rmse(p, yTest).toFixed(4), '3.8851');
    const w2 = [6.8818, 7.3908, 5.632, 7.2358, 7.6253, 6.754, 3.3251, 9.7287, 5.6011, -10.2469, 5.5645, 5.6762, -4.4088];
    (weights.W2!.view(-1).toArray() as number[]).forEach((w, i) => assert.is(w.toFixed(4), w2[i]!.toFixed(4)));
  });
}
test.run();
