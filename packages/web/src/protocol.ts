// Messages between the page (main.ts) and the training worker (worker.ts).
import type { BatchEvent, EpochEvent, FitOptions } from './fit.ts';

export type BackendChoice = 'auto' | 'wasm-mt' | 'wasm' | 'js';

export type ToWorker =
  | { type: 'init'; backend: BackendChoice; seed: number }
  | { type: 'train'; fit: FitOptions }
  | { type: 'stop' }
  /** pixels: 784 floats in 0..1, ink = 1, as MNIST */
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; name: string }
  | { type: 'reset'; seed: number };

export interface BackendInfo {
  name: string;
  describe: string;
  threads: number;
  crossOriginIsolated: boolean;
  /** why the backends before it were passed over */
  skipped: string[];
}

export type FromWorker =
  | { type: 'ready'; backend: BackendInfo; train: number; valid: number; loadMs: number }
  | BatchEvent
  | EpochEvent
  /** workerShare: of wasm-mt's threaded chunks so far, the fraction its workers took (null on other backends) */
  | { type: 'done'; accuracy: number; steps: number; stepMsMedian: number; stopped: boolean; workerShare: number | null }
  | { type: 'prediction'; id: number; probs: number[] }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'loaded'; name: string; accuracy: number; metadata: Record<string, string> | null }
  | { type: 'error'; message: string };
