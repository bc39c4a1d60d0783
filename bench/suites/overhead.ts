// The overhead suite: framework per-op cost, one add on 10-element tensors, and a 100-op
// elementwise chain, through @groundup/tensor's ops (overhead-run.ts).
import type { Prepared } from '../lib/measure.ts';
import type { BenchCase } from '../lib/types.ts';
import { onnxImpls } from '../peers/onnx.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { activeBackend, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';
import { overheadRun } from './overhead-run.ts';

function prepareOverhead(bk: GroundupBackend, c: BenchCase): Prepared | null {
  if (c.kind !== 'overhead') return null;
  return { run: overheadRun(c), threads: 1, ...activeBackend(bk.name) };
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
