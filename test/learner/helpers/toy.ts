// A tiny classification problem for the Learner's tests: 3 classes that a linear map separates,
// small MLPs, loaders with their own seeded generators. Everything is deterministic given seeds.
import { Generator, manualSeed, randn, type Tensor } from '@groundup/tensor';
import { DataLoader, DataLoaders, TensorDataset } from '@groundup/data';
import { F, Linear, ReLU, Sequential } from '@groundup/nn';
import { Learner, type LearnerOptions } from '@groundup/learner';

export interface ToyOptions { n?: number; nValid?: number; bs?: number; seed?: number; shuffle?: boolean }

export function toyData({ n = 96, nValid = 32, bs = 16, seed = 0, shuffle = true }: ToyOptions = {}): DataLoaders<[Tensor, Tensor], [Tensor, Tensor]> {
  const g = new Generator(seed);
  const x = randn([n + nValid, 4], { generator: g });
  const w = randn([4, 3], { generator: g });
  const y = x.matmul(w).argmax(1);
  const tr = new TensorDataset(x.narrow(0, 0, n), y.narrow(0, 0, n)) as TensorDataset<[Tensor, Tensor]>;
  const va = new TensorDataset(x.narrow(0, n, nValid), y.narrow(0, n, nValid)) as TensorDataset<[Tensor, Tensor]>;
  return new DataLoaders(
    new DataLoader(tr, { batchSize: bs, shuffle, generator: new Generator(seed + 1) }),
    new DataLoader(va, { batchSize: bs }),
  );
}

export function toyModel(seed = 0): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
}

/** A learner on the toy data, quiet: no progress callback (unless asked) and a silent logger. */
export function toyLearner(opts: Partial<LearnerOptions> & ToyOptions = {}): Learner<Sequential> {
  const { n, nValid, bs, seed, shuffle, ...rest } = opts;
  const learn = new Learner(toyData({ n, nValid, bs, seed, shuffle }), toyModel(seed), { lossFunc: F.crossEntropy, progress: false, ...rest });
  learn.logger = () => {};
  return learn;
}

/** The flat values of every parameter, as bit patterns (for bit-identical comparisons). */
export function paramBits(model: { parameters(): Tensor[] }): number[] {
  return model.parameters().flatMap((p) => Array.from(new Uint32Array(Float32Array.from(p.contiguous().dataSync() as Float32Array).buffer)));
}
