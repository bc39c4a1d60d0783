// A training run for resume.test.ts, run as a child process:
//   node --import tsx resume-child.ts <mode> <checkpoint> <out.json>
//   full     fitOneCycle(3) with a checkpoint every epoch; writes the final parameters' bits
//   stall    the same, but prints "stalled" during epoch 2 (batch 2) and waits there to be SIGKILLed
//   resume   fitOneCycle(3, { resume: checkpoint }); writes the final parameters' bits
//   crash    after the epoch-1 checkpoint, the next checkpoint write dies (SIGKILL) halfway through
// The model has BatchNorm (buffers) and Dropout (draws from the global generator), the training
// loader shuffles with its own generator, and the optimizer is fastai's Adam (state per parameter).
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { manualSeed } from '@groundup/tensor';
import { BatchNorm1d, Dropout, F, Linear, ReLU, Sequential } from '@groundup/nn';
import { Callback, Learner, SaveModelCallback } from '@groundup/learner';
import { paramBits, toyData } from './toy.ts';

const [mode, ckpt, out] = process.argv.slice(2) as [string, string, string];
manualSeed(7);
const model = new Sequential(new Linear(4, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.3), new Linear(16, 3));
const dls = toyData({ n: 96, nValid: 32, bs: 16, seed: 3 });

class Stall extends Callback {
  override afterBatch(): void {
    if (this.learn.training && this.learn.epoch === 1 && this.learn.iter === 2) {
      process.stdout.write('stalled\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
  }
}
class CrashNextWrite extends Callback {
  override order = 62; // after SaveModelCallback (61) has written this epoch's checkpoint
  override afterEpoch(): void {
    if (this.learn.epoch !== 0) return;
    const real = fs.writeSync;
    fs.writeSync = ((fd: number, buf: Uint8Array, off: number, len: number) => {
      real(fd, buf, off, Math.floor(len / 2)); // half the bytes reach the temp file, then the process dies
      fs.fsyncSync(fd);
      process.kill(process.pid, 'SIGKILL');
      return 0;
    }) as typeof fs.writeSync;
    syncBuiltinESMExports();
  }
}

const learn = new Learner(dls, model, { lossFunc: F.crossEntropy, progress: false, cbs: [new SaveModelCallback({ path: ckpt })] });
learn.logger = () => {};
const cbs = mode === 'stall' ? [new Stall()] : mode === 'crash' ? [new CrashNextWrite()] : [];
learn.fitOneCycle(3, 1e-2, { cbs, ...(mode === 'resume' ? { resume: ckpt } : {}) });
writeFileSync(out, JSON.stringify({ bits: paramBits(model), values: learn.recorder.values, buffers: model.buffers().map((b) => Array.from(b.dataSync())) }));
