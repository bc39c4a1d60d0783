// Runs a job's chunks on the main thread and, for wasm-mt, on worker threads (worker_threads in
// Node, Web Workers in a browser: see thread.ts) that share the arena's memory. The Kernels
// interface is synchronous, so the main thread takes chunks itself and then blocks
// (Atomics.wait) until the workers' chunks are done.
//
// Control block (i32 words at CTRL), the only channel between threads:
//   TICKET  gen << 16 | next chunk — a new gen announces a job; CAS on it hands out chunks;
//           next = CLOSED once the job is done, so a late worker cannot take a chunk of the
//           old gen while the main thread writes the next job's parameters
//   NCHUNKS, DONE, JOB (index into jobNames), PARAMS (byte offset of the parameter block),
//   ERROR (a worker's chunk threw: the job fails on the main thread)
//   STATE + tid: 0 no worker, 1 starting, 2 running — workers clear it when they retire
// Workers start lazily on the first threaded job, never keep a Node script alive (unref'd), and
// retire after IDLE_MS without work (the next job starts them again).
import { startWorker, threadsProblem } from '#wasm-thread';
import { envVar, notice } from '../environment.ts';
import { jobNames, type JobName, type WasmExports, type WasmModule } from './api.ts';
import { CTRL, type Arena } from './arena.ts';

const TICKET = 0, NCHUNKS = 1, DONE = 2, JOB = 3, PARAMS = 4, ERROR = 5, STATE = 8;
const CLOSED = 0xffff;
export const MAX_THREADS = 32;
/** Workers retire after this long without a job; GROUNDUP_WASM_IDLE_MS overrides. */
const IDLE_MS = Number(envVar('GROUNDUP_WASM_IDLE_MS')) || 2000;
/** Loads of DONE the main thread polls before it sleeps in Atomics.wait (a futex wake costs tens of µs). */
const SPIN = 20000;
/**
 * How long an idle worker polls for the next job before it sleeps: calls in a loop usually come
 * back within this, and then skip the futex wake (tens of µs, more on a busy VM).
 */
const WORKER_SPIN_US = Number(envVar('GROUNDUP_WASM_SPIN_US') ?? 500);

export class Pool {
  private gen = 0;
  /** Keeps the Worker objects referenced. */
  private readonly workers: (object | null)[] = [];
  /** Set when a worker failed to start or crashed: the pool goes on with the main thread alone. */
  private broken = false;
  /** Threaded jobs run, and how many of their chunks the workers took (tests, benchmarks). */
  readonly stats = { jobs: 0, chunks: 0, workerChunks: 0 };

  constructor(readonly threads: number, private readonly arena: Arena, private readonly exports: WasmExports,
    private readonly module: WasmModule, private readonly idleMs = IDLE_MS) {
    if (threads < 1 || threads > MAX_THREADS) throw new RangeError(`threads must be 1..${MAX_THREADS}, got ${threads}`);
    const problem = threads > 1 ? threadsProblem() : null;
    if (problem) throw new RangeError(`wasm-mt: ${threads} threads are not possible here: ${problem}`);
  }

  private get ctrl(): Int32Array {
    return new Int32Array(this.arena.memory.buffer, CTRL, STATE + MAX_THREADS);
  }

  /** Workers whose thread is starting or running (tests, `pnpm backends`). */
  liveWorkers(): number {
    const c = this.ctrl;
    let n = 0;
    for (let t = 1; t < this.threads; t++) if (Atomics.load(c, STATE + t) !== 0) n++;
    return n;
  }

  /** Starts a worker for every thread slot whose worker is absent or has retired. */
  private ensureWorkers(c: Int32Array): void {
    if (this.broken) return;
    for (let tid = 1; tid < this.threads; tid++) {
      if (Atomics.compareExchange(c, STATE + tid, 0, 1) !== 0) continue;
      const data = { module: this.module, memory: this.arena.memory, ctrl: CTRL, tid, idleMs: this.idleMs, spinUs: WORKER_SPIN_US, jobNames };
      this.workers[tid] = startWorker(data, (e: Error) => {
        Atomics.store(c, STATE + tid, 0);
        if (!this.broken) notice(`groundup: wasm-mt worker ${tid} failed (${e.message}); continuing on the main thread`);
        this.broken = true;
      });
    }
  }

  /**
   * Runs chunks 0..nChunks-1 of job, each as exports[job](params, chunk, tid). parallel=false keeps
   * it on the main thread (tid 0); otherwise tid < threads, and the job's scratch must cover them all.
   */
  run(job: JobName, params: number, nChunks: number, parallel = true): void {
    const f = this.exports[job];
    if (!parallel || this.threads === 1 || nChunks <= 1) {
      for (let i = 0; i < nChunks; i++) f(params, i, 0);
      return;
    }
    if (nChunks >= CLOSED) throw new RangeError(`a job has at most ${CLOSED - 1} chunks, got ${nChunks}`);
    const c = this.ctrl;
    this.ensureWorkers(c);
    c[JOB] = jobNames.indexOf(job);
    c[PARAMS] = params;
    c[NCHUNKS] = nChunks;
    c[ERROR] = 0;
    Atomics.store(c, DONE, 0);
    this.gen = (this.gen + 1) & 0x7fff;
    Atomics.store(c, TICKET, this.gen << 16);
    Atomics.notify(c, TICKET);
    // take chunks like any worker
    let failure: unknown = null, mine = 0;
    for (;;) {
      const t = Atomics.load(c, TICKET);
      const i = t & 0xffff;
      if (i >= nChunks) break;
      if (Atomics.compareExchange(c, TICKET, t, t + 1) !== t) continue;
      try {
        f(params, i, 0);
      } catch (e) {
        failure ??= e;
      }
      Atomics.add(c, DONE, 1);
      mine++;
    }
    // the workers' chunks must finish before this returns (or throws): they write our operands
    for (let spin = 0; ; spin++) {
      const d = Atomics.load(c, DONE);
      if (d >= nChunks) break;
      if (spin > SPIN) Atomics.wait(c, DONE, d, 100);
    }
    Atomics.store(c, TICKET, (this.gen << 16) | CLOSED);
    this.stats.jobs++;
    this.stats.chunks += nChunks;
    this.stats.workerChunks += nChunks - mine;
    if (failure) throw failure;
    if (c[ERROR]) throw new Error(`wasm-mt: a worker failed in ${job}`);
  }
}
