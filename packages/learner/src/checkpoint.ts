// Learner checkpoints: one safetensors file (so PyTorch tools can read the weights) holding
//   model.<key>                  the model's state dict (parameters and buffers)
//   opt.<group>.<index>.<name>   the optimizer's tensor state per parameter (gradAvg, sqrAvg ...)
// and, in the metadata entry 'groundup.learner', JSON with the optimizer's hyperparameters and
// number state, and for a training checkpoint the epoch just finished, the fit's length, the
// training position, the random generators' states and the Recorder's history: everything
// fit(n, { resume }) needs to continue so that the result is bit-identical to an uninterrupted run.
// Files are written atomically (temp file, fsync, rename: nn's writeFileAtomic), so a crash while
// writing leaves the previous checkpoint as it was.
import { fileExists } from '#learner-host';
import { SerializationError } from '@groundup/kernels';
import { loadSafetensors, serializeSafetensors, writeFileAtomic, type StateDict } from '@groundup/nn';
import type { Hypers, ParamState } from '@groundup/optim';
import { defaultGenerator, Generator, RandomState, Tensor, type GeneratorState, type LegacyState } from '@groundup/tensor';
import { Recorder } from './callbacks/recorder.ts';
import type { Learner } from './learner.ts';

export const CHECKPOINT_KEY = 'groundup.learner';
const VERSION = 1;

interface RngJson { kind: 'Generator' | 'RandomState'; key: number[]; pos: number; hasGauss: boolean; gauss: number; seed?: number }
export interface TrainingState {
  /** the epoch that had just finished when this was written */
  epoch: number;
  nEpoch: number;
  trainIter: number;
  rng: { default: RngJson; train?: RngJson; valid?: RngJson };
  recorder?: { values: (number | null)[][]; lrs: number[]; moms: number[]; losses: number[]; iters: number[] };
}
export interface CheckpointMeta {
  format: typeof CHECKPOINT_KEY;
  version: number;
  opt?: { groups: { size: number; hypers: Hypers }[]; state: { g: number; i: number; numbers: Record<string, number>; tensors: string[] }[] };
  training?: TrainingState;
  /** the epoch count of the fit that wrote it (training checkpoints) */
  nEpoch?: number;
}
export interface Checkpoint { meta: CheckpointMeta; model: StateDict; opt: Map<string, Tensor> }

type AnyGen = Generator | RandomState;
const rngOf = (g: AnyGen): RngJson => {
  const s = g.getState() as LegacyState & { seed?: number };
  return { kind: g instanceof Generator ? 'Generator' : 'RandomState', key: Array.from(s.key), pos: s.pos, hasGauss: s.hasGauss, gauss: s.gauss, ...(s.seed !== undefined ? { seed: s.seed } : {}) };
};
function setRng(g: AnyGen, r: RngJson): void {
  const state = { key: Uint32Array.from(r.key), pos: r.pos, hasGauss: r.hasGauss, gauss: r.gauss };
  if (g instanceof Generator) g.setState({ ...state, seed: r.seed ?? g.initialSeed() } as GeneratorState);
  else g.setState(state);
}
const loaderGen = (dl: unknown): AnyGen | undefined => {
  const g = (dl as { generator?: unknown }).generator;
  return g instanceof Generator || g instanceof RandomState ? g : undefined;
};

/** Writes the learner's model (+ optimizer state, + training state when given) to path, atomically. */
export function writeCheckpoint(learn: Learner, path: string, opts: { withOpt: boolean; training?: boolean }): void {
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(learn.model.stateDict())) tensors.set(`model.${k}`, t);
  const meta: CheckpointMeta = { format: CHECKPOINT_KEY, version: VERSION };
  const opt = learn.opt;
  if (opts.withOpt && opt) {
    const state: NonNullable<CheckpointMeta['opt']>['state'] = [];
    opt.paramGroups.forEach((group, g) => group.params.forEach((p, i) => {
      const s = opt.state.get(p);
      if (!s) return;
      const numbers: Record<string, number> = {}, names: string[] = [];
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor) { tensors.set(`opt.${g}.${i}.${name}`, v); names.push(name); } else numbers[name] = v;
      }
      state.push({ g, i, numbers, tensors: names });
    }));
    meta.opt = { groups: opt.paramGroups.map((group) => ({ size: group.params.length, hypers: { ...group.hypers } })), state };
  }
  if (opts.training) {
    const rng: TrainingState['rng'] = { default: rngOf(defaultGenerator) };
    const tg = loaderGen(learn.dls.train), vg = loaderGen(learn.dls.valid);
    if (tg && tg !== defaultGenerator) rng.train = rngOf(tg);
    if (vg && vg !== defaultGenerator && vg !== tg) rng.valid = rngOf(vg);
    const rec = learn.getCb(Recorder);
    meta.training = {
      epoch: learn.epoch, nEpoch: learn.nEpoch, trainIter: learn.trainIter, rng,
      ...(rec ? { recorder: { values: rec.values, lrs: rec.lrs, moms: rec.moms, losses: rec.losses, iters: rec.iters } } : {}),
    };
    meta.nEpoch = learn.nEpoch;
  }
  writeFileAtomic(path, serializeSafetensors(tensors, { [CHECKPOINT_KEY]: JSON.stringify(meta) }));
}

const bad = (path: string, what: string): SerializationError =>
  new SerializationError(`checkpoint ${path}: ${what}`);

