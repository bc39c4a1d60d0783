// N SGD steps of ch13's simple_cnn (batch 64) with groundup's compiled packages under plain node
// (no tsx: its loader would count in the RSS), on GROUNDUP_BACKEND. Prints one JSON line:
// {peakRssMB, baseRssMB, msPerStep, steps, backend}. The bench's memory suite runs it (and
// torch_memory.py for PyTorch); peak RSS is the whole process's, as `ru_maxrss` reports it.
//   node bench/memory/simple-cnn-steps.mjs [steps]
import { Conv2d, F, Flatten, ReLU, SGD, Sequential, getBackend, tensor } from 'groundup';

const steps = Number(process.argv[2] ?? 1000);
const mb = (kb) => Math.round(kb / 1024 * 10) / 10;
const base = process.resourceUsage().maxRSS;

/** Uniform values in [-1, 1) from the bench's LCG (bench/lib/data.ts). */
function randomArray(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2147483648 - 1; }
  return out;
}

const conv = (ni, nf, act = true) => {
  const layer = new Conv2d(ni, nf, 3, { stride: 2, padding: 1 });
  return act ? new Sequential(layer, new ReLU()) : layer;
};
const model = new Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, false), new Flatten());
const x = tensor(randomArray(64 * 784, 1)).view(64, 1, 28, 28);
const y = tensor(Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 2), { dtype: 'int32' });
const opt = new SGD(model.parameters(), { lr: 0.1 });
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  F.crossEntropy(model.call(x), y).backward();
  opt.step();
  opt.zeroGrad();
}
const ms = (performance.now() - t0) / steps;
console.log(JSON.stringify({ peakRssMB: mb(process.resourceUsage().maxRSS), baseRssMB: mb(base), msPerStep: ms, steps, backend: getBackend().name }));
