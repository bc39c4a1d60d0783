// Weidman, Deep Learning from Scratch, chapter 2 "Fundamentals": linear regression and a small
// neural network on the Boston data, trained by hand with the chapter's own gradients.
// Run it with `pnpm chapter dlfs/02` (needs Debian's python3-sklearn for the Boston CSV).
import { linspace, zeros } from 'groundup';
import { bostonSplit } from './boston.ts';
import { mae, predictLinear, predictNN, rmse, trainLinear, trainNN } from './ch02/regression.ts';

const h = (title: string): void => console.log(`\n## ${title}\n`);
console.log('# Fundamentals');
const { XTrain, XTest, yTrain, yTest, featureNames } = bostonSplit();
console.log(`Boston: ${XTrain.shape[0]} training and ${XTest.shape[0]} test rows of ${XTrain.shape[1]} standardised features`);

h('Linear Regression: Training the Model');
const lin = trainLinear(XTrain, yTrain, { nIter: 1000, learningRate: 0.001, batchSize: 23, seed: 180708 });
console.log(`loss over the first batches: ${lin.losses.slice(0, 5).map((l) => l.toFixed(1)).join(', ')} … last ${lin.losses.at(-1)!.toFixed(2)}`);

h('Assessing Our Model: Training Set Versus Testing Set');
const pl = predictLinear(XTest, lin.weights);
console.log(`MAE ${mae(pl, yTest).toFixed(4)}, RMSE ${rmse(pl, yTest).toFixed(4)}  (book: 3.5644, 5.0497)`);
console.log(`RMSE / mean(y_test) = ${(rmse(pl, yTest) / yTest.mean().item()).toFixed(4)}  (book: 0.2287)`);
console.log(`B = ${lin.weights.B!.item().toFixed(4)} (book: 22.6312); W = [${(lin.weights.W!.view(-1).toArray() as number[]).map((w) => w.toFixed(4)).join(', ')}]`);

h('Analyzing the Most Important Feature');
const lstat = featureNames.indexOf('LSTAT');
const sweep = linspace(-1.5, 3.5, 6, { dtype: 'float64' });
const rows = zeros([6, 13], { dtype: 'float64' }).add(XTest.mean(0));
rows.setAt([':', lstat], sweep);
console.log(`${featureNames[lstat]} (feature ${lstat}) swept with the others at their test means: the linear model's predictions fall on a line`);

h('Neural Networks from Scratch: Training and Assessing Our First Neural Network');
const nn = trainNN(XTrain, yTrain, { nIter: 10000, learningRate: 0.001, batchSize: 23, seed: 180807 });
const pn = predictNN(XTest, nn.weights);
console.log(`MAE ${mae(pn, yTest).toFixed(4)}, RMSE ${rmse(pn, yTest).toFixed(4)}  (book: 2.5951, 3.8851)`);
console.log('The companion code sums the B1 gradient over the batch and the hidden units (one scalar for all 13');
console.log('biases); trainNN replicates that by default so the printed numbers reproduce (replicateBiasBug: false fixes it).');
const fixed = trainNN(XTrain, yTrain, { nIter: 10000, learningRate: 0.001, batchSize: 23, seed: 180807, replicateBiasBug: false });
const pf = predictNN(XTest, fixed.weights);
console.log(`with per-unit bias gradients: MAE ${mae(pf, yTest).toFixed(4)}, RMSE ${rmse(pf, yTest).toFixed(4)}`);

h('Two Reasons Why This Is Happening');
const linSweep = predictLinear(rows, lin.weights).view(-1).toArray() as number[];
const nnSweep = predictNN(rows, nn.weights).view(-1).toArray() as number[];
console.log('| LSTAT (standardised) | linear | neural net |');
console.log('|---|---|---|');
(sweep.toArray() as number[]).forEach((v, i) => console.log(`| ${v.toFixed(1)} | ${linSweep[i]!.toFixed(2)} | ${nnSweep[i]!.toFixed(2)} |`));
console.log('\nThe net bends where the line cannot (a nonlinear relationship), and its hidden units mix features.');
