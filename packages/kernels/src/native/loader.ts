// Registers the 'native' and 'cuda' backends, both served by the one addon
// (addon/build/Release/groundup_addon.node). Nothing loads until a backend is asked for.
import type { Backend, BackendName } from '../backend.ts';
import { findBackend, registerBackend } from '../registry.ts';
import { loadAddon } from './addon.ts';
import { cudaBackend } from './cuda.ts';
import { nativeBackend } from './native.ts';
import { deviceRuntime } from './device.ts';
import { registerCudaRuntime } from '../device-runtime.ts';

function unavailable(name: BackendName, reason: string): Backend {
  return { name, describe: () => reason, threads: 0, available: () => ({ ok: false, reason }), kernels: {} };
}

registerBackend('native', () => {
  const l = loadAddon();
  return l.ok ? nativeBackend(l.addon) : unavailable('native', l.reason);
});

registerBackend('cuda', () => {
  const l = loadAddon();
  return l.ok ? cudaBackend(l.addon, findBackend('native')) : unavailable('cuda', l.reason);
});

// CUDA tensors (device storage) use the same addon: its device exports, when a device answers.
registerCudaRuntime(() => {
  const l = loadAddon();
  return l.ok ? deviceRuntime(l.addon) : { ok: false, reason: l.reason };
});
