// The chapter's training runs as the book makes them: which loaders, which loss, which
// callbacks, fit_one_cycle's epochs and learning rate, and the book's accuracies (§7.4).
import { F, type Embedding, type Module } from '@groundup/nn';
import { accuracy, crossEntropyLossFlat, Learner, ModelResetter, RNNRegularizer, type LearnerModel, type LossFunc } from '@groundup/learner';
import type { DataLoaders } from '@groundup/data';
import type { Tensor } from '@groundup/tensor';
import { LMModel1, LMModel2, LMModel3, LMModel4, LMModel5, LMModel6, LMModel7, lossFunc4 } from './models.ts';
import { LMModelGRU } from './gru.ts';

type Loaders = DataLoaders<[Tensor, Tensor]>;
/** Every model of the chapter: tokens in, an embedding iH first. */
export type LanguageModel = Module<[Tensor], unknown> & { iH: Embedding };
export type LoadersKind = 'plain' | 'grouped' | 'sequences';

export interface Run {
  name: string;
  /** what the book's cell says */
  call: string;
  loaders: LoadersKind;
  epochs: number;
  lr: number;
  wd?: number;
  /** the book's final and best valid accuracy (null where the book has no run) */
  book: { final: number; best: number } | null;
  model(vocabSz: number): LanguageModel;
  lossFunc(vocabSz: number): LossFunc;
  /** ModelResetter, and for LMModel7 RNNRegularizer(alpha 2, beta 1) (fastai's TextLearner adds both) */
  cbs: 'none' | 'resetter' | 'text';
}

const ce: LossFunc = F.crossEntropy;
const flat = (): LossFunc => crossEntropyLossFlat();

export const RUNS: Run[] = [
  { name: 'LMModel1', call: 'Learner(dls, LMModel1(len(vocab), 64), loss_func=F.cross_entropy, metrics=accuracy).fit_one_cycle(4, 1e-3)', loaders: 'plain', epochs: 4, lr: 1e-3, book: { final: 0.4944, best: 0.4944 }, model: (v) => new LMModel1(v, 64), lossFunc: () => ce, cbs: 'none' },
  { name: 'LMModel2', call: 'LMModel2(len(vocab), 64): fit_one_cycle(4, 1e-3)', loaders: 'plain', epochs: 4, lr: 1e-3, book: { final: 0.4704, best: 0.4854 }, model: (v) => new LMModel2(v, 64), lossFunc: () => ce, cbs: 'none' },
  { name: 'LMModel3', call: 'LMModel3, group_chunks, cbs=ModelResetter: fit_one_cycle(10, 3e-3)', loaders: 'grouped', epochs: 10, lr: 3e-3, book: { final: 0.5889, best: 0.5889 }, model: (v) => new LMModel3(v, 64), lossFunc: () => ce, cbs: 'resetter' },
  { name: 'LMModel4', call: 'LMModel4, sl=16, loss_func=loss_func: fit_one_cycle(15, 3e-3)', loaders: 'sequences', epochs: 15, lr: 3e-3, book: { final: 0.6401, best: 0.6498 }, model: (v) => new LMModel4(v, 64), lossFunc: (v) => lossFunc4(v), cbs: 'resetter' },
  { name: 'LMModel5', call: 'LMModel5(len(vocab), 64, 2), CrossEntropyLossFlat(): fit_one_cycle(15, 3e-3)', loaders: 'sequences', epochs: 15, lr: 3e-3, book: { final: 0.4879, best: 0.4985 }, model: (v) => new LMModel5(v, 64, 2), lossFunc: flat, cbs: 'resetter' },
  { name: 'LMModel6', call: 'LMModel6(len(vocab), 64, 2): fit_one_cycle(15, 1e-2)', loaders: 'sequences', epochs: 15, lr: 1e-2, book: { final: 0.7585, best: 0.7585 }, model: (v) => new LMModel6(v, 64, 2), lossFunc: flat, cbs: 'resetter' },
  { name: 'LMModel7', call: 'TextLearner(dls, LMModel7(len(vocab), 64, 2, 0.4)): fit_one_cycle(15, 1e-2, wd=0.1)', loaders: 'sequences', epochs: 15, lr: 1e-2, wd: 0.1, book: { final: 0.8694, best: 0.8736 }, model: (v) => new LMModel7(v, 64, 2, 0.4), lossFunc: flat, cbs: 'text' },
  { name: 'GRU (scratch)', call: 'LMModel6 with GRUFromScratch: fit_one_cycle(15, 1e-2)', loaders: 'sequences', epochs: 15, lr: 1e-2, book: null, model: (v) => new LMModelGRU(v, 64, 2, 'scratch'), lossFunc: flat, cbs: 'resetter' },
  { name: 'GRU (nn.GRU)', call: 'LMModel6 with nn.GRU: fit_one_cycle(15, 1e-2)', loaders: 'sequences', epochs: 15, lr: 1e-2, book: null, model: (v) => new LMModelGRU(v, 64, 2, 'library'), lossFunc: flat, cbs: 'resetter' },
];

export const run = (name: string): Run => {
  const r = RUNS.find((x) => x.name === name);
  if (!r) throw new Error(`no run ${name}; the runs: ${RUNS.map((x) => x.name).join(', ')}`);
  return r;
};

/** The Learner of a run (the model is made here unless given); metrics = accuracy. */
export function learnerFor(r: Run, dls: Loaders, vocabSz: number, opts: { progress?: boolean; model?: LanguageModel } = {}): Learner<LearnerModel> {
  const cbs = r.cbs === 'none' ? [] : r.cbs === 'resetter' ? [new ModelResetter()] : [new ModelResetter(), new RNNRegularizer(2, 1)];
  const model = (opts.model ?? r.model(vocabSz)) as unknown as LearnerModel;
  return new Learner(dls, model, { lossFunc: r.lossFunc(vocabSz), metrics: [accuracy], cbs, progress: opts.progress ?? true });
}

/** learn.fit_one_cycle(epochs, lr[, wd]) as the run says; returns the valid accuracy after each epoch. */
export function fitRun(r: Run, learn: Learner<LearnerModel>, epochs = r.epochs): number[] {
  learn.fitOneCycle(epochs, r.lr, r.wd !== undefined ? { wd: r.wd } : {});
  return learn.recorder.values.map((row) => row.at(-1)!);
}
