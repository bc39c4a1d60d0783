// The overhead suite: framework per-op cost, one add on 10-element tensors, and a 100-op
// elementwise chain, through @groundup/tensor's ops (so it lights up when that package lands).
import { randomArray } from '../lib/data.ts';
import type { Prepared } from '../lib/measure.ts';
import { importOptional, pickFunctions } from '../lib/optional.ts';
import type { BenchCase, OverheadCase } from '../lib/types.ts';
import { onnxImpls } from '../peers/onnx.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { activeBackend, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';

type Fn = (...args: unknown[]) => unknown;
export interface TensorOps { tensor: Fn; add: Fn; mul: Fn }

let loading: Promise<TensorOps | string> | null = null;

/** @groundup/tensor's tensor/add/mul, or why they are not there (yet). */
export function loadTensorOps(): Promise<TensorOps | string> {
  loading ??= importOptional('@groundup/tensor', 'packages/tensor/src/index.ts').then((m) => {
    if (!m.ok) return `needs @groundup/tensor: ${m.reason}`;
    const p = pickFunctions(m.mod, ['tensor', 'add', 'mul'] as const);
    return p.ok ? p.fns : `needs @groundup/tensor exports ${p.missing.join(', ')}`;
  });
  return loading;
}

function overheadRunner(ops: TensorOps, c: OverheadCase, bk: GroundupBackend): Prepared {
  const a = ops.tensor(randomArray(c.size, 1)), b = ops.tensor(randomArray(c.size, 2)), s = ops.tensor(new Float32Array(c.size).fill(0.5));
  const run = c.op === 'add'
    ? () => { ops.add(a, b); }
    : () => {
      let x = a;
      for (let i = 0; i < c.ops / 2; i++) x = ops.add(ops.mul(x, s), b);
    };
  return { run, threads: 1, ...activeBackend(bk.name) };
}

async function prepareOverhead(bk: GroundupBackend, c: BenchCase): Promise<Prepared | null> {
  if (c.kind !== 'overhead') return null;
  const ops = await loadTensorOps();
  return typeof ops === 'string' ? { skipped: ops } : overheadRunner(ops, c, bk);
}

export const overheadSuite: SuiteDef = {
  name: 'overhead',
  inProcess: async () => [
    ...groundupImpls(prepareOverhead, (c) => c.kind === 'overhead'),
    ...tfjsImpls(false),
    ...onnxImpls(),
  ],
  external: [torchPeer],
};
