// The device-tensor part of `pnpm test:cuda` (scripts/test-cuda.ts runs it after the kernel
// self-test): ch13's simple_cnn trained 25 SGD steps with the model and data on the device must
// give the CPU's losses within 1e-4 relative; 1,000 steps must keep cuda.memoryAllocated() flat
// (measured after each V8 collection, which returns dead tensors' blocks to the cache); then the
// issue's timing cases, for information, with the device synchronised around each timing.
//   GROUNDUP_CUDA_CHECK_STEPS=100 shortens the memory run and GROUNDUP_CUDA_CHECK_BATCH=4 the batch
//   (the emulator is slow); GROUNDUP_CUDA_CHECK_TIMING=0 skips the timings.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Conv2d, F, Flatten, ReLU, Sequential, type AnyModule } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { conv2d, cuda, manualSeed, randint, randn, type Tensor } from '@groundup/tensor';

export interface DeviceCheck { passed: number; failures: string[] }

function simpleCnn(): AnyModule {
  const conv = (ni: number, nf: number, act = true): AnyModule => {
    const layer = new Conv2d(ni, nf, 3, { stride: 2, padding: 1 });
    return act ? new Sequential(layer, new ReLU()) : layer;
  };
  return new Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 10, false), new Flatten());
}

const batch = Number(process.env.GROUNDUP_CUDA_CHECK_BATCH ?? 64);

function losses(device: 'cpu' | 'cuda', steps: number): number[] {
  manualSeed(0);
  const model = simpleCnn().to(device);
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  manualSeed(1);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = randn([batch, 1, 28, 28], { device }), y = randint(0, 10, [batch], { device });
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
    opt.zeroGrad();
    out.push(loss.item());
  }
  return out;
}

const gc = (): void => { v8.setFlagsFromString('--expose-gc'); (runInNewContext('gc') as () => void)(); };
const settle = (): Promise<void> => new Promise((r) => { gc(); setImmediate(r); });

/** Median of `reps` timings of fn in ms (after a warm-up), the device synchronised around each. */
function time(fn: () => void, reps: number): number {
  fn();
  cuda.synchronize();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    cuda.synchronize();
    ts.push(performance.now() - t);
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

export async function deviceCheck(): Promise<DeviceCheck> {
  const failures: string[] = [];
  let passed = 0;
  const cpu = losses('cpu', 25), dev = losses('cuda', 25);
  const worst = Math.max(...cpu.map((l, i) => Math.abs(l - dev[i]!) / Math.abs(l)));
  if (worst <= 1e-4) passed++;
  else failures.push(`simple_cnn 25 steps on cuda vs cpu: worst relative loss difference ${worst.toExponential(2)} (limit 1e-4)`);
  console.log(`simple_cnn b${batch}, 25 SGD steps on the device: losses ${dev[0]!.toFixed(4)} → ${dev[24]!.toFixed(4)}, worst relative difference from the cpu ${worst.toExponential(2)}`);

  const steps = Number(process.env.GROUNDUP_CUDA_CHECK_STEPS ?? 1000);
  manualSeed(0);
  const model = simpleCnn().cuda();
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const x = randn([batch, 1, 28, 28], { device: 'cuda' }), y = randint(0, 10, [batch], { device: 'cuda' });
  const step = (): void => {
    F.crossEntropy(model.call(x) as Tensor, y).backward();
    opt.step();
    opt.zeroGrad();
  };
  const marks: number[] = [];
  for (let i = 0; i < steps; i++) {
    step();
    if ((i + 1) % Math.max(1, Math.floor(steps / 10)) === 0) { await settle(); marks.push(cuda.memoryAllocated()); }
  }
  const later = marks.slice(2);
  if (later.every((m) => m === later[0])) passed++;
  else failures.push(`memoryAllocated over ${steps} steps (after each collection) is not flat: ${marks.join(', ')}`);
  console.log(`${steps} steps: memoryAllocated after collections ${marks.map((m) => (m / 1024).toFixed(0) + ' KiB').join(', ')}; `
    + `reserved ${(cuda.memoryReserved() / 2 ** 20).toFixed(1)} MiB; cudaMalloc calls ${cuda.memoryStats().cudaMallocs}`);

  if (process.env.GROUNDUP_CUDA_CHECK_TIMING !== '0') {
    console.log(`simple_cnn b${batch} SGD step on the device: ${time(step, 50).toFixed(3)} ms (median of 50)`);
    const convNet = new Sequential(new Conv2d(3, 64, 3, { padding: 1 }), new ReLU(), new Conv2d(64, 64, 3, { padding: 1 }), new ReLU(),
      new Conv2d(64, 64, 3, { padding: 1 }), new ReLU(), new Flatten()).cuda();
    const cx = randn([64, 3, 32, 32], { device: 'cuda' });
    const copt = new SGD(convNet.parameters(), { lr: 0.01 });
    console.log(`3→64→64→64 conv net, 32×32, b64, SGD step: ${time(() => { (convNet.call(cx) as Tensor).mean().backward(); copt.step(); copt.zeroGrad(); }, 20).toFixed(3)} ms`);
    const big = randn([256, 64, 56, 56], { device: 'cuda' }).requiresGrad_(), w = randn([64, 64, 3, 3], { device: 'cuda' }).requiresGrad_();
    console.log(`conv 64→64 3×3 on 56², b256, fwd + both backward: ${time(() => { conv2d(big, w, null, { padding: 1 }).sum().backward(); }, 10).toFixed(3)} ms`);
    const a = randn([4096, 4096], { device: 'cuda' }), b = randn([4096, 4096], { device: 'cuda' });
    const ms = time(() => { a.matmul(b); }, 10);
    console.log(`SGEMM 4096³ on device tensors (pack + kernel + scatter): ${ms.toFixed(3)} ms (${(2 * 4096 ** 3 / ms / 1e9).toFixed(1)} TFLOP/s)`);
    console.log('PyTorch on the same GPU: python3 scripts/torch-checks/cuda_device_peer.py');
  }
  return { passed, failures };
}
