// The page: settings, progress, loss curve and epoch table for the worker's training; the drawing
// pad and the predicted class; saving and loading weights. All computing happens in worker.ts.
// URL parameters preset the form: ?backend=wasm-mt|wasm|js&epochs=2&lr=0.06&bs=64&seed=42&steps=N
// (steps: stop after N batches, the one-cycle schedule spanning them).
import { DrawPad } from './draw-pad.ts';
import { EPOCH_COLUMNS, epochCells } from './epoch-row.ts';
import type { FitOptions } from './fit.ts';
import { LossChart } from './loss-chart.ts';
import { toMnist } from './preprocess.ts';
import type { BackendChoice, FromWorker, ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: #${id} is missing`);
  return el as T;
};
const params = new URLSearchParams(location.search);
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
for (const id of ['epochs', 'lr', 'bs', 'seed']) if (params.has(id)) input(id).value = params.get(id)!;
const maxSteps = params.has('steps') ? Number(params.get('steps')) : undefined;
const backend = (params.get('backend') ?? 'auto') as BackendChoice;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'groundup training' });
const send = (m: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);
const setState = (s: string): void => { document.body.dataset.state = s; };

const chart = new LossChart($<HTMLCanvasElement>('loss'));
const table = $<HTMLTableElement>('epoch-table');
table.tHead!.rows[0]!.append(...EPOCH_COLUMNS.map((c) => Object.assign(document.createElement('th'), { textContent: c })));
const progress = $<HTMLProgressElement>('progress');
const status = (id: string, text: string): void => { $(id).textContent = text; };

// ---- prediction view
const probsList = $<HTMLOListElement>('probs');
for (let d = 0; d < 10; d++) {
  const li = document.createElement('li');
  li.innerHTML = `<span>${d}</span><div class="bar"><div></div></div><span class="p">–</span>`;
  probsList.append(li);
}
let pixels: Float32Array | null = null;
let predictId = 0;
const seen = $<HTMLCanvasElement>('seen').getContext('2d')!;

function showSeen(p: Float32Array | null): void {
  const img = seen.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((p?.[i] ?? 0) * 255);
    img.data.set([v, v, v, 255], 4 * i);
  }
  seen.putImageData(img, 0, 0);
}

function predict(): void {
  if (!pixels || document.body.dataset.state === 'loading') return;
  probsList.dataset.requested = String(++predictId);
  send({ type: 'predict', id: predictId, pixels: pixels.slice() });
}

function showPrediction(id: number, probs: number[]): void {
  if (id !== predictId) return; // an older drawing
  const top = probs.indexOf(Math.max(...probs));
  status('predicted', String(top));
  probsList.dataset.probs = JSON.stringify(probs);
  probsList.dataset.id = String(id);
  [...probsList.children].forEach((li, d) => {
    li.classList.toggle('top', d === top);
    (li.querySelector('.bar div') as HTMLElement).style.width = `${(100 * probs[d]!).toFixed(1)}%`;
    li.querySelector('.p')!.textContent = probs[d]!.toFixed(3);
  });
}

const pad = new DrawPad($<HTMLCanvasElement>('pad'), (ink, size) => {
  pixels = ink ? toMnist(ink, size) : null;
  showSeen(pixels);
  if (pixels) predict();
  else {
    status('predicted', '?');
    delete probsList.dataset.probs;
  }
});
$('clear').addEventListener('click', () => pad.clear());

// ---- training
function fitOptions(): FitOptions {
  const num = (id: string): number => Number(input(id).value);
  return { epochs: num('epochs'), lrMax: num('lr'), batchSize: num('bs'), seed: num('seed'), ...(maxSteps ? { maxSteps } : {}) };
}

const buttons = (training: boolean): void => {
  for (const id of ['train', 'save', 'load', 'load-node']) ($(id) as HTMLButtonElement | HTMLInputElement).disabled = training;
  ($('stop') as HTMLButtonElement).disabled = !training;
};

$('train').addEventListener('click', () => {
  const fit = fitOptions();
  table.tBodies[0]!.replaceChildren();
  chart.reset(1);
  status('accuracy', '–');
  status('step-time', '');
  buttons(true);
  setState('training');
  send({ type: 'reset', seed: fit.seed });
  send({ type: 'train', fit });
});
$('stop').addEventListener('click', () => send({ type: 'stop' }));

