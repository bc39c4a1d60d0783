// `pnpm web` (dev server), `pnpm web:build` (static folder packages/web/dist), `vite preview`.
// Both servers send COOP/COEP: the page is then cross-origin isolated, which shared Wasm memory
// (wasm and wasm-mt) needs. A static host must send the same two headers, or the page falls back
// to the js backend and says why.
import { defaultClientConditions, defineConfig } from 'vite';
import { mnistDigits } from './vite/mnist-digits.ts';

export const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  base: './',
  plugins: [mnistDigits()],
  // The groundup packages' TypeScript sources (their exports' "source" condition), not a dist/
  // build that may be stale or missing.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: { input: { main: 'index.html', parity: 'parity.html' } },
  },
});
