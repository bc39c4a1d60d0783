// The chapter's experiment (the companion code's Numpy_Convolution_Demos notebook): one Conv2D
// layer of 16 5×5 filters with Tanh, flattened, dropout keeping 0.8, then Dense(10);
// SoftmaxCrossEntropy, SGDMomentum(0.1, 0.9), 1 epoch, batch 60, seed 20190402, conv_testing on.
import { Conv2D, Dense, Linear, NeuralNetwork, SGDMomentum, SoftmaxCrossEntropy, Tanh, Trainer, type FitResult } from '@groundup/operations';
import { calcAccuracyModel, type DlfsMnist } from '../ch04/mnist-data.ts';

export const CNN_SEED = 20190402;

export const cnnModel = (seed = CNN_SEED): NeuralNetwork => new NeuralNetwork([
  new Conv2D(16, 5, { dropout: 0.8, weightInit: 'glorot', flatten: true, activation: () => new Tanh() }),
  new Dense(10, () => new Linear()),
], new SoftmaxCrossEntropy(), seed);

export interface CnnResult extends FitResult {
  /** calc_accuracy_model on the test set after the epoch, % */
  accuracy: number;
  /** the network the experiment built and trained */
  model: NeuralNetwork;
}

export function runCnnExperiment(data: DlfsMnist, { seed = CNN_SEED, log = console.log }: { seed?: number; log?: (line: string) => void } = {}): CnnResult {
  const XTrain = data.XTrain.view(-1, 1, 28, 28), XTest = data.XTest.view(-1, 1, 28, 28);
  const model = cnnModel(seed);
  const trainer = new Trainer(model, new SGDMomentum(0.1, { momentum: 0.9 }));
  const r = trainer.fit(XTrain, data.trainLabels, XTest, data.testLabels, { epochs: 1, evalEvery: 1, seed, batchSize: 60, convTesting: true, log });
  return { ...r, accuracy: calcAccuracyModel(model, XTest, data.yTest), model };
}