/** Reads and checks a checkpoint; nothing in the learner changes. */
export function readCheckpoint(path: string, opts: { needTraining: boolean }): Checkpoint {
  if (typeof path !== 'string' || path === '') throw new SerializationError(`checkpoint: the path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (!fileExists(path))
    throw bad(path, `no such file; pass the path a SaveModelCallback wrote (by default models/model.ckpt), or learn.save(path) wrote`);
  let contents;
  try {
    contents = loadSafetensors(path);
  } catch (e) {
    throw bad(path, `the file is corrupt or not a checkpoint (${(e as Error).message}); use an earlier checkpoint, or start the fit without resume`);
  }
  const text = contents.metadata?.[CHECKPOINT_KEY];
  if (text === undefined) throw bad(path, `a safetensors file without the '${CHECKPOINT_KEY}' metadata, so not a Learner checkpoint; load plain weights with nn's loadInto(model, path)`);
  let meta: CheckpointMeta;
  try { meta = JSON.parse(text) as CheckpointMeta; } catch (e) { throw bad(path, `its '${CHECKPOINT_KEY}' metadata is not valid JSON (${(e as Error).message}); the file is corrupt`); }
  if (meta?.format !== CHECKPOINT_KEY || meta.version !== VERSION) throw bad(path, `format '${meta?.format}' version ${meta?.version} is not ${CHECKPOINT_KEY} version ${VERSION}`);
  if (opts.needTraining) {
    const t = meta.training;
    if (!t) throw bad(path, 'it holds weights but no training state (it was written by learn.save); resume needs a checkpoint from SaveModelCallback, or load the weights with learn.load(path)');
    if (!Number.isInteger(t.epoch) || !Number.isInteger(t.nEpoch) || !t.rng?.default || t.rng.default.key?.length !== 624)
      throw bad(path, 'its training state is incomplete (epoch, nEpoch or the random state is missing); the file is corrupt');
  }
  const model: StateDict = {}, opt = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(contents.tensors)) {
    if (k.startsWith('model.')) model[k.slice(6)] = t;
    else if (k.startsWith('opt.')) opt.set(k.slice(4), t);
    else throw bad(path, `unexpected tensor '${k}' (a checkpoint holds model.* and opt.* only)`);
  }
  return { meta, model, opt };
}

/** Copies the model (and the optimizer state, when asked and present) into the learner. */
export function loadCheckpointInto(learn: Learner, ck: Checkpoint, path: string, opts: { withOpt: boolean }): void {
  const o = ck.meta.opt;
  // A model that does not fit is the first thing to report; loadStateDict copies nothing then.
  const own = learn.model.stateDict(), keys = Object.keys(ck.model);
  if (keys.length !== Object.keys(own).length || keys.some((k) => own[k]?.shape.join() !== ck.model[k]!.shape.join())) loadModel(learn, ck, path);
  // Then the optimizer part, before anything is copied.
  let restore: (() => void) | null = null;
  if (opts.withOpt && o) {
    const opt = learn.opt ?? learn.createOpt();
    if (o.groups.length !== opt.paramGroups.length || o.groups.some((g, i) => g.size !== opt.paramGroups[i]!.params.length))
      throw bad(path, `its optimizer has groups of [${o.groups.map((g) => g.size)}] parameters, this learner's has [${opt.paramGroups.map((g) => g.params.length)}]; load with { withOpt: false } to take the weights only`);
    const states = o.state.map(({ g, i, numbers, tensors }) => {
      const p = opt.paramGroups[g]?.params[i];
      if (!p) throw bad(path, `optimizer state for parameter ${i} of group ${g}, which does not exist`);
      const s: ParamState = { ...numbers };
      for (const name of tensors) {
        const t = ck.opt.get(`${g}.${i}.${name}`);
        if (!t) throw bad(path, `optimizer state '${name}' of parameter ${i} in group ${g} is listed but missing`);
        if (t.shape.join() !== p.shape.join()) throw bad(path, `optimizer state '${name}' of parameter ${i} in group ${g} has shape [${t.shape}], the parameter [${p.shape}]`);
        s[name] = t.to(p.dtype).to(p.device); // optimizer state lives on its parameter's device
      }
      return [p, s] as const;
    });
    restore = () => {
      opt.state.clear();
      for (const [p, s] of states) opt.state.set(p, s);
      o.groups.forEach((g, i) => Object.assign(opt.paramGroups[i]!.hypers, g.hypers));
    };
  }
  loadModel(learn, ck, path);
  restore?.();
}

function loadModel(learn: Learner, ck: Checkpoint, path: string): void {
  try {
    learn.model.loadStateDict(ck.model);
  } catch (e) {
    throw bad(path, `its weights do not fit this model: ${(e as Error).message}`);
  }
}

/** Loads a training checkpoint into a starting fit; returns the first epoch to run. */
export function applyResume(learn: Learner, ck: Checkpoint, path: string): number {
  const t = ck.meta.training!;
  loadCheckpointInto(learn, ck, path, { withOpt: true });
  setRng(defaultGenerator, t.rng.default);
  const tg = loaderGen(learn.dls.train), vg = loaderGen(learn.dls.valid);
  if (t.rng.train) { if (!tg) throw bad(path, 'it holds the state of the training loader\'s own generator, but this learner\'s training loader has none; build the loaders as in the run that wrote it'); setRng(tg, t.rng.train); }
  if (t.rng.valid && vg) setRng(vg, t.rng.valid);
  learn.epoch = t.epoch;
  learn.trainIter = t.trainIter;
  learn.pctTrain = (t.epoch + 1) / t.nEpoch;
  const rec = learn.getCb(Recorder);
  if (rec && t.recorder) rec.restoreHistory(t.recorder);
  return t.epoch + 1;
}
