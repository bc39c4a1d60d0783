// The training worker: owns the data, the model and the backend, so that the page stays
// responsive and wasm-mt may block in Atomics.wait (a page's main thread may not). Training runs
// batch by batch and returns to the event loop every few batches, so 'stop' and 'predict'
// messages are answered while it trains.
import digitsUrl from '../.generated/mnist-digits.bin?url';
import {
  availability, deserializeSafetensors, getBackend, initWasm, mnistFromDigits, noGrad, serializeSafetensors, setBackend,
  Tensor, type BackendName, type Sequential,
} from 'groundup';
import { evaluate, fitOneCycle, predictProbs, seeded, type FitEvent } from './fit.ts';
import { unpackDigits } from './mnist-pack.ts';
import { mnistSplits, type MnistSplits } from './mnist-split.ts';
import { MODEL_METADATA, normalizeImages, simpleCnn } from './model.ts';
import type { BackendChoice, BackendInfo, FromWorker, ToWorker } from './protocol.ts';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated: boolean;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

let data: MnistSplits | null = null;
let model: Sequential | null = null;
let training = false;
let stopRequested = false;
/** The event loop gets a turn at least this often while training (ms). */
const SLICE_MS = 40;

async function chooseBackend(choice: BackendChoice): Promise<BackendInfo> {
  await initWasm();
  const order: BackendName[] = choice === 'auto' ? ['wasm-mt', 'wasm', 'js'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    const av = availability(name);
    if (av.ok) {
      const b = setBackend(name);
      const pool = (b as { internals?: { pool?: { threads: number } } }).internals?.pool;
      return { name: b.name, describe: b.describe(), threads: pool?.threads ?? 1, crossOriginIsolated: scope.crossOriginIsolated, skipped };
    }
    skipped.push(`${name}: ${av.reason}`);
  }
  throw new Error(`backend ${choice} is not available: ${skipped.join('; ')}`);
}

async function init(choice: BackendChoice, seed: number): Promise<void> {
  const t0 = performance.now();
  const backend = await chooseBackend(choice);
  const res = await fetch(digitsUrl);
  if (!res.ok) throw new Error(`fetching the MNIST digits (${digitsUrl}) failed: HTTP ${res.status}`);
  const digits = unpackDigits(new Uint8Array(await res.arrayBuffer()));
  data = mnistSplits((split) => mnistFromDigits(digits, { split }));
  model = seeded(seed, simpleCnn);
  post({ type: 'ready', backend, train: data.train.x.shape[0]!, valid: data.valid.x.shape[0]!, loadMs: performance.now() - t0 });
}

/** A turn of the event loop: a message to ourselves (setTimeout(0) would be clamped to 4 ms once nested). */
const channel = new MessageChannel();
/** Of wasm-mt's threaded chunks, the fraction its workers took: shows that the Web Workers really compute. */
function workerShare(): number | null {
  const pool = (getBackend() as { internals?: { pool?: { threads: number; stats: { chunks: number; workerChunks: number } } } }).internals?.pool;
  return pool && pool.threads > 1 && pool.stats.chunks > 0 ? pool.stats.workerChunks / pool.stats.chunks : null;
}

const turn = (): Promise<void> => new Promise((r) => { channel.port1.onmessage = () => r(); channel.port2.postMessage(null); });
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : NaN; };

async function train(msg: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  if (!data || !model) throw new Error('train: the worker is not initialised');
  if (training) throw new Error('train: already training');
  training = true;
  stopRequested = false;
  const ms: number[] = [];
  let accuracy = NaN, steps = 0, last = performance.now();
  try {
    const run = fitOneCycle(model, data.train, data.valid, msg.fit);
    for (let r = run.next(); !r.done; r = run.next()) {
      const e: FitEvent = r.value;
      post(e);
      if (e.kind === 'batch') { ms.push(e.ms); steps = e.step; } else accuracy = e.accuracy;
      if (performance.now() - last > SLICE_MS) {
        await turn();
        last = performance.now();
      }
      if (stopRequested) break;
    }
    if (stopRequested) accuracy = evaluate(model, data.valid).accuracy;
  } finally {
    training = false;
  }
  post({ type: 'done', accuracy, steps, stepMsMedian: median(ms.slice(Math.min(5, ms.length - 1))), stopped: stopRequested, workerShare: workerShare() });
}

function predict(id: number, pixels: Float32Array): void {
  if (!model) throw new Error('predict: no model yet');
  const x = normalizeImages(Tensor.fromData(pixels, [1, 1, 28, 28]));
  const probs = Array.from(predictProbs(model, x).dataSync());
  post({ type: 'prediction', id, probs });
}

function load(bytes: Uint8Array, name: string): void {
  if (!model || !data) throw new Error('load: the worker is not initialised');
  if (training) throw new Error('load: stop training first');
  const { tensors, metadata } = deserializeSafetensors(bytes, name);
  noGrad(() => model!.loadStateDict(tensors));
  post({ type: 'loaded', name, accuracy: evaluate(model, data.valid).accuracy, metadata });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': return init(msg.backend, msg.seed);
    case 'train': return train(msg);
    case 'stop': stopRequested = true; return;
    case 'predict': return predict(msg.id, msg.pixels);
    case 'save': {
      if (!model) throw new Error('save: no model yet');
      const bytes = serializeSafetensors(model.stateDict(), { ...MODEL_METADATA, trainedWith: `browser, ${getBackend().name}` });
      return post({ type: 'saved', bytes }, [bytes.buffer]);
    }
    case 'load': return load(msg.bytes, msg.name);
    case 'reset': {
      if (training) throw new Error('reset: stop training first');
      model = seeded(msg.seed, simpleCnn);
      return;
    }
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
};
