// Schedules on known values: the annealers, combineScheds / combinedCos, fastai's one-cycle and
// ch19's linear one-cycle.
import { annealCos, annealExp, annealLinear, annealNo, annealPoly, combineScheds, combinedCos, linearOneCycle, oneCycle, schedCos, schedLin, OptimizerError } from '@groundup/optim';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const near = (got: number, want: number, tol = 1e-12): void => assert.ok(Math.abs(got - want) <= tol, `${got} vs ${want}`);
const s = suite('optim schedules');

s('annealers at known positions', () => {
  near(annealLinear(1, 3, 0), 1); near(annealLinear(1, 3, 0.5), 2); near(annealLinear(1, 3, 1), 3);
  near(annealCos(0, 2, 0), 0); near(annealCos(0, 2, 0.5), 1); near(annealCos(0, 2, 1), 2);
  near(annealCos(0, 2, 0.25), 1 - Math.SQRT1_2);
  near(annealCos(2, 0, 0.25), 1 + Math.SQRT1_2);
  near(annealExp(0.1, 10, 0.5), 1); near(annealExp(1e-6, 1, 0.5), 1e-3, 1e-15); near(annealExp(0.1, 10, 1), 10);
  near(annealNo(0.3, 9, 0.7), 0.3);
  near(annealPoly(0, 1, 0.5, 2), 0.25); near(annealPoly(1, 0, 0.5, 0.5), 1 - Math.SQRT1_2);
});

s('combineScheds: fastai docs example [0.3, 0.7] with two cosines', () => {
  const f = combineScheds([0.3, 0.7], [schedCos(0.3, 0.6), schedCos(0.6, 0.2)]);
  near(f(0), 0.3); near(f(0.15), 0.45); near(f(0.3), 0.6); near(f(0.65), 0.4); near(f(1), 0.2);
  const g = combinedCos(0.3, 0.3, 0.6, 0.2);
  for (const p of [0, 0.1, 0.3, 0.5, 0.99, 1]) near(g(p), f(p));
  const three = combineScheds([0.25, 0.5, 0.25], [schedLin(0, 1), schedLin(1, 1), schedLin(1, 0)]);
  near(three(0.125), 0.5); near(three(0.5), 1); near(three(0.875), 0.5);
});

s('combineScheds refuses fractions that do not sum to 1 or do not match', () => {
  throwsNamed(() => combineScheds([0.3, 0.6], [schedLin(0, 1), schedLin(1, 0)]), OptimizerError, 'sum to 1');
  throwsNamed(() => combineScheds([1], [schedLin(0, 1), schedLin(1, 0)]), OptimizerError, 'one fraction per schedule');
  throwsNamed(() => combineScheds([-0.5, 1.5], [schedLin(0, 1), schedLin(1, 0)]), OptimizerError, '≥ 0');
});

s('oneCycle (fastai fit_one_cycle defaults): lr 0.01/25 → 0.01 → 1e-7; mom 0.95 → 0.85 → 0.95', () => {
  const { lr, mom } = oneCycle({ lrMax: 0.01 });
  near(lr(0), 0.0004); near(lr(0.25), 0.01); near(lr(1), 1e-7, 1e-18);
  near(lr(0.125), (0.0004 + 0.01) / 2);
  near(mom(0), 0.95); near(mom(0.25), 0.85); near(mom(1), 0.95);
  near(mom(0.625), 0.9);
  const custom = oneCycle({ lrMax: 1, div: 10, divFinal: 100, pctStart: 0.5, moms: [0.9, 0.8, 0.9] });
  near(custom.lr(0), 0.1); near(custom.lr(0.5), 1); near(custom.lr(1), 0.01); near(custom.mom(0.5), 0.8);
});

s('linearOneCycle (ch19): base/10 → base over 25% linearly, then linearly to 0', () => {
  const f = linearOneCycle(0.1);
  near(f(0), 0.01); near(f(0.125), 0.055); near(f(0.25), 0.1); near(f(0.625), 0.05); near(f(1), 0);
});

s.run();
