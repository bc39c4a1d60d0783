// A wasm-mt Web Worker: its data comes in the first message; it closes when the loop retires.
import { serve } from './worker-loop.mjs';

self.onmessage = (e) => {
  self.onmessage = null;
  serve(e.data);
  self.close();
};
