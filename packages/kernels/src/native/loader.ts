// Registers the 'native' and 'cuda' backends, both served by the one addon
// (addon/build/Release/groundup_addon.node). Nothing loads until a backend is asked for.
import type { Backend, BackendName } from '../backend.ts';
import { findBackend, registerBackend } from '../registry.ts';
import { loadAddon } from './addon.ts';
import { cudaBackend } from './cuda.ts';
import { nativeBackend } from './native.ts';

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
