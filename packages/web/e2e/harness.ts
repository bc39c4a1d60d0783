// What the browser tests need, kept beside the page (so that vite and playwright-core resolve
// from packages/web): find Debian's Chromium, build the page, serve it with `vite preview`
// (COOP/COEP on), and launch headless Chromium with the flags this offline machine needs.
// test/browser/web.test.ts drives it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { PreviewServer } from 'vite';

export type { Browser, Page } from 'playwright-core';
export type { PreviewServer } from 'vite';

/**
 * Vite, loaded when first needed. Its bundler styles text at import, and Node 20 then warns when
 * NO_COLOR and FORCE_COLOR are both set (scripts/test.mjs sets NO_COLOR, and something between it
 * and the suites sets FORCE_COLOR=1): where NO_COLOR is set, it alone decides.
 */
function vite(): Promise<typeof import('vite')> {
  if (process.env.NO_COLOR !== undefined) delete process.env.FORCE_COLOR;
  return import('vite');
}

export const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/** Debian's Chromium (or the one GROUNDUP_CHROMIUM names), or why there is none. */
export function findChromium(): { ok: true; path: string } | { ok: false; reason: string } {
  const given = process.env.GROUNDUP_CHROMIUM;
  const candidates = given ? [given] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const path = candidates.find((p) => existsSync(p));
  return path ? { ok: true, path } : { ok: false, reason: `no Chromium at ${candidates.join(' or ')}; install Debian's: ${CHROMIUM_INSTALL}` };
}

/** `vite build` of packages/web into outDir (a static folder). */
export async function buildPage(outDir: string): Promise<void> {
  const { build } = await vite();
  await build({ root: webRoot, configFile: `${webRoot}/vite.config.ts`, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** `vite preview` of outDir on a free port of 127.0.0.1; returns the server and its address. */
export async function servePage(outDir: string): Promise<{ server: PreviewServer; url: string }> {
  const { preview } = await vite();
  const server = await preview({ root: webRoot, configFile: `${webRoot}/vite.config.ts`, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its address');
  return { server, url };
}

/** Without the networking flags, Chromium keeps trying Google's hosts on this offline machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
