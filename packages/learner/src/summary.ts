// summary(model, inputShape): fastai's learn.summary() table, as the book prints it (ch13):
// one row per layer without children, with its output shape for one batch, its parameter count
// and whether they train; then the totals.
//   Sequential (Input shape: ['64 x 1 x 28 x 28'])
//   ================================================================
//   Layer (type)         Output Shape         Param #    Trainable
//   ================================================================
//   Conv2d               64 x 4 x 14 x 14     40         True
//   ...
//   Total params: 6,722
// The forward pass runs on zeros, without gradients and in eval mode (so BatchNorm's running
// statistics do not move); the model's mode is restored afterwards.
import type { AnyModule, RemovableHandle } from '@groundup/nn';
import { noGrad, Tensor, zeros } from '@groundup/tensor';

export interface SummaryRow { layer: string; outputShape: number[] | null; params: number; trainable: boolean }
export interface ModelSummary {
  model: string;
  inputShape: number[];
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** the fastai table */
  toString(): string;
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

export function summary(model: AnyModule, inputShape: readonly number[] | Tensor): ModelSummary {
  const input = inputShape instanceof Tensor ? inputShape : zeros([...inputShape]);
  const leaves = model.modules().filter((m) => m.children().length === 0);
  const rows: SummaryRow[] = leaves.map((m) => {
    const ps = m.parameters(false);
    return { layer: m.constructor.name, outputShape: null, params: ps.reduce((n, p) => n + p.numel(), 0), trainable: ps.some((p) => p.requiresGrad) };
  });
  const handles: RemovableHandle[] = leaves.map((m, i) => m.registerForwardHook((_m, _in, out) => {
    const t = Array.isArray(out) ? out[0] : out;
    if (t instanceof Tensor) rows[i]!.outputShape = [...t.shape];
  }));
  const wasTraining = model.training;
  try {
    model.eval();
    noGrad(() => (model.call as (x: Tensor) => unknown)(input));
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
  // Parameters owned by modules with children (rare) count in the totals too.
  const all = model.parameters();
  const totalParams = all.reduce((n, p) => n + p.numel(), 0);
  const trainableParams = all.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  const shape = [...input.shape];
  return {
    model: model.constructor.name, inputShape: shape, rows, totalParams, trainableParams,
    toString() {
      const rule = (c: string): string => c.repeat(64);
      const line = (a: string, b: string, c: string, d: string): string => `${a.padEnd(21)}${b.padEnd(21)}${c.padEnd(11)}${d}`.trimEnd();
      const out = [`${model.constructor.name} (Input shape: ['${shape.join(' x ')}'])`, rule('='), line('Layer (type)', 'Output Shape', 'Param #', 'Trainable'), rule('=')];
      rows.forEach((r, i) => {
        out.push(line(r.layer, r.outputShape ? r.outputShape.join(' x ') : '', fmtInt(r.params), r.trainable ? 'True' : 'False'));
        out.push(i < rows.length - 1 ? rule('_') : '');
      });
      out.push(`Total params: ${fmtInt(totalParams)}`, `Total trainable params: ${fmtInt(trainableParams)}`, `Total non-trainable params: ${fmtInt(totalParams - trainableParams)}`);
      return out.join('\n');
    },
  };
}