let lastStepMs: number[] = [];
function onBatch(e: Extract<FromWorker, { kind: 'batch' }>): void {
  if (e.step === 1) { chart.reset(e.totalSteps); lastStepMs = []; }
  chart.addBatch(e.loss);
  lastStepMs.push(e.ms);
  progress.max = e.totalSteps;
  progress.value = e.step;
  const recent = lastStepMs.slice(-20).sort((a, b) => a - b);
  status('progress-text', `epoch ${e.epoch + 1} · batch ${e.step}/${e.totalSteps} · loss ${e.loss.toFixed(4)} · ${recent[recent.length >> 1]!.toFixed(0)} ms/step`);
}

function onEpoch(e: Extract<FromWorker, { kind: 'epoch' }>): void {
  chart.addEpoch(e.validLoss);
  const tr = document.createElement('tr');
  tr.append(...epochCells(e).map((c) => Object.assign(document.createElement('td'), { textContent: c })));
  table.tBodies[0]!.append(tr);
  status('accuracy', e.accuracy.toFixed(4));
}

// ---- weights
function download(bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'simple-cnn.safetensors' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Disables the controls and marks the page busy at once, before any await (tests wait on the state). */
function loadingWeights(): void {
  buttons(true);
  ($('stop') as HTMLButtonElement).disabled = true;
  setState('loading-weights');
}

function loadBytes(bytes: Uint8Array, name: string): void {
  status('weights-status', `loading ${name}…`);
  send({ type: 'load', bytes, name }, [bytes.buffer as ArrayBuffer]);
}
$('save').addEventListener('click', () => send({ type: 'save' }));
input('load').addEventListener('change', async () => {
  const f = input('load').files?.[0];
  if (!f) return;
  loadingWeights();
  loadBytes(new Uint8Array(await f.arrayBuffer()), f.name);
  input('load').value = '';
});
$('load-node').addEventListener('click', async () => {
  loadingWeights();
  const r = await fetch('./simple-cnn.safetensors');
  if (r.ok) return loadBytes(new Uint8Array(await r.arrayBuffer()), 'simple-cnn.safetensors (trained in Node)');
  status('weights-status', `no model trained in Node is served here (HTTP ${r.status}); run \`pnpm web:train\``);
  buttons(false);
  setState('error');
});

// ---- messages from the worker
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if ('kind' in m) return m.kind === 'batch' ? onBatch(m) : onEpoch(m);
  switch (m.type) {
    case 'ready': {
      const b = m.backend;
      status('backend', `backend ${b.name} · ${b.threads} thread${b.threads > 1 ? 's' : ''} · ${b.describe} · cross-origin isolated: ${b.crossOriginIsolated ? 'yes' : 'no'}`
        + (b.skipped.length ? ` · passed over: ${b.skipped.join('; ')}` : '') + ` · ${m.train} training / ${m.valid} validation digits`);
      Object.assign(document.body.dataset, { backend: b.name, threads: String(b.threads) });
      buttons(false);
      setState('ready');
      return;
    }
    case 'done':
      status('accuracy', m.accuracy.toFixed(4));
      status('step-time', `· ${m.steps} steps, median ${m.stepMsMedian.toFixed(1)} ms/step${m.stopped ? ' (stopped)' : ''}`
        + (m.workerShare === null ? '' : ` · wasm-mt's worker took ${(100 * m.workerShare).toFixed(0)}% of the threaded chunks`));
      document.body.dataset.stepMs = m.stepMsMedian.toFixed(2);
      if (m.workerShare !== null) document.body.dataset.workerShare = m.workerShare.toFixed(3);
      buttons(false);
      setState('trained');
      predict();
      return;
    case 'prediction': return showPrediction(m.id, m.probs);
    case 'saved':
      download(m.bytes);
      status('weights-status', `saved simple-cnn.safetensors (${m.bytes.length.toLocaleString()} bytes)`);
      return;
    case 'loaded':
      status('weights-status', `loaded ${m.name}: validation accuracy ${m.accuracy.toFixed(4)}${m.metadata?.['trainedWith'] ? ` · trained with ${m.metadata['trainedWith']}` : ''}`);
      status('accuracy', m.accuracy.toFixed(4));
      buttons(false);
      setState('loaded');
      predict();
      return;
    case 'error':
      console.error(`groundup worker: ${m.message}`);
      status('weights-status', m.message);
      buttons(false);
      setState('error');
      return;
  }
};
worker.onerror = (e) => { status('backend', `the worker failed: ${e.message}`); setState('error'); };

send({ type: 'init', backend, seed: Number(input('seed').value) });
