// Devices, as PyTorch names them. Every tensor lives on the CPU for now; the cuda *backend* runs
// matmul and conv kernels on a GPU with the tensors' storage staying on the CPU. Until tensors
// get a real `device`, naming 'cuda' (or 'cuda:0') says so instead of failing obscurely.
import { DeviceError, findBackend } from '@groundup/kernels';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** True for a string that names a device rather than a dtype. */
export const isDeviceName = (s: unknown): s is Device => typeof s === 'string' && /^(cpu|cuda(:\d+)?)$/.test(s);

/** Accepts 'cpu' (where every tensor is); refuses a cuda device with the reason and what to do instead. */
export function checkDevice(op: string, device: Device, call = `${op}('${device}')`): void {
  if (device === 'cpu') return;
  if (!isDeviceName(device)) throw new DeviceError(`${call}: unknown device ${JSON.stringify(device)}; groundup knows 'cpu' and 'cuda' (tensors live on 'cpu')`);
  const cuda = findBackend('cuda')?.available();
  const here = !cuda ? 'this build has no cuda backend' : cuda.ok ? 'a GPU answers here' : `here: ${cuda.reason}`;
  throw new DeviceError(`${call}: groundup tensors live on the CPU; the '${device}' device is not implemented yet. `
    + 'To run matmul and conv on a GPU, keep the tensors where they are and choose the cuda backend: '
    + `GROUNDUP_BACKEND=cuda or setBackend('cuda') (the cuda backend: ${here})`);
}
