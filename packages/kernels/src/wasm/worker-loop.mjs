// The loop of a wasm-mt worker, shared by Node (worker.mjs) and browsers (worker.browser.mjs):
// instantiates the shared module over the shared memory and takes chunks of each job the pool
// announces (see pool.ts for the control block). Plain JS, so that it starts without tsx.
const TICKET = 0, NCHUNKS = 1, DONE = 2, JOB = 3, PARAMS = 4, ERROR = 5, STATE = 8;

/** Serves jobs until idle for idleMs, then returns (the caller ends the thread). */
export function serve({ module, memory, ctrl, tid, idleMs, spinUs, jobNames }) {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const jobs = jobNames.map((name) => exports[name]);
  const c = new Int32Array(memory.buffer, ctrl, STATE + 32);
  Atomics.store(c, STATE + tid, 2);

  /** Takes chunks of the job with this gen until none are left; returns the last ticket seen. */
  function work(gen) {
    for (;;) {
      const t = Atomics.load(c, TICKET);
      if (t >>> 16 !== gen) return t;
      // an untaken chunk below NCHUNKS means the job is still open, so its parameters hold
      const n = Atomics.load(c, NCHUNKS), i = t & 0xffff;
      if (i >= n) return t;
      if (Atomics.compareExchange(c, TICKET, t, t + 1) !== t) continue;
      try {
        jobs[Atomics.load(c, JOB)](Atomics.load(c, PARAMS), i, tid);
      } catch {
        Atomics.store(c, ERROR, 1); // the main thread reports it; this worker keeps serving
      }
      if (Atomics.add(c, DONE, 1) + 1 === n) Atomics.notify(c, DONE);
    }
  }

  let seen = work(Atomics.load(c, TICKET) >>> 16);
  for (;;) {
    let t = Atomics.load(c, TICKET);
    // poll for spinUs before sleeping: the next call of a loop usually comes sooner
    const until = performance.now() + spinUs / 1000;
    for (let s = 1; t === seen; s++) {
      if ((s & 1023) === 0 && performance.now() > until) break;
      t = Atomics.load(c, TICKET);
    }
    if (t === seen) {
      if (Atomics.wait(c, TICKET, seen, idleMs) === 'timed-out') break;
      t = Atomics.load(c, TICKET);
    }
    seen = work(t >>> 16);
  }
  Atomics.store(c, STATE + tid, 0); // retire: the pool starts a new worker for this slot when needed
}
