// Registers the 'native' and 'cuda' backends. (Placeholder until the addon lands.)
import { registerBackend } from '../registry.ts';

const reason = 'not built: addon/build/Release/groundup_addon.node is missing; run `pnpm build:addon` after installing cmake and g++';
for (const name of ['native', 'cuda'] as const)
  registerBackend(name, () => ({ name, describe: () => reason, available: () => ({ ok: false, reason }), kernels: {} }));
