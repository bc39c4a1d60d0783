// The README's picture: the page after a full default run (2 epochs of fit_one_cycle), with a
// digit drawn from the stored strokes. `pnpm --filter @groundup/web screenshot [out.png]`
// (default packages/web/screenshot.png).
import { fileURLToPath } from 'node:url';
import { buildPage, findChromium, launchChromium, servePage } from './harness.ts';
import { strokeDigits } from './strokes.ts';

const out = process.argv[2] ?? fileURLToPath(new URL('../screenshot.png', import.meta.url));
const chromium = findChromium();
if (!chromium.ok) throw new Error(chromium.reason);
const dist = fileURLToPath(new URL('../dist', import.meta.url));
await buildPage(dist);
const { server, url } = await servePage(dist);
const browser = await launchChromium(chromium.path);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  await page.click('#train');
  const t0 = Date.now();
  await page.waitForSelector('body[data-state="trained"]', { timeout: 30 * 60_000 });
  console.log(`trained in ${((Date.now() - t0) / 1000).toFixed(0)} s: accuracy ${await page.textContent('#accuracy')} ${await page.textContent('#step-time')}`);
  const box = (await page.locator('#pad').boundingBox())!;
  for (const s of strokeDigits.find((d) => d.label === 2)!.strokes) {
    const at = ([x, y]: [number, number]): [number, number] => [box.x + (x * box.width) / 28, box.y + (y * box.height) / 28];
    await page.mouse.move(...at(s[0]!));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p));
    await page.mouse.up();
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
