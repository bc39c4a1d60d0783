// Standalone bench for the Wasm backends: groundup:wasm, groundup:wasm-mt and tfjs:wasm
// (@tensorflow/tfjs-backend-wasm, SIMD, 1 thread) side by side in one process.
//   pnpm exec tsx bench/gemm-wasm.ts [--quick] [--samples N] [--json out.json]
// groundup times include copying operands into Wasm memory and the result out; tfjs keeps its
// inputs resident and reads the result back with dataSync(). Rounds interleave the
// implementations, so that load from other processes hits them alike; the median is reported.
import { conv2dGeometry, findBackend, type Backend, type BackendName, type Conv2dGeometry, type GemmArgs } from '@groundup/kernels';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const samplesArg = args.indexOf('--samples');
const SAMPLES = samplesArg >= 0 ? Number(args[samplesArg + 1]) : quick ? 7 : 15;
/** A sample repeats the call until it lasts at least this long, for sub-millisecond cases. */
const SAMPLE_MS = 20;

interface Impl { impl: string; threads: number; run: (() => void) | null; why?: string }
interface Row { suite: string; case: string; impl: string; threads: number; ms: number; gflops: number; spread: string; ratio: string }

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

/** One timed sample: ms per call. */
function sample(fn: () => void, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function measure(suite: string, name: string, flops: number, impls: Impl[]): Row[] {
  const live = impls.filter((i) => i.run);
  const first = live.map((i) => sample(i.run!, 1));
  const reps = live.map((i, j) => {
    for (let w = first[j]! > 50 ? 0 : 2; w > 0; w--) i.run!();
    return Math.max(1, Math.ceil(SAMPLE_MS / Math.min(first[j]!, sample(i.run!, 1))));
  });
  // slow cases (tfjs's conv2dTranspose takes seconds) get fewer rounds, at least 5
  const rounds = Math.max(5, Math.min(SAMPLES, Math.floor(8000 / Math.max(...first))));
  const times = live.map(() => [] as number[]);
  for (let s = 0; s < rounds; s++) live.forEach((i, j) => times[j]!.push(sample(i.run!, reps[j]!)));
  const peer = live.findIndex((i) => i.impl === 'tfjs:wasm');
  const peerMs = peer >= 0 ? median(times[peer]!) : NaN;
  return impls.map((i) => {
    const j = live.indexOf(i);
    if (j < 0) return { suite, case: name, impl: i.impl, threads: i.threads, ms: NaN, gflops: NaN, spread: '', ratio: i.why ?? 'unavailable' };
    const ms = median(times[j]!), t = [...times[j]!].sort((a, b) => a - b);
    const ratio = i.impl === 'tfjs:wasm' ? '1.00×' : Number.isNaN(peerMs) ? 'n/a' : `${(peerMs / ms).toFixed(2)}×`;
    return { suite, case: name, impl: i.impl, threads: i.threads, ms, gflops: flops / ms / 1e6, spread: `${t[0]!.toFixed(2)}–${t[t.length - 1]!.toFixed(2)}`, ratio };
  });
}

function groundup(name: BackendName): { backend: Backend | null; why?: string; threads: number } {
  const b = findBackend(name);
  const av = b?.available() ?? { ok: false as const, reason: 'not registered' };
  if (!b || !av.ok) return { backend: null, why: av.ok ? '' : av.reason, threads: 1 };
  const threads = (b as { internals?: { pool: { threads: number } } }).internals?.pool.threads ?? 1;
  return { backend: b, threads };
}

function gemmCase(n: number, gu: ReturnType<typeof groundup>[], names: string[]): Row[] {
  const a = rand(n * n), b = rand(n * n), c = new Float32Array(n * n);
  const p: GemmArgs = { transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a, aOffset: 0, lda: n, strideA: 0,
    b, bOffset: 0, ldb: n, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, batch: 1 };
  const ta = tf.tensor2d(a, [n, n]), tb = tf.tensor2d(b, [n, n]);
  const impls: Impl[] = gu.map((g, i) => ({ impl: names[i]!, threads: g.threads, run: g.backend ? () => g.backend!.kernels.gemm!(p) : null, why: g.why }));
  impls.push({ impl: 'tfjs:wasm', threads: 1, run: () => { const r = tf.matMul(ta, tb); r.dataSync(); r.dispose(); } });
  const rows = measure('gemm', `${n}³`, 2 * n * n * n, impls);
  ta.dispose(); tb.dispose();
  return rows;
}

interface ConvShape { name: string; n: number; c: number; hw: number; o: number; stride: number }

function convCases(s: ConvShape, gu: ReturnType<typeof groundup>[], names: string[]): Row[] {
  const g: Conv2dGeometry = conv2dGeometry([s.n, s.c, s.hw, s.hw], [s.o, s.c, 3, 3], { stride: s.stride, padding: 1 });
  const L = g.outH * g.outW, flops = 2 * g.n * g.o * g.c * 9 * L;
  const x = rand(s.n * s.c * s.hw * s.hw), w = rand(s.o * s.c * 9), bias = rand(s.o), gy = rand(s.n * s.o * L);
  const y = new Float32Array(gy.length), gx = new Float32Array(x.length), gw = new Float32Array(w.length);
  // tfjs: NHWC input, HWIO filter, the same explicit padding as PyTorch's padding=1
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];
  const tx = tf.tensor4d(x, [s.n, s.hw, s.hw, s.c]), tw = tf.tensor4d(w, [3, 3, s.c, s.o]), tgy = tf.tensor4d(gy, [s.n, g.outH, g.outW, s.o]);
  const tfFwd = (): void => { const r = tf.conv2d(tx, tw, s.stride, pad); r.dataSync(); r.dispose(); };
  const tfBwdData = (): void => { const r = tf.conv2dTranspose(tgy, tw, [s.n, s.hw, s.hw, s.c], s.stride, pad); r.dataSync(); r.dispose(); };
  const k = (i: number): Backend['kernels'] => gu[i]!.backend!.kernels;
  const rows: Row[] = [];
  const passes: [string, (i: number) => () => void, (() => void) | null, number][] = [
    ['forward', (i) => () => k(i).conv2dForward!(g, x, w, bias, y), tfFwd, flops],
    ['backward-data', (i) => () => k(i).conv2dBackwardData!(g, gy, w, gx), tfBwdData, flops],
    ['backward-weight', (i) => () => k(i).conv2dBackwardWeight!(g, x, gy, gw), null, flops],
    ['fwd+bwd-data', (i) => () => { k(i).conv2dForward!(g, x, w, bias, y); k(i).conv2dBackwardData!(g, gy, w, gx); }, () => { tfFwd(); tfBwdData(); }, 2 * flops],
    ['fwd+bwd (all 3)', (i) => () => { k(i).conv2dForward!(g, x, w, bias, y); k(i).conv2dBackwardData!(g, gy, w, gx); k(i).conv2dBackwardWeight!(g, x, gy, gw); }, null, 3 * flops],
  ];
  for (const [pass, mk, peer, f] of passes) {
    if (quick && pass !== 'forward' && pass !== 'fwd+bwd-data') continue;
    const impls: Impl[] = gu.map((gg, i) => ({ impl: names[i]!, threads: gg.threads, run: gg.backend ? mk(i) : null, why: gg.why }));
    impls.push({ impl: 'tfjs:wasm', threads: 1, run: peer, why: 'tfjs-backend-wasm has no Conv2DBackpropFilter kernel' });
    rows.push(...measure('conv2d', `${s.name} ${pass}`, f, impls));
  }
  tx.dispose(); tw.dispose(); tgy.dispose();
  return rows;
}

