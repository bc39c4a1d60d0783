// Upsample({size | scaleFactor, mode, alignCorners}): F.interpolate as a layer, as torch.nn.Upsample.
import type { Tensor } from '@groundup/tensor';
import { interpolate, type InterpolateOptions } from './functional/interpolate.ts';
import { Module } from './module.ts';

const py = (v: number | readonly number[] | undefined): string => (v === undefined ? 'None' : typeof v === 'number' ? `${v}` : `(${v.join(', ')})`);

export class Upsample extends Module<[Tensor], Tensor> {
  constructor(readonly opts: InterpolateOptions) { super(); }
  override forward(x: Tensor): Tensor { return interpolate(x, this.opts); }
  override extraRepr(): string {
    const o = this.opts;
    return `${o.size !== undefined ? `size=${py(o.size)}` : `scale_factor=${py(o.scaleFactor)}`}, mode='${o.mode ?? 'nearest'}'${o.alignCorners !== undefined ? `, align_corners=${o.alignCorners ? 'True' : 'False'}` : ''}`;
  }
}
