// The page of packages/web in real headless Chromium (Debian's, driven by playwright-core; nothing
// is downloaded): it loads without console errors on a wasm backend, trains a fixed number of
// steps with a fixed seed to a measured accuracy band, predicts three digits drawn from stored
// strokes of real digits, round-trips its weights through a safetensors file, and runs the tensor
// parity fixtures in the page. A screenshot after training lands in test/browser/out/.
// The build is checked for node: imports with or without a browser; without Chromium the page's
// suite skips with the install line, except under CI=true, where it fails.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deserializeSafetensors, loadSafetensors } from 'groundup';
import { buildPage, findChromium, launchChromium, servePage, type Browser, type Page, type PreviewServer } from '../../packages/web/e2e/harness.ts';
import { DRAWN_LABELS, strokeDigits, type Stroke } from '../../packages/web/e2e/strokes.ts';
import { simpleCnn } from '../../packages/web/src/model.ts';
import { KERNEL_FAMILIES, type Fixture } from '../helpers/parity-case.ts';
import { skip } from '../helpers/skip.ts';

const out = join(import.meta.dirname, 'out');
const dist = join(out, 'dist');
/** 100 steps of bs 64 from seed 42 (lr 0.06): measured 0.9465–0.9515 over backends and seeds in Node. */
const STEPS = 100, SEED = 42;
const ACCURACY_BAND = [0.935, 0.965] as const;
const MINUTES = 60_000;

