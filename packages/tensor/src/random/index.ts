// Random numbers for @groundup/tensor: a numpy-legacy RandomState for exact reproduction of
// the Weidman chapters, and a torch-like seeded Generator for tensor creation.
import { RandomState } from './random-state.ts';

export { MT19937, type MT19937State } from './mt19937.ts';
export { RandomState, type LegacyState, type NumericArray, type Sampled, type Size } from './random-state.ts';
export {
  Generator, defaultGenerator, manualSeed, fillUniform, fillNormal, fillBernoulli, fillRandint, type GeneratorState,
} from './generator.ts';

/** The module-level RandomState, like numpy's global `np.random.*` (seed it with `numpyRandom.seed(s)`). */
export const numpyRandom = new RandomState();
