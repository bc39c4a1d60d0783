// The train-step suite: one SGD step of ch13's simple_cnn (batch 64) and ch4's simple_net
// (batch 256), built with @groundup/nn and @groundup/optim imported statically (train-models.ts),
// so a rename there fails the typecheck instead of skipping a row.
import type { Prepared } from '../lib/measure.ts';
import type { BenchCase } from '../lib/types.ts';
import { tfjsImpls } from '../peers/tfjs.ts';
import { torchPeer } from '../peers/torch.ts';
import { activeBackend, groundupImpls, type GroundupBackend } from './groundup.ts';
import type { SuiteDef } from './suite.ts';
import { buildStep } from './train-models.ts';

function prepareTrain(bk: GroundupBackend, c: BenchCase): Prepared | null {
  if (c.kind !== 'train') return null;
  const act = activeBackend(bk.name);
  // The model is built under the backend it runs on.
  act.enter();
  try {
    return { run: buildStep(c), threads: bk.threads, ...act };
  } finally {
    act.leave();
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
