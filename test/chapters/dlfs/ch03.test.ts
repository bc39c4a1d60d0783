// Weidman ch3 on Boston with the Operation/Layer framework: the exact validation losses and
// errors of the companion code (shared/book/weidman.md §3.3), plus the shape contracts.
import { ShapeError, sklearnDataAvailable, tensor } from 'groundup';
import { BiasAdd, Dense, evalRegressionModel, generateBatches, Linear, MeanSquaredError, NeuralNetwork, SGD, Sigmoid, Trainer, WeightMultiply } from '@groundup/operations';
import { test } from 'uvu';
import { skip } from '../../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { bostonSplit } from '../../../book/dlfs/boston.ts';
import { throwsNamed } from '../../helpers/assert.ts';

const f64 = { dtype: 'float64' } as const;
test('shape contracts name the offending shapes', () => {
  throwsNamed(() => new BiasAdd(tensor([1, 2], f64)), ShapeError, 'BiasAdd', '(1, n)', '[2]');
  const w = new WeightMultiply(tensor([[1], [2]], f64));
  w.forward(tensor([[1, 2]], f64));
  throwsNamed(() => w.backward(tensor([[1, 2]], f64)), ShapeError, 'output gradient has shape [1,2]', 'output has shape [1,1]');
  throwsNamed(() => new MeanSquaredError().forward(tensor([[1]], f64), tensor([1], f64)), ShapeError, 'prediction has shape [1,1]', 'target has shape [1]');
  throwsNamed(() => new WeightMultiply(tensor([[1], [2]], f64)).forward(tensor([[1, 2, 3]], f64)), ShapeError, '3 columns', '2 rows');
});
test('generateBatches yields 11 batches of 32 and one of 2 for 354 rows', () => {
  const X = tensor(Array.from({ length: 354 }, (_, i) => [i]), f64);
  assert.equal([...generateBatches(X, X)].map(([x]) => x.shape[0]), [...Array(11).fill(32), 2]);
});

const av = sklearnDataAvailable('boston');
if (!av.ok) {
  skip(test, 'dlfs ch03', `Boston data absent: ${av.reason}`);
} else {
  const { XTrain, XTest, yTrain, yTest } = bostonSplit();
  const run = (layers: () => Dense[]): { losses: string[]; mae: string; rmse: string } => {
    const trainer = new Trainer(new NeuralNetwork(layers(), new MeanSquaredError(), 20190501), new SGD(0.01));
    const r = trainer.fit(XTrain, yTrain, XTest, yTest, { epochs: 50, evalEvery: 10, seed: 20190501, log: () => {} });
    const m = evalRegressionModel(trainer.net, XTest, yTest);
    return { losses: r.validationLosses.map((v) => v.loss.toFixed(3)), mae: m.mae.toFixed(2), rmse: m.rmse.toFixed(2) };
  };
  test('linear regression: 30.293 → 25.087, MAE 3.52, RMSE 5.01', () => {
    assert.equal(run(() => [new Dense(1, () => new Linear())]), { losses: ['30.293', '28.469', '26.293', '25.541', '25.087'], mae: '3.52', rmse: '5.01' });
  });
  test('13 sigmoid + 1: 27.435 → 16.215, MAE 2.60, RMSE 4.03', () => {
    assert.equal(run(() => [new Dense(13, () => new Sigmoid()), new Dense(1, () => new Linear())]),
      { losses: ['27.435', '21.839', '18.918', '17.195', '16.215'], mae: '2.60', rmse: '4.03' });
  });
  test('13 + 13 sigmoid + 1: 44.143 → 14.655, MAE 2.45, RMSE 3.83', () => {
    assert.equal(run(() => [new Dense(13, () => new Sigmoid()), new Dense(13, () => new Sigmoid()), new Dense(1, () => new Linear())]),
      { losses: ['44.143', '25.278', '22.339', '16.500', '14.655'], mae: '2.45', rmse: '3.83' });
  });
  test('the two 13-unit layers of the deep model start equal (every Dense re-seeds)', () => {
    const net = new NeuralNetwork([new Dense(13), new Dense(13), new Dense(1, () => new Linear())], new MeanSquaredError(), 5);
    net.forward(XTrain.narrow(0, 0, 2).matmul(tensor(Array.from({ length: 13 }, (_, i) => Array.from({ length: 13 }, (_, j) => +(i === j))), f64)));
    assert.ok(net.layers[0]!.params[0]!.equal(net.layers[1]!.params[0]!));
  });
}
test.run();
