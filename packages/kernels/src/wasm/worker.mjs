// A wasm-mt worker thread in Node: its data comes as workerData; the thread ends when the loop
// retires.
import { workerData } from 'node:worker_threads';
import { serve } from './worker-loop.mjs';

serve(workerData);
