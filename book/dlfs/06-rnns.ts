// Weidman, Deep Learning from Scratch, chapter 6 "Recurrent Neural Networks": branching and the
// scalar autodiff toy, then RNN, GRU and LSTM nodes with their backward passes written out (checked
// by finite differences), and character-level language models on the chapter's text.
// Run it with `pnpm chapter dlfs/06`: the book's iteration counts for the single-layer models and
// 500 of the book's 2000 for the stacked ones (`--full`: all 2000, an hour or more on two cores;
// `--quick`: a tenth of the book's). It writes out/dlfs-06/loss.svg.
import { join } from 'node:path';
import { tensor } from '@groundup/tensor';
import { NumberWithGrad } from '@groundup/operations';
import { saveLineChart } from '../lib/line-chart.ts';
import { checkLayer, checkNode } from './ch06/finite-differences.ts';
import { experiments, trainCharModel } from './ch06/experiments.ts';
import { NotebookGRUNode } from './ch06/notebook-gru.ts';
import { playText } from './play-text.ts';

const quick = process.argv.includes('--quick'), full = process.argv.includes('--full');
const out = join('out', 'dlfs-06');

console.log('# Recurrent Neural Networks\n\n## The Key Limitation: Handling Branching\n');
console.log('Chapters 3-5 chain operations: each receives one output gradient. When an output feeds two');
console.log('consumers, the gradients from both must be summed. That is automatic differentiation.\n');

console.log('## Automatic Differentiation\n\n### Writing Code to Accumulate Gradients\n');
let a = new NumberWithGrad(3);
const b = a.mul(4);
const c = b.add(3);
c.backward();
console.log(`a = 3, b = a·4, c = b + 3; c.backward():  a.grad = ${a.grad}, b.grad = ${b.grad}   (book: 4 and 1)`);
a = new NumberWithGrad(3);
const e = a.mul(4).add(3).mul(a.add(2));
e.backward();
console.log(`a = 3, e = (a·4 + 3)·(a + 2); e.backward():  a.grad = ${a.grad}   (book: 35 = 4·5 + 15)`);
const x = new NumberWithGrad(3);
const z = x.mul(x);
z.add(z).backward();
const xt = tensor([3], { dtype: 'float64' }).requiresGrad_();
const zt = xt.mul(xt);
zt.add(zt).sum().backward();
console.log(`The toy pushes each contribution at once, so a non-leaf used twice over-counts:`);
console.log(`x = 3, z = x·x, u = z + z: NumberWithGrad gives x.grad = ${x.grad}; the tensor autograd (topological order) gives ${xt.grad!.item()}, the true 4x.\n`);

console.log('## RNN Code\n');
console.log('Each node\'s backward against central differences (float64; largest relative error over every input and parameter):\n');
for (const kind of ['RNN', 'GRU', 'LSTM'] as const) {
  for (const r of [checkNode(kind), checkLayer(kind)])
    console.log(`  ${r.name.padEnd(10)} ${r.checked} derivatives, max relative error ${r.maxRelError.toExponential(1)}`);
}
const bad = checkNode('GRU', 6, undefined, new NotebookGRUNode());
console.log(`\nThe companion notebook's GRUNode builds its update gate from the reset gate's weights and drops the output`);
console.log(`path in backward; the same check fails it (max relative error ${bad.maxRelError.toFixed(2)}: ${bad.worst}).`);
console.log('rnn.GRUNode implements the intended math.\n');

console.log('## Data Representation for a Character-Level RNN-Based Language Model\n');
const text = playText();
const chars = [...new Set(text)].sort();
console.log(`The text: ${text.length} characters, ${text.split('\n').length} lines, ${chars.length} distinct symbols (the book's input.txt: 99,993, 3,298 and 62).`);
console.log(`It is generated in code (book/dlfs/play-text.ts) in the same play format:\n\n${text.slice(0, 220)}\n`);
console.log('Batch row i is the window text[start + i, start + i + T), its target the window one character later, one-hot: (batch, T, 62).\n');

console.log('## Putting This All Together\n');
console.log('(The nodes run in float32 here, twice as fast as the book\'s float64; the checks above are float64.)\n');
const curves: { name: string; values: number[] }[] = [];
for (const ex of experiments) {
  const iterations = quick ? Math.max(ex.iterations / 10, 100) : full || ex.iterations <= 1000 ? ex.iterations : 500;
  console.log(`### ${ex.title}\n(sequence length ${ex.sequenceLength}, batch ${ex.batchSize}, ${iterations} iterations${iterations !== ex.iterations ? '; the book: ' + ex.iterations : ''}; float32)\n`);
  const t0 = performance.now();
  const { history, trainer } = trainCharModel(text, ex, {
    iterations,
    dtype: 'float32',
    sampleEvery: 100,
    onSample: (it, ma, sample) => {
      console.log(`iteration ${String(it).padStart(4)}: moving-average loss ${ma.toFixed(1)}`);
      if (it % 500 === 0) console.log(`  sample: ${JSON.stringify(sample.slice(0, 120))}`);
    },
  });
  console.log(`after ${iterations} iterations, a sample of 200 characters:\n${trainer.sampleOutput(0, 200)}\n`);
  const first = history[0]!.movingAverage, last = history[history.length - 1]!.movingAverage;
  console.log(`loss ${first.toFixed(1)} → ${last.toFixed(1)} (moving average over 100 iterations) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  curves.push({ name: ex.short, values: history.filter((_, i) => i % 10 === 0).map((p) => p.movingAverage / (ex.batchSize * ex.sequenceLength)) });
}
console.log(`Loss curves (per character): ${saveLineChart(join(out, 'loss.svg'), 'Chapter 6: moving-average loss per character', 'iteration / 10', curves)}`);
console.log('The book prints no numbers for this chapter, only samples: word-like tokens and line structure appear as the loss falls.');