function print(rows: Row[]): void {
  console.log('| suite | case | impl | threads | ms (median) | GFLOP/s | spread ms | vs tfjs:wasm |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.suite} | ${r.case} | ${r.impl} | ${r.threads} | ${Number.isNaN(r.ms) ? '–' : r.ms.toFixed(3)} | ${Number.isNaN(r.gflops) ? '–' : r.gflops.toFixed(1)} | ${r.spread} | ${r.ratio} |`);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  // V8 tiers tfjs's large Wasm module up on background threads while it warms up; that compile
  // work would take the second core from wasm-mt's worker during the first cases. Let it finish.
  for (let i = 0; i < 20; i++) {
    const a = tf.randomNormal([256, 256]), r = tf.matMul(a, a), x = tf.randomNormal([8, 28, 28, 4]), w = tf.randomNormal([3, 3, 4, 8]);
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), gx = tf.conv2dTranspose(y as tf.Tensor4D, w as tf.Tensor4D, [8, 28, 28, 4], 1, 'same');
    r.dataSync(); gx.dataSync();
    tf.dispose([a, r, x, w, y, gx]);
  }
  await new Promise((done) => setTimeout(done, 1500));
  const names = ['groundup:wasm', 'groundup:wasm-mt'];
  const gu = [groundup('wasm'), groundup('wasm-mt')];
  const variant = (gu[0]!.backend as { internals?: { loaded: { variant: string } } } | null)?.internals?.loaded.variant ?? 'unavailable';
  console.log(`# Wasm backends vs tfjs:wasm — Node ${process.versions.node}, module ${variant}, tfjs-wasm SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${SAMPLES} samples`);
  const rows: Row[] = [];
  for (const n of quick ? [512] : [128, 256, 512, 1024]) rows.push(...gemmCase(n, gu, names));
  const shapes: ConvShape[] = [
    { name: 'simple_cnn 1→4 28²', n: 64, c: 1, hw: 28, o: 4, stride: 2 },
    { name: 'simple_cnn 4→8 14²', n: 64, c: 4, hw: 14, o: 8, stride: 2 },
    { name: 'simple_cnn 8→16 7²', n: 64, c: 8, hw: 7, o: 16, stride: 2 },
    { name: 'simple_cnn 16→32 4²', n: 64, c: 16, hw: 4, o: 32, stride: 2 },
    { name: '64→64 28² s1', n: 64, c: 64, hw: 28, o: 64, stride: 1 },
  ];
  for (const s of quick ? [shapes[0]!, shapes[4]!] : shapes) rows.push(...convCases(s, gu, names));
  print(rows);
  const json = args.indexOf('--json');
  if (json >= 0) writeFileSync(args[json + 1]!, `${JSON.stringify({ node: process.versions.node, variant, rows }, null, 1)}\n`);
}

await main();
