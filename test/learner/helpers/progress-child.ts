// For progress.test.ts: a fitOneCycle(2) with the default ProgressCallback, writing to stdout.
import { accuracy } from '@groundup/learner';
import { toyLearner } from './toy.ts';

toyLearner({ metrics: [accuracy], progress: true }).fitOneCycle(2, 1e-2);
