// Trains the page's model (ch13's simple_cnn with BatchNorm) in Node on the same 8,000 digits and
// saves it as safetensors, the file the page's "Load weights" button takes:
//   pnpm web:train [epochs] [lrMax] [out.safetensors]
// Default: 5 epochs of fit_one_cycle at lr 0.06, bs 64, seed 42, into packages/web/public/simple-cnn.safetensors.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, mnist, save } from 'groundup';
import { EPOCH_COLUMNS, epochCells, epochLine } from '../src/epoch-row.ts';
import { fitOneCycle, seeded, type FitOptions } from '../src/fit.ts';
import { mnistSplits } from '../src/mnist-split.ts';
import { MODEL_METADATA, simpleCnn } from '../src/model.ts';

export const DEFAULT_FIT: FitOptions = { epochs: 5, lrMax: 0.06, batchSize: 64, seed: 42 };
// a path given is relative to where pnpm was started (INIT_CWD), not to packages/web
const out = process.argv[4] ? resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[4]) : fileURLToPath(new URL('../public/simple-cnn.safetensors', import.meta.url));
const opts: FitOptions = { ...DEFAULT_FIT, epochs: Number(process.argv[2] ?? DEFAULT_FIT.epochs), lrMax: Number(process.argv[3] ?? DEFAULT_FIT.lrMax) };

const data = mnistSplits((split) => mnist({ split }));
const model = seeded(opts.seed, simpleCnn);
console.log(`simple_cnn on ${data.train.x.shape[0]} training digits, ${data.valid.x.shape[0]} validation; backend ${getBackend().name} (${getBackend().describe()})`);
console.log(`fit_one_cycle(${opts.epochs}, ${opts.lrMax}), bs ${opts.batchSize}, seed ${opts.seed}\n`);
console.log(epochLine(EPOCH_COLUMNS));
let accuracy = 0;
for (const e of fitOneCycle(model, data.train, data.valid, opts)) {
  if (e.kind === 'batch') {
    if (!process.stdout.isTTY) continue;
    process.stdout.write(`\r  epoch ${e.epoch}: ${e.step}/${e.totalSteps} batches, loss ${e.loss.toFixed(4)}`);
  } else {
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
    console.log(epochLine(epochCells(e)));
    accuracy = e.accuracy;
  }
}
save(model, out, { metadata: { ...MODEL_METADATA, trainedWith: `node ${process.version}, ${getBackend().name}`, fit: JSON.stringify(opts), accuracy: accuracy.toFixed(4) } });
console.log(`\nsaved ${out}`);