// The build needs no browser: every library package's browser files must keep node: out of it.
const build = suite('web page build');
build.before(async () => {
  mkdirSync(out, { recursive: true });
  await buildPage(dist);
});
build('the static build imports no node: module and no browser shim of one', () => {
  const js = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  assert.ok(js.length >= 3, `expected the page, its worker and the wasm-mt worker, got ${js.join(', ')}`);
  for (const f of js) {
    const src = readFileSync(join(dist, 'assets', f), 'utf8');
    const hit = /["'`]node:[a-z_/]+["'`]|__vite-browser-external|groundup_addon/.exec(src);
    assert.not.ok(hit, `${f} refers to ${hit?.[0]}`);
  }
});
build.run();

const test = suite('web page in Chromium');
const chromium = findChromium();

if (!chromium.ok) {
  if (process.env.CI === 'true') test('Chromium is installed', () => assert.unreachable(chromium.reason));
  else skip(test, 'web page in Chromium', `browser tests skipped: ${chromium.reason}`);
} else {
  let browser: Browser, server: PreviewServer, url: string, page: Page;
  const problems: string[] = [];

  test.before(async () => {
    ({ server, url } = await servePage(dist));
    browser = await launchChromium(chromium.path);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()} (${m.location().url})`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
  });

  const state = (): Promise<string | null> => page.getAttribute('body', 'data-state');
  const text = async (sel: string): Promise<string> => (await page.textContent(sel))?.trim() ?? '';
  const waitState = async (states: string[], timeout: number): Promise<string> => {
    await page.waitForSelector(states.map((s) => `body[data-state="${s}"]`).concat('body[data-state="error"]').join(', '), { timeout });
    const s = (await state())!;
    if (s === 'error') assert.unreachable(`the page reports an error: ${await text('#weights-status')} ${await text('#backend')}`);
    return s;
  };

  /** Replays strokes (28×28 coordinates) with the mouse on the 280×280 pad; returns the class and probabilities. */
  async function draw(strokes: readonly Stroke[]): Promise<{ predicted: number; probs: number[] }> {
    await page.click('#clear');
    const before = await page.getAttribute('#probs', 'data-requested');
    const box = (await page.locator('#pad').boundingBox())!;
    const at = ([x, y]: [number, number]): [number, number] => [box.x + (x * box.width) / 28, box.y + (y * box.height) / 28];
    for (const s of strokes) {
      await page.mouse.move(...at(s[0]!));
      await page.mouse.down();
      for (const p of s.slice(1)) await page.mouse.move(...at(p));
      await page.mouse.up();
    }
    // each stroke asks for a prediction; the answer to the last one is the one that counts
    await page.waitForFunction((prev) => {
      const { id, requested } = document.getElementById('probs')!.dataset;
      return requested !== prev && id === requested;
    }, before, { timeout: MINUTES });
    return { predicted: Number(await text('#predicted')), probs: JSON.parse((await page.getAttribute('#probs', 'data-probs'))!) as number[] };
  }

  test('loads with no console errors and reports a wasm backend', async () => {
    await page.goto(`${url}?steps=${STEPS}&seed=${SEED}`);
    await waitState(['ready'], 2 * MINUTES);
    const backend = await page.getAttribute('body', 'data-backend');
    const threads = Number(await page.getAttribute('body', 'data-threads'));
    assert.ok(backend === 'wasm-mt' || backend === 'wasm', `backend ${backend}: ${await text('#backend')}`);
    assert.match(await text('#backend'), /cross-origin isolated: yes/);
    if (backend === 'wasm-mt') assert.ok(threads >= 2, `wasm-mt with ${threads} thread(s)`);
    assert.equal(problems, []);
  });

  test(`trains ${STEPS} steps from seed ${SEED} to validation accuracy in [${ACCURACY_BAND}]`, async () => {
    await page.click('#train');
    await waitState(['trained'], 15 * MINUTES);
    const acc = Number(await text('#accuracy'));
    assert.ok(acc >= ACCURACY_BAND[0] && acc <= ACCURACY_BAND[1], `accuracy ${acc} outside [${ACCURACY_BAND}]`);
    assert.is(await page.locator('#epoch-table tbody tr').count(), 1, 'one row in the epoch table');
    assert.match(await text('#step-time'), new RegExp(`${STEPS} steps, median [\\d.]+ ms/step`));
    assert.is(await page.getAttribute('#progress', 'value'), String(STEPS));
    if (await page.getAttribute('body', 'data-backend') === 'wasm-mt' && Number(await page.getAttribute('body', 'data-threads')) > 1) {
      const share = Number(await page.getAttribute('body', 'data-worker-share'));
      assert.ok(share > 0, `wasm-mt's Web Worker took no chunk (share ${share}): the page ran single-threaded`);
    }
    // a digit on the pad, so that the screenshot shows a prediction too
    await draw(strokeDigits.find((d) => d.label === 3)!.strokes);
    await page.screenshot({ path: join(out, 'web-after-training.png') });
    assert.equal(problems, []);
  });

  test('save, then reload: the same predictions, and Node reads the file', async () => {
    const digit = strokeDigits.find((d) => d.label === 9)!;
    const before = await draw(digit.strokes);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = join(out, 'saved-in-browser.safetensors');
    await download.saveAs(file);
    // other weights first (the model trained in Node), so that the reload has something to undo
    await page.click('#load-node');
    await waitState(['loaded'], 2 * MINUTES);
    const other = await draw(digit.strokes);
    assert.not.equal(other.probs, before.probs, 'the Node model predicts the same probabilities: the reload test would prove nothing');
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => /saved-in-browser/.test(document.getElementById('weights-status')!.textContent ?? ''), null, { timeout: 2 * MINUTES });
    await waitState(['loaded'], MINUTES);
    const after = await draw(digit.strokes);
    assert.equal(after.probs, before.probs, 'probabilities after reloading the saved weights');
    // the same file in Node: strict keys and shapes of simple_cnn
    const { tensors, metadata } = loadSafetensors(file);
    simpleCnn().loadStateDict(tensors);
    assert.match(metadata?.['trainedWith'] ?? '', /^browser, wasm/);
    assert.equal(problems, []);
  });

  test(`the model trained in Node loads with its accuracy and reads drawn digits ${DRAWN_LABELS.join(', ')}`, async () => {
    await page.click('#load-node');
    await waitState(['loaded'], 2 * MINUTES);
    const meta = deserializeSafetensors(new Uint8Array(readFileSync(new URL('../../packages/web/public/simple-cnn.safetensors', import.meta.url)))).metadata!;
    assert.is(await text('#accuracy'), Number(meta['accuracy']).toFixed(4), 'validation accuracy in the page vs the one Node recorded');
    for (const label of DRAWN_LABELS) {
      const { predicted, probs } = await draw(strokeDigits.find((d) => d.label === label)!.strokes);
      assert.is(predicted, label, `drew a ${label}, the page says ${predicted} (p = ${probs.map((p) => p.toFixed(2)).join(' ')})`);
    }
    assert.equal(problems, []);
  });

  test('served without COOP/COEP, the page trains on single-threaded wasm and says why not wasm-mt', async () => {
    const context = await browser.newContext();
    const plain = await context.newPage();
    const errors: string[] = [];
    plain.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    plain.on('pageerror', (e) => errors.push(e.message));
    // as a static host that sends no isolation headers
    await plain.route('**/*', async (route) => {
      const r = await route.fetch();
      const headers = Object.fromEntries(Object.entries(r.headers()).filter(([k]) => !k.startsWith('cross-origin-')));
      await route.fulfill({ response: r, headers });
    });
    try {
      await plain.goto(`${url}?steps=3`);
      await plain.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 2 * MINUTES });
      const line = (await plain.textContent('#backend')) ?? '';
      assert.is(await plain.getAttribute('body', 'data-backend'), 'wasm', line);
      assert.match(line, /cross-origin isolated: no/);
      assert.match(line, /passed over: wasm-mt: workers get the shared Wasm memory only on a cross-origin isolated page/);
      await plain.click('#train');
      await plain.waitForSelector('body[data-state="trained"], body[data-state="error"]', { timeout: 5 * MINUTES });
      assert.match((await plain.textContent('#step-time')) ?? '', /3 steps/);
      assert.equal(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the tensor parity fixtures hold in the page (kernel families on js, wasm and wasm-mt)', async () => {
    const fx = JSON.parse(readFileSync(new URL('../fixtures/tensor_ops.json', import.meta.url), 'utf8')) as Fixture;
    await page.goto(`${url}parity.html`);
    await waitState(['ready'], MINUTES);
    const kernels = fx.cases.filter((c) => KERNEL_FAMILIES.has(c.family));
    const rest = fx.cases.filter((c) => !KERNEL_FAMILIES.has(c.family));
    const runs = [['wasm-mt', rest], ['js', kernels], ['wasm', kernels], ['wasm-mt', kernels]] as const;
    for (const [backend, cases] of runs) {
      // Playwright's own serialisation keeps -0 (JSON would not); `unknown` spares the compiler the fixture's deep type
      const arg: unknown = [cases, backend];
      const r = await page.evaluate((a) => window.runParity(...(a as Parameters<Window['runParity']>)), arg);
      assert.ok(r.available, `${backend} unavailable in the page: ${r.detail}`);
      assert.equal(r.failures, [], `${backend}: ${r.failures.length} of ${cases.length} cases differ from torch`);
      assert.is(r.passed, cases.length);
    }
    assert.equal(problems, []);
  });
}

test.run();
