// DeviceCallback (fastai's CudaCallback): moves each batch to the model's device before the
// forward pass. learn.to('cuda') moves the model and adds it; so does passing it in cbs.
import type { Device, Tensor } from '@groundup/tensor';
import { Callback } from '../callback.ts';

export class DeviceCallback extends Callback {
  override order = -5;
  constructor(readonly device: Device = 'cuda') { super(); }

  override beforeFit(): void {
    const m = this.learn.model as { to?: (d: Device) => unknown };
    m.to?.(this.device);
  }

  override beforeBatch(): void {
    const l = this.learn;
    const move = (t: Tensor): Tensor => t.to(this.device);
    l.xb = l.xb.map(move);
    l.yb = l.yb.map(move);
  }
}
