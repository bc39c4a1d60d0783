// Devices, as PyTorch names them: 'cpu', and 'cuda' for tensors whose storage lives on the GPU
// (device/cuda.ts). Naming 'cuda' where no GPU answers says why, and what to do instead.
import { DeviceError, requireCuda } from '@groundup/kernels';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** True for a string that names a device rather than a dtype. */
export const isDeviceName = (s: unknown): s is Device => typeof s === 'string' && /^(cpu|cuda(:\d+)?)$/.test(s);

/** The device a name means ('cuda:0' is 'cuda'); 'cuda' without a usable GPU throws DeviceError with the reason and the fix. */
export function checkDevice(op: string, device: Device, call = `${op}('${device}')`): 'cpu' | 'cuda' {
  if (device === 'cpu') return 'cpu';
  if (!isDeviceName(device)) throw new DeviceError(`${call}: unknown device ${JSON.stringify(device)}; groundup knows 'cpu' and 'cuda'`);
  if (device !== 'cuda' && device !== 'cuda:0') throw new DeviceError(`${call}: groundup uses one GPU, 'cuda' (or 'cuda:0'), not ${device}`);
  requireCuda(call);
  return 'cuda';
}
