// The cases of each suite, and the reduced set that `--quick` runs.
import type { BenchCase, ConvCase, GemmCase, MemoryCase, OverheadCase, RnnTrainCase, SuiteName, TrainCase } from './lib/types.ts';

const gemm = (id: string, m: number, n: number, k: number, transA = false, transB = false): GemmCase =>
  ({ kind: 'gemm', id, m, n, k, transA, transB });

const square = (s: number): GemmCase => gemm(`${s}³`, s, s, s);

export const gemmCases: readonly GemmCase[] = [
  ...[64, 128, 256, 512, 1024].map(square),
  gemm('5x784 @ 784x10 (ch4 linear)', 5, 10, 784),
  gemm('64x784 @ 784x50 (MLP)', 64, 50, 784),
  gemm('4096x64 @ 64x4096 (tall-skinny)', 4096, 4096, 64),
  gemm('512³ Aᵀ', 512, 512, 512, true, false),
  gemm('512³ Bᵀ', 512, 512, 512, false, true),
  gemm('(64x784)ᵀ @ 64x50 (MLP grad W)', 784, 50, 64, true, false),
];

type ConvShape = Omit<ConvCase, 'kind' | 'id' | 'mode'>;
const convId = (name: string, s: ConvShape, mode: ConvCase['mode']): string =>
  `${name} ${s.c}→${s.o} ${s.h}×${s.w} ${s.kh}×${s.kw}/s${s.stride} b${s.n} ${mode}`;
const conv = (name: string, s: ConvShape, mode: ConvCase['mode']): ConvCase => ({ kind: 'conv', id: convId(name, s, mode), mode, ...s });

/** ch13's simple_cnn: conv(1,4), conv(4,8), conv(8,16), conv(16,32), each 3×3, stride 2, padding 1. */
const simpleCnnLayers: readonly ConvShape[] = [[1, 4, 28], [4, 8, 14], [8, 16, 7], [16, 32, 4]].map(([c, o, hw]) => ({
  n: 64, c: c!, h: hw!, w: hw!, o: o!, kh: 3, kw: 3, stride: 2, pad: 1,
}));
const wide: ConvShape = { n: 64, c: 64, h: 28, w: 28, o: 64, kh: 3, kw: 3, stride: 1, pad: 1 };

export const convCases: readonly ConvCase[] = [
  ...simpleCnnLayers.flatMap((s, i) => [conv(`cnn${i + 1}`, s, 'fwd'), conv(`cnn${i + 1}`, s, 'fwd+bwd')]),
  conv('conv', wide, 'fwd'),
  conv('conv', wide, 'fwd+bwd'),
  conv('im2col', wide, 'im2col'),
];

export const trainCases: readonly TrainCase[] = [
  { kind: 'train', id: 'simple_cnn b64 SGD step (ch13)', model: 'simple_cnn', batch: 64 },
  { kind: 'train', id: 'simple_net b256 SGD step (ch4)', model: 'simple_net', batch: 256 },
];

export const overheadCases: readonly OverheadCase[] = [
  { kind: 'overhead', id: 'add [10]', op: 'add', size: 10, ops: 1 },
  { kind: 'overhead', id: '100-op chain [1000]', op: 'chain', size: 1000, ops: 100 },
];

/** ch12's LMModel6: vocab 30, embedding and hidden 64, 2 LSTM layers, batch 64, sequences of 16. */
const lm6 = { kind: 'rnn', vocab: 30, hidden: 64, layers: 2, batch: 64, seqLen: 16 } as const;
export const rnnCases: readonly RnnTrainCase[] = [
  { ...lm6, id: 'LMModel6 LSTM 2×64 b64 sl16 Adam step (ch12)', batches: 1, validBatches: 0 },
  { ...lm6, id: 'LMModel6 one epoch: 49 steps + 12 valid (ch12)', batches: 49, validBatches: 12 },
];

export const memoryCases: readonly MemoryCase[] = [
  { kind: 'memory', id: 'simple_cnn b64, 1000 SGD steps: peak RSS', model: 'simple_cnn', steps: 1000 },
];

const quickIds = new Set<string>([
  '512³', '1024³',
  convCases[2]!.id, // cnn2 4→8 14×14 forward
  trainCases[1]!.id,
  ...overheadCases.map((c) => c.id),
  rnnCases[0]!.id,
  ...memoryCases.map((c) => c.id),
]);

/** Tiny cases for a smoke run (`--smoke`): every implementation once, in seconds, numbers meaningless. */
export const smokeCases: Record<SuiteName, BenchCase[]> = {
  gemm: [gemm('16³ (smoke)', 16, 16, 16)],
  conv2d: [conv('smoke', { n: 2, c: 2, h: 6, w: 6, o: 3, kh: 3, kw: 3, stride: 1, pad: 1 }, 'fwd')],
  'train-step': [{ kind: 'train', id: 'simple_net b8 SGD step (smoke)', model: 'simple_net', batch: 8 }],
  overhead: [overheadCases[0]!],
  rnn: [{ ...lm6, id: 'LSTM 2×8 b4 sl3 step (smoke)', hidden: 8, batch: 4, seqLen: 3, batches: 1, validBatches: 0 }],
  memory: [{ kind: 'memory', id: 'simple_cnn b64, 3 SGD steps (smoke)', model: 'simple_cnn', steps: 3 }],
};

export function casesFor(suite: SuiteName, quick: boolean, smoke = false): BenchCase[] {
  if (smoke) return smokeCases[suite];
  const all: readonly BenchCase[] =
    suite === 'gemm' ? gemmCases : suite === 'conv2d' ? convCases : suite === 'train-step' ? trainCases : suite === 'rnn' ? rnnCases : suite === 'memory' ? memoryCases : overheadCases;
  return quick ? all.filter((c) => quickIds.has(c.id)) : [...all];
}
