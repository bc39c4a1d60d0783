// Standalone bench for the native addon: groundup:native GEMM on 1 and 2 threads against
// OpenBLAS cblas_sgemm on 1 and 2 threads (the bench's own harness, peers/openblas_sgemm.c),
// and conv2d forward + backward against PyTorch (/usr/bin/python3 with python3-torch).
//   pnpm exec tsx bench/gemm-native.ts [--quick] [--rounds N]
// Rounds interleave the implementations, so that load from other processes hits them alike;
// each row gives the best and the median over all samples (this is a shared 2-vCPU VM).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { conv2dGeometry, findBackend, type GemmArgs } from '@groundup/kernels';
import { nativeAddon } from '../packages/kernels/src/native/addon.ts';
import { buildHarness } from './peers/openblas.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const roundsAt = argv.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : quick ? 3 : 6;
const native = findBackend('native');
const addon = nativeAddon();
const av = native?.available() ?? { ok: false as const, reason: 'not registered' };
if (!native || !addon || !av.ok) {
  console.log(`groundup:native unavailable: ${av.ok ? 'addon did not load' : av.reason}`);
  process.exit(0);
}

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const samples = new Map<string, number[]>(); // "case|impl" → ms per call
const note = (key: string, ms: number[]) => samples.set(key, [...(samples.get(key) ?? []), ...ms]);

/** ms per call, several samples of ≥ 20 ms each after a warm-up. */
function time(fn: () => void, count = 5): number[] {
  fn();
  const t0 = performance.now();
  fn();
  const reps = Math.max(1, Math.ceil(20 / Math.max(performance.now() - t0, 1e-3)));
  const out: number[] = [];
  for (let s = 0; s < count; s++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    out.push((performance.now() - t) / reps);
  }
  return out;
}

const sizes = quick ? [512, 1024] : [256, 512, 1024, 2048];
const gemms = sizes.map((n) => {
  const p: GemmArgs<Float32Array> = { transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a: rand(n * n), aOffset: 0, lda: n, strideA: 0,
    b: rand(n * n), bOffset: 0, ldb: n, strideB: 0, c: new Float32Array(n * n), cOffset: 0, ldc: n, strideC: 0, batch: 1 };
  return { n, run: () => native.kernels.gemm!(p) };
});

const built = await buildHarness();
const harness = join(import.meta.dirname, '.cache', 'openblas_sgemm');
function openblas(threads: number): void {
  if (built !== true) return;
  const input = sizes.map((n, i) => `${i} ${n} ${n} ${n} 0 0`).join('\n') + '\n';
  const r = spawnSync(harness, ['0.3', '5', '15'], { input, encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(line) as { rows: { i: number; samplesMs: number[] }[] };
    for (const row of out.rows) note(`gemm ${sizes[row.i]}³|openblas:${threads}t`, row.samplesMs);
  } catch {
    console.log(`openblas harness failed: ${r.stderr || line}`);
  }
}

// conv2d forward + backward (data and weight), ch13 simple_cnn at batch 64 and a 3×3 64→64 conv.
const convShapes: [string, number[], number[], number, number][] = [
  ['simple_cnn conv1 1→4 28²', [64, 1, 28, 28], [4, 1, 3, 3], 2, 1],
  ['simple_cnn conv2 4→8 14²', [64, 4, 14, 14], [8, 4, 3, 3], 2, 1],
  ['simple_cnn conv3 8→16 7²', [64, 8, 7, 7], [16, 8, 3, 3], 2, 1],
  ['simple_cnn conv4 16→32 4²', [64, 16, 4, 4], [32, 16, 3, 3], 2, 1],
  ['3×3 64→64 28², batch 64', [64, 64, 28, 28], [64, 64, 3, 3], 1, 1],
];
const convs = convShapes.map(([name, input, weight, stride, padding]) => {
  const g = conv2dGeometry(input, weight, { stride, padding });
  const x = rand(g.n * g.c * g.h * g.w), w = rand(g.o * g.c * g.kh * g.kw), bias = rand(g.o);
  const y = new Float32Array(g.n * g.o * g.outH * g.outW), gx = new Float32Array(x.length), gw = new Float32Array(w.length);
  const k = native.kernels;
  const flops = 3 * 2 * g.n * g.o * g.c * g.kh * g.kw * g.outH * g.outW;
  return { name, flops, run: () => { k.conv2dForward!(g, x, w, bias, y); k.conv2dBackwardData!(g, y, w, gx); k.conv2dBackwardWeight!(g, x, y, gw); } };
});

// PyTorch (Debian python3-torch under /usr/bin/python3) on the same conv cases, forward + backward
// (input, weight and bias gradients), one process per thread count and round.
const torchScript = `
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
out = {}
for name, xs, ws, s, p in json.loads(sys.argv[2]):
    x = torch.randn(*xs, requires_grad=True); w = torch.randn(*ws, requires_grad=True); b = torch.randn(ws[0], requires_grad=True)
    def step():
        y = torch.nn.functional.conv2d(x, w, b, stride=s, padding=p)
        y.backward(torch.ones_like(y))
    for _ in range(3): step()
    ts = []
    for _ in range(5):
        t = time.perf_counter(); step(); ts.append((time.perf_counter() - t) * 1e3)
    out[name] = ts
print(json.dumps(out))`;
function torch(threads: number): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', torchScript, String(threads), JSON.stringify(convShapes.map(([n, i, w, st, p]) => [n, i, w, st, p]))], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (r.error || r.status !== 0) return `torch unavailable: ${r.error?.message ?? (r.stderr.trim().split('\n').pop() || `exit ${r.status}`)}`;
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number[]>;
  for (const [name, ms] of Object.entries(out)) note(`conv ${name}|torch ${threads}t`, ms);
  return null;
}
let torchWhy: string | null = null;

