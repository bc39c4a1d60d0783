// The train-step suite: one SGD step of ch13's simple_cnn (batch 64) and ch4's simple_net
// (batch 256). The groundup rows need @groundup/nn and @groundup/optim; until those land they
// say so, and they light up by themselves once the packages import and build the models.
import { randomArray } from '../lib/data.ts';
import type { Prepared } from '../lib/measure.ts';
import { importOptional, type Loaded } from '../lib/optional.ts';
import type { BenchCase, TrainCase } from '../lib/types.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { activeBackend, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';

type Mod = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;
interface Packages { tensor: Mod; nn: Mod; optim: Mod }

let loading: Promise<Packages | string> | null = null;

function loadPackages(): Promise<Packages | string> {
  loading ??= (async () => {
    const [tensor, nn, optim]: Loaded[] = await Promise.all([
      importOptional('@groundup/tensor', 'packages/tensor/src/index.ts'),
      importOptional('@groundup/nn', 'packages/nn/src/index.ts'),
      importOptional('@groundup/optim', 'packages/optim/src/index.ts'),
    ]);
    const missing = [tensor, nn, optim].filter((l): l is { ok: false; reason: string } => !l.ok).map((l) => l.reason);
    if (missing.length) return `needs @groundup/tensor, @groundup/nn and @groundup/optim: ${missing.join('; ')}`;
    const mods = { tensor: (tensor as { mod: Mod }).mod, nn: (nn as { mod: Mod }).mod, optim: (optim as { mod: Mod }).mod };
    const empty = (['nn', 'optim'] as const).filter((k) => Object.keys(mods[k]).length === 0).map((k) => `@groundup/${k}`);
    if (empty.length) return `needs ${empty.join(' and ')}, which export nothing yet`;
    return mods;
  })();
  return loading;
}

/** `new C(...args)` for a class, `C(...args)` for a factory; throws naming what is missing. */
function make(mod: Mod, name: string, ...args: unknown[]): unknown {
  const C = mod[name];
  if (typeof C !== 'function') throw new Error(`no export '${name}'`);
  try {
    return new (C as new (...a: unknown[]) => unknown)(...args);
  } catch (e) {
    if (e instanceof TypeError && /constructor/.test(e.message)) return (C as Fn)(...args);
    throw e;
  }
}

const method = (obj: unknown, name: string): Fn => {
  const f = (obj as Record<string, unknown> | null)?.[name];
  if (typeof f !== 'function') throw new Error(`no method '${name}'`);
  return (f as Fn).bind(obj);
};

/**
 * Builds the book's model, loss and SGD optimizer with the PyTorch-mirroring names of DESIGN §2
 * (nn.Sequential, nn.Conv2d(ni, nf, ks, {stride, padding}), nn.Linear, nn.ReLU, nn.Flatten,
 * F.crossEntropy, optim.SGD(params, {lr})). If the packages chose other signatures, adapt here.
 */
function buildStep(p: Packages, c: TrainCase): () => void {
  const T = p.tensor, nn = p.nn;
  const tensorOf = (data: Float32Array | Int32Array, shape: number[]): unknown => method(make(T, 'tensor', data), 'view')(...shape);
  const labels = Int32Array.from({ length: c.batch }, (_, i) => (i * 7) % 2);
  let model: unknown, x: unknown, loss: (out: unknown) => unknown;
  if (c.model === 'simple_cnn') {
    const conv = (ni: number, nf: number, act = true): unknown => {
      const layer = make(nn, 'Conv2d', ni, nf, 3, { stride: 2, padding: 1 });
      return act ? make(nn, 'Sequential', layer, make(nn, 'ReLU')) : layer;
    };
    model = make(nn, 'Sequential', conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, false), make(nn, 'Flatten'));
    x = tensorOf(randomArray(c.batch * 784, 1), [c.batch, 1, 28, 28]);
    const y = make(T, 'tensor', labels);
    const F = (nn.F ?? nn.functional) as Mod | undefined;
    if (!F || typeof F.crossEntropy !== 'function') throw new Error("no nn.F.crossEntropy");
    loss = (out) => (F.crossEntropy as Fn)(out, y);
  } else {
    model = make(nn, 'Sequential', make(nn, 'Linear', 784, 30), make(nn, 'ReLU'), make(nn, 'Linear', 30, 1));
    x = tensorOf(randomArray(c.batch * 784, 1), [c.batch, 784]);
    const y = tensorOf(Float32Array.from(labels), [c.batch, 1]);
    loss = (out) => {
      const pr = method(out, 'sigmoid')();
      return method(make(T, 'where', method(y, 'eq')(1), make(T, 'sub', 1, pr), pr), 'mean')();
    };
  }
  const forward = typeof (model as Record<string, unknown>).call === 'function' ? method(model, 'call') : method(model, 'forward');
  const opt = make(p.optim, 'SGD', method(model, 'parameters')(), { lr: c.model === 'simple_cnn' ? 0.1 : 1 });
  const step = method(opt, 'step'), zeroGrad = method(opt, 'zeroGrad');
  return () => {
    method(loss(forward(x)), 'backward')();
    step();
    zeroGrad();
  };
}

async function prepareTrain(bk: GroundupBackend, c: BenchCase): Promise<Prepared | null> {
  if (c.kind !== 'train') return null;
  const p = await loadPackages();
  if (typeof p === 'string') return { skipped: p };
  try {
    return { run: buildStep(p, c), threads: bk.threads, ...activeBackend(bk.name) };
  } catch (e) {
    return { skipped: `could not build ${c.model} with @groundup/nn: ${(e as Error).message} (adapt bench/suites/train-step.ts to the nn API)` };
  }
}

export const trainStepSuite: SuiteDef = {
  name: 'train-step',
  inProcess: async () => [
    ...groundupImpls(prepareTrain, (c) => c.kind === 'train'),
    ...tfjsImpls(false),
  ],
  external: [torchPeer],
};
