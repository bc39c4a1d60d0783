// 2-D pooling of CUDA tensors: the window tables pool.ts computes (PyTorch's padding, ceil_mode,
// adaptive windows) go to the device once per geometry, then one kernel forward and one backward.
import { DTypeError, requireCuda, type DeviceBlock } from '@groundup/kernels';
import { attachPure } from '../autograd/node.ts';
import type { Tensor } from '../tensor.ts';
import { cudaEmpty, fillCuda } from './cuda.ts';

export interface PoolAxes { hs: Int32Array; he: Int32Array; ws: Int32Array; we: Int32Array; oh: number; ow: number }

function upload(op: string, host: Int32Array | Float32Array): DeviceBlock {
  const rt = requireCuda(op);
  const b = rt.alloc(host.byteLength);
  rt.upload(b, 0, host);
  return b;
}

/** Window tables and divisors on the device, one copy per distinct geometry (a training step reuses them each time). */
const tablesOnDevice = new Map<string, { tab: DeviceBlock; div: DeviceBlock | null }>();

function windowTables(op: string, a: PoolAxes, divisor: Float64Array | null): { tab: DeviceBlock; div: DeviceBlock | null } {
  const tables = new Int32Array(2 * a.oh + 2 * a.ow);
  tables.set(a.hs, 0); tables.set(a.he, a.oh); tables.set(a.ws, 2 * a.oh); tables.set(a.we, 2 * a.oh + a.ow);
  const key = `${a.oh}|${tables.join()}|${divisor ? divisor.join() : 'max'}`;
  let t = tablesOnDevice.get(key);
  if (!t) tablesOnDevice.set(key, (t = { tab: upload(op, tables), div: divisor ? upload(op, Float32Array.from(divisor)) : null }));
  return t;
}

/** Max (divisor null) or average pooling of x [..., H, W] on the device. */
export function cudaPool(op: string, nodeName: string, x: Tensor, a: PoolAxes, divisor: Float64Array | null): Tensor {
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: the CUDA pooling kernels are float32; this cuda tensor is ${x.dtype}. Use .float(), or .cpu()`);
  const rt = requireCuda(op);
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!, planes = x.numel() / Math.max(H * W, 1);
  const { tab, div } = windowTables(op, a, divisor);
  const c = x.contiguous();
  const shape = [...x.shape.slice(0, -2), a.oh, a.ow];
  const out = cudaEmpty('float32', shape);
  const arg = divisor ? null : cudaEmpty('int32', shape);
  rt.pool(divisor ? 'avgForward' : 'maxForward', c.storage.block!, c.offset, out.storage.block!, 0, arg?.storage.block ?? null, tab, div, planes, H, W, a.oh, a.ow);
  return attachPure(out, nodeName, [x], (g) => {
    const gc = g.contiguous();
    const gx = fillCuda(cudaEmpty('float32', x.shape), 0);
    rt.pool(divisor ? 'avgBackward' : 'maxBackward', gc.storage.block!, gc.offset, gx.storage.block!, 0, arg?.storage.block ?? null, tab, div, planes, H, W, a.oh, a.ow);
    return [gx];
  });
}
