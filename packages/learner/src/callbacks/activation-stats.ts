// ActivationStats (fastai ch13/ch16): forward hooks on the layers that have parameters record,
// for every training batch, each layer's output mean, std, the share of values ≤ 0.05 ("near
// zero": dead or nearly dead after a ReLU), and optionally a 40-bin histogram over [0, 10].
//   plotLayerStats(i)  SVG: mean, std and % near zero of layer i across training
//   colorDim(i)        PNG: the "colorful dimension" heat map, log(1 + histogram) of layer i
//                      over the batches (x: batches, y: bins from 0 at the bottom to 10 at the top)
import type { AnyModule, RemovableHandle } from '@groundup/nn';
import type { Tensor } from '@groundup/tensor';
import { Callback } from '../callback.ts';
import { LearnerError } from '../errors.ts';
import { saveChart } from '../plot/chart.ts';
import { saveHeatmapPng } from '../plot/png.ts';

export interface LayerStats { mean: number; std: number; nearZero: number; hist?: Float64Array }
export interface ActivationStatsOptions {
  /** keep a histogram per batch (needed by colorDim; default false, as fastai) */
  withHist?: boolean;
  /** the modules to hook (default: every module without children that has parameters) */
  modules?: readonly AnyModule[];
  /** record every n-th training batch (default 1) */
  every?: number;
}

const BINS = 40, HI = 10;

/** mean, unbiased std, share ≤ 0.05 and (optionally) the histogram of 40 bins over [0, 10] (torch.histc). */
export function activationStats(o: Tensor, withHist: boolean): LayerStats {
  const d = o.contiguous().dataSync();
  const n = d.length;
  let sum = 0, near = 0;
  for (let i = 0; i < n; i++) { const v = d[i]!; sum += v; if (v <= 0.05) near++; }
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) { const e = d[i]! - mean; ss += e * e; }
  const res: LayerStats = { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, nearZero: n ? near / n : NaN };
  if (withHist) {
    const h = new Float64Array(BINS);
    for (let i = 0; i < n; i++) {
      const v = d[i]!;
      if (v < 0 || v > HI) continue;
      h[Math.min(BINS - 1, Math.floor((v / HI) * BINS))]! += 1;
    }
    res.hist = h;
  }
  return res;
}

export class ActivationStats extends Callback {
  override order = -20;
  readonly withHist: boolean;
  readonly every: number;
  /** stats[batch][layer] for the recorded training batches */
  stats: LayerStats[][] = [];
  /** the hooked modules, in order (layer i of plotLayerStats) */
  modules: AnyModule[] = [];
  readonly #given: readonly AnyModule[] | undefined;
  #handles: RemovableHandle[] = [];
  #stored: LayerStats[] = [];

  constructor(opts: ActivationStatsOptions = {}) {
    super();
    this.withHist = opts.withHist ?? false;
    this.every = opts.every ?? 1;
    this.#given = opts.modules;
  }

  override beforeFit(): void {
    if (this.learn.mode !== 'fit') return;
    this.stats = [];
    this.modules = [...(this.#given ?? this.learn.model.modules().filter((m) => m.children().length === 0 && m.parameters(false).length > 0))];
    if (this.modules.length === 0) throw new LearnerError('ActivationStats: no module to hook (none has parameters); pass { modules: [...] }');
    this.#handles = this.modules.map((m, i) => m.registerForwardHook((_mod, _in, out) => {
      if (this.learn.training && this.learn.trainIter % this.every === 0) this.#stored[i] = activationStats(out as Tensor, this.withHist);
    }));
  }

  /** How many forward hooks are registered now (during a fit: one per module). */
  get hooked(): number { return this.#handles.length; }

  override beforeBatch(): void { this.#stored = []; }

  override afterBatch(): void {
    if (this.learn.training && this.#stored.length) this.stats.push(this.#stored);
  }

  override afterFit(): void {
    for (const h of this.#handles) h.remove();
    this.#handles = [];
  }
  override cleanup(): void { this.afterFit(); }

  /** Layer i as an index from 0; a negative i counts from the end, as the book's color_dim(-2). */
  #index(i: number): number {
    const n = this.modules.length, j = i < 0 ? i + n : i;
    if (!Number.isInteger(i) || j < 0 || j >= n)
      throw new LearnerError(`ActivationStats: layer ${i} does not exist; layers 0..${n - 1} (or −1..−${n}) are hooked (${this.modules.map((m) => m.constructor.name).join(', ')})`);
    return j;
  }

  #layer(i: number): LayerStats[] {
    const j = this.#index(i);
    if (this.stats.length === 0) throw new LearnerError('ActivationStats: nothing recorded yet; train first (learn.fit)');
    return this.stats.map((s) => s[j]!);
  }

  /** [means, stds, nearZeros] of layer i, one value per recorded batch. */
  layerStats(i: number): [number[], number[], number[]] {
    const s = this.#layer(i);
    return [s.map((x) => x.mean), s.map((x) => x.std), s.map((x) => x.nearZero)];
  }

  /** log(1 + histogram) of layer i: [40 bins][batches]. */
  hist(i: number): number[][] {
    const s = this.#layer(i);
    if (!this.withHist) throw new LearnerError('ActivationStats: no histograms were recorded; create it with new ActivationStats({ withHist: true })');
    return Array.from({ length: BINS }, (_, b) => s.map((x) => Math.log1p(x.hist![b]!)));
  }

  /** Writes the mean, std and % near zero of layer i across training as SVG; returns the path. */
  plotLayerStats(i: number, path = `plots/layer-stats-${i}.svg`): string {
    const [means, stds, near] = this.layerStats(i);
    const x = means.map((_, k) => k * this.every);
    const name = this.modules[this.#index(i)]!.constructor.name;
    return saveChart(path, [
      { title: 'mean', xLabel: 'training batch', series: [{ x, y: means, color: '#1f77b4' }] },
      { title: 'std', xLabel: 'training batch', series: [{ x, y: stds, color: '#ff7f0e' }] },
      { title: '% near zero', xLabel: 'training batch', series: [{ x, y: near.map((v) => v * 100), color: '#2ca02c' }] },
    ], { title: `Activations of layer ${i} (${name})`, panelWidth: 380, height: 300 });
  }

  /** Writes the "colorful dimension" of layer i as PNG; returns the path. */
  colorDim(i: number, path = `plots/color-dim-${i}.png`): string {
    const h = this.hist(i);
    const cellW = Math.max(1, Math.min(8, Math.floor(900 / h[0]!.length)));
    return saveHeatmapPng(path, h, cellW, 6);
  }
}
