// Weidman's Trainer stops early when the validation loss rises and restores its snapshot. As in the
// book's code (lincoln's Trainer.fit), the snapshot is a deepcopy taken at the start of each
// evaluation epoch: after a rise at epoch 10 with evalEvery 5 the net is the one after epoch 9,
// although the message says "using the model from epoch 5". The book's digits depend on it.
// The data make the rise certain: the validation targets are the negated training targets, so
// the better the net fits the training set, the worse its validation loss.
import { tensor, type Tensor } from 'groundup';
import { Dense, Linear, MeanSquaredError, NeuralNetwork, SGD, Trainer } from '@groundup/operations';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('operations: Trainer early stopping');

const X = tensor(Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]), { dtype: 'float64' });
const y = X.matmul(tensor([[1], [-2]], { dtype: 'float64' })).add(0.5);
const params = (net: NeuralNetwork): number[][] => [...net.params()].map((p) => p.toFlatArray() as number[]);

const makeTrainer = (): Trainer => new Trainer(new NeuralNetwork([new Dense(1, () => new Linear())], new MeanSquaredError(), 7), new SGD(0.05));

test('a rising validation loss stops training and restores the snapshot from the start of that epoch', () => {
  const trainer = makeTrainer();
  const lines: string[] = [];
  let atBest: number[][] = [], atRise: number[][] = [], riseLoss = 0;
  const lossOf = (n: NeuralNetwork): number => n.loss.forward(n.forward(X, true), y.neg());
  const log = (line: string): void => {
    lines.push(line);
    if (line.startsWith('Validation loss')) atBest = params(trainer.net);
    if (line.startsWith('Loss increased')) { atRise = params(trainer.net); riseLoss = lossOf(trainer.net); } // logged before the restore
  };
  const r = trainer.fit(X, y, X, y.neg(), { epochs: 50, evalEvery: 5, batchSize: 16, seed: 3, log });

  assert.ok(r.stoppedEarly, 'training stopped early');
  assert.equal(r.validationLosses.map((v) => v.epoch), [5], 'one evaluation improved, at epoch 5');
  assert.is(lines.length, 2);
  assert.match(lines[1]!, /^Loss increased after epoch 10, final loss was \d+\.\d{3}, using the model from epoch 5$/);
  assert.not.equal(atRise, atBest, 'training went on between the two evaluations');
  // The same run stopped after 9 epochs: the net the snapshot at the start of epoch 10 holds.
  const nine = makeTrainer();
  nine.fit(X, y, X, y.neg(), { epochs: 9, evalEvery: 5, batchSize: 16, seed: 3, log: () => {} });
  const restored = params(trainer.net);
  assert.equal(restored, params(nine.net), 'the restored net is the one after epoch 9');
  assert.not.equal(restored, atRise, 'not the net that gave the higher loss');
  assert.not.equal(restored, atBest, 'not the net of epoch 5 either (the book snapshots at the start of the evaluation epoch)');
  assert.is(trainer.optim.net, trainer.net, 'the optimizer follows the restored net');
  assert.is(trainer.bestLoss, r.validationLosses[0]!.loss, 'bestLoss stays the best evaluation');
  assert.ok(riseLoss >= r.validationLosses[0]!.loss, `the loss rose: ${riseLoss} after ${r.validationLosses[0]!.loss}`);
  assert.ok(lossOf(trainer.net) < riseLoss, 'the restored net is better than the one that stopped training');
});

test('without a rise it trains every epoch and keeps the last net', () => {
  const trainer = makeTrainer();
  const r = trainer.fit(X, y, X, y, { epochs: 20, evalEvery: 5, batchSize: 16, seed: 3, log: () => {} });
  assert.not.ok(r.stoppedEarly);
  assert.equal(r.validationLosses.map((v) => v.epoch), [5, 10, 15, 20]);
  const losses = r.validationLosses.map((v) => v.loss);
  losses.slice(1).forEach((l, i) => assert.ok(l < losses[i]!, `loss ${l} after ${losses[i]}`));
  const last: Tensor = trainer.net.forward(X, true);
  assert.is(trainer.net.loss.forward(last, y), losses[3]);
});

test.run();