const cores = addon.info().threads;
for (let round = 0; round < ROUNDS; round++) {
  for (const threads of [1, 2]) {
    if (threads > cores) continue;
    addon.setThreads(threads);
    for (const g of gemms) note(`gemm ${g.n}³|groundup:native ${threads}t`, time(g.run));
    for (const c of convs) note(`conv ${c.name}|groundup:native ${threads}t`, time(c.run, 3));
    openblas(threads);
    torchWhy = torch(threads) ?? torchWhy;
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}
addon.setThreads(cores);

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`\n${native.describe()}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (built !== true) console.log(`openblas rows missing: ${built}`);
console.log('\n| case | impl | best ms | median ms | GFLOP/s (best) | GFLOP/s (median) | native ÷ openblas, same threads (best / median) |');
console.log('|---|---|---|---|---|---|---|');
for (const g of gemms) {
  const flops = 2 * g.n ** 3;
  for (const threads of [1, 2]) {
    const mine = samples.get(`gemm ${g.n}³|groundup:native ${threads}t`), peer = samples.get(`gemm ${g.n}³|openblas:${threads}t`);
    for (const [impl, xs] of [[`groundup:native ${threads}t`, mine], [`openblas:${threads}t`, peer]] as const) {
      if (!xs) continue;
      const ratio = impl.startsWith('groundup') && peer ? `${(best(peer) / best(xs)).toFixed(2)}× / ${(median(peer) / median(xs)).toFixed(2)}×` : '';
      console.log(`| gemm ${g.n}³ | ${impl} | ${best(xs).toFixed(2)} | ${median(xs).toFixed(2)} | ${fmt(flops / best(xs) / 1e6)} | ${fmt(flops / median(xs) / 1e6)} | ${ratio} |`);
    }
  }
}
if (torchWhy) console.log(`\n${torchWhy}`);
console.log('\n| conv fwd+bwd | impl | best ms | median ms | GFLOP/s (best) | torch ms ÷ native ms, same threads (best / median) |');
console.log('|---|---|---|---|---|---|');
for (const c of convs)
  for (const threads of [1, 2]) {
    const xs = samples.get(`conv ${c.name}|groundup:native ${threads}t`), peer = samples.get(`conv ${c.name}|torch ${threads}t`);
    for (const [impl, ys] of [[`groundup:native ${threads}t`, xs], [`torch ${threads}t`, peer]] as const) {
      if (!ys) continue;
      const ratio = impl.startsWith('groundup') && peer ? `${(best(peer) / best(ys)).toFixed(2)}× / ${(median(peer) / median(ys)).toFixed(2)}×` : '';
      console.log(`| ${c.name} | ${impl} | ${best(ys).toFixed(2)} | ${median(ys).toFixed(2)} | ${fmt(c.flops / best(ys) / 1e6)} | ${ratio} |`);
    }
  }
