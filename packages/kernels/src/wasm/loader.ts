// Registers the 'wasm' and 'wasm-mt' backends. (Placeholder until the Wasm backend lands.)
import { registerBackend } from '../registry.ts';

const reason = 'not built: wasm/build/*.wasm is missing; run `pnpm build:wasm`';
for (const name of ['wasm', 'wasm-mt'] as const)
  registerBackend(name, () => ({ name, describe: () => reason, available: () => ({ ok: false, reason }), kernels: {} }));
