// Weidman, Deep Learning from Scratch, chapter 3 "Deep Learning from Scratch": the Operation /
// Layer / NeuralNetwork / Trainer framework, on Boston, with three models.
// Run it with `pnpm chapter dlfs/03` (needs Debian's python3-sklearn for the Boston CSV).
import { Dense, evalRegressionModel, Linear, MeanSquaredError, NeuralNetwork, SGD, Sigmoid, Trainer } from '@groundup/operations';
import { bostonSplit } from './boston.ts';

console.log('# Deep Learning from Scratch');
const { XTrain, XTest, yTrain, yTest } = bostonSplit();

const models: [string, () => NeuralNetwork, string][] = [
  ['Linear regression: [Dense(1, Linear)]', () => new NeuralNetwork([new Dense(1, () => new Linear())], new MeanSquaredError(), 20190501),
    '30.293 28.469 26.293 25.541 25.087; MAE 3.52, RMSE 5.01'],
  ['Neural network: [Dense(13, Sigmoid), Dense(1, Linear)]',
    () => new NeuralNetwork([new Dense(13, () => new Sigmoid()), new Dense(1, () => new Linear())], new MeanSquaredError(), 20190501),
    '27.435 21.839 18.918 17.195 16.215; MAE 2.60, RMSE 4.03'],
  ['Deep neural network: [Dense(13, Sigmoid), Dense(13, Sigmoid), Dense(1, Linear)]',
    () => new NeuralNetwork([new Dense(13, () => new Sigmoid()), new Dense(13, () => new Sigmoid()), new Dense(1, () => new Linear())], new MeanSquaredError(), 20190501),
    '44.143 25.278 22.339 16.500 14.655; MAE 2.45, RMSE 3.83'],
];
for (const [title, make, book] of models) {
  console.log(`\n## ${title}\n`);
  const trainer = new Trainer(make(), new SGD(0.01));
  trainer.fit(XTrain, yTrain, XTest, yTest, { epochs: 50, evalEvery: 10, seed: 20190501 });
  const { mae, rmse } = evalRegressionModel(trainer.net, XTest, yTest);
  console.log(`Mean absolute error: ${mae.toFixed(2)}\nRoot mean squared error ${rmse.toFixed(2)}`);
  console.log(`(companion code: ${book})`);
}
