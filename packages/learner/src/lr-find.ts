// learn.lrFind() (fastai's lr_find): a short fit with LRFinder, then suggestions computed on the
// recorded (smoothed) losses, dropping the first tenth and the last 5 points as fastai does and
// cutting at the first NaN; the plot has log-x and the suggestions marked.
import { LRFinder, type LRFinderOptions } from './callbacks/lr-finder.ts';
import { LearnerError } from './errors.ts';
import type { Learner } from './learner.ts';
import { minimum, steep, valley, type Suggestion } from './lr-suggest.ts';
import { saveChart, type Marker } from './plot/chart.ts';

export interface LrFindOptions extends LRFinderOptions {
  /** where to write the plot (default 'lrFind.svg'); false for none */
  plot?: string | false;
}
export interface LrFindResult {
  valley: number;
  steep: number;
  minimum: number;
  /** every lr and smoothed loss of the sweep */
  lrs: number[];
  losses: number[];
  /** the points the suggestions mark on the plot */
  points: Record<'valley' | 'steep' | 'minimum', Suggestion['point']>;
  /** the plot's path, when written */
  plot?: string;
}

export function lrFind(learn: Learner, opts: LrFindOptions = {}): LrFindResult {
  const numIt = Math.max(opts.numIt ?? 100, 6);
  const nBatches = learn.dls.train.length;
  if (!(nBatches > 0)) throw new LearnerError('lrFind: the training loader is empty');
  const cb = new LRFinder({ ...opts, numIt });
  // fit sets the lr before LRFinder's snapshot: keep the hyperparameters as they are now.
  const hypers = learn.opt?.hypers.map((h) => ({ ...h }));
  learn.noLogging(() => learn.fit(Math.floor(numIt / nBatches) + 1, { cbs: [cb] }));
  hypers?.forEach((h, i) => Object.assign(learn.opt!.paramGroups[i]!.hypers, h));
  const rec = learn.recorder;
  const lrsAll = [...rec.lrs], lossesAll = [...rec.losses];
  let lrs = lrsAll.slice(Math.floor(numIt / 10), -5), losses = lossesAll.slice(Math.floor(numIt / 10), -5);
  const nan = losses.findIndex((v) => !Number.isFinite(v));
  if (nan >= 0) { lrs = lrs.slice(0, nan); losses = losses.slice(0, nan); }
  if (losses.length < 2)
    throw new LearnerError(`lrFind: only ${lossesAll.length} batches were recorded before the loss diverged, too few for a suggestion; lower startLr (now ${opts.startLr ?? 1e-7}) or raise numIt`);
  const s = { valley: valley(lrs, losses), steep: steep(lrs, losses), minimum: minimum(lrs, losses) };
  const result: LrFindResult = {
    valley: s.valley.lr, steep: s.steep.lr, minimum: s.minimum.lr, lrs: lrsAll, losses: lossesAll,
    points: { valley: s.valley.point, steep: s.steep.point, minimum: s.minimum.point },
  };
  const path = opts.plot ?? 'lrFind.svg';
  if (path !== false) {
    // fastai plots lrs[5:-5] of the sweep.
    const x = lrsAll.slice(5, -5), y = lossesAll.slice(5, -5);
    const colors = { valley: '#d62728', steep: '#2ca02c', minimum: '#9467bd' } as const;
    const markers: Marker[] = (['valley', 'steep', 'minimum'] as const).map((k) => ({
      x: s[k].point[0], y: s[k].point[1], color: colors[k], label: `${k === 'minimum' ? 'minimum/10' : k}: ${s[k].lr.toExponential(2)}`,
    }));
    result.plot = saveChart(path, [{ title: 'Learning rate finder', xLabel: 'learning rate (log scale)', yLabel: 'loss (smoothed)', xLog: true, series: [{ x: x.length > 1 ? x : lrsAll, y: y.length > 1 ? y : lossesAll }], markers }]);
  }
  return result;
}
