// The shapes every part of the bench shares: the cases a suite times, and the rows it reports.

export type SuiteName = 'gemm' | 'conv2d' | 'train-step' | 'overhead' | 'rnn' | 'memory';
export const suiteNames: readonly SuiteName[] = ['gemm', 'conv2d', 'train-step', 'overhead', 'rnn', 'memory'];

/** C[m,n] = op(A) · op(B), op(A) m×k, op(B) k×n; A stored k×m when transA, B stored n×k when transB. */
export interface GemmCase {
  kind: 'gemm';
  id: string;
  m: number; n: number; k: number;
  transA: boolean; transB: boolean;
}

/** A 2-D convolution (NCHW, OIHW, groups 1) timed forward, forward + both backward kernels, or im2col alone. */
export interface ConvCase {
  kind: 'conv';
  id: string;
  mode: 'fwd' | 'fwd+bwd' | 'im2col';
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  stride: number; pad: number;
}

/** One SGD step (forward, loss, backward, update, zero grads) of a book model. */
export interface TrainCase {
  kind: 'train';
  id: string;
  model: 'simple_cnn' | 'simple_net';
  batch: number;
}

/** Framework per-op cost: one add on tiny tensors, or a chain of elementwise ops. */
export interface OverheadCase {
  kind: 'overhead';
  id: string;
  op: 'add' | 'chain';
  size: number;
  /** Ops per call (1 for add; 100 for the chain). */
  ops: number;
}

/**
 * fastai ch12's LMModel6 (embedding, a stacked LSTM with its state carried across batches, a linear
 * head; flattened cross entropy; Adam): `batches` training steps of [batch, seqLen] tokens, then
 * `validBatches` evaluation forwards; one step (1, 0) or one Human Numbers epoch (49, 12).
 */
export interface RnnTrainCase {
  kind: 'rnn';
  id: string;
  vocab: number; hidden: number; layers: number;
  batch: number; seqLen: number;
  batches: number; validBatches: number;
}

/** Peak resident memory of a process that runs `steps` train steps of a model. */
export interface MemoryCase {
  kind: 'memory';
  id: string;
  model: 'simple_cnn';
  steps: number;
}

export type BenchCase = GemmCase | ConvCase | TrainCase | OverheadCase | RnnTrainCase | MemoryCase;

/** One line of results. A row that could not run has ms null and says why in `skipped`. */
export interface Row {
  suite: SuiteName;
  case: string;
  impl: string;
  threads: number | null;
  /** Median time of one call, in milliseconds (memory rows: the mean time of one step). */
  ms: number | null;
  /** Memory rows: peak resident set size of the process, and its size before the model was built, in MiB. */
  peakRssMB?: number;
  baseRssMB?: number;
  /** FLOPs of the case (its GEMM form for conv) over the median time; null where FLOPs mean nothing. */
  gflops: number | null;
  /** Interquartile range over the median (0.05 = 5 %). */
  spread: number | null;
  samples: number;
  /** Speed ratio to each peer on the same case: peer ms / this ms (> 1: this row is faster). Groundup rows only. */
  ratioTo?: Record<string, number>;
  /** Why the row has no time. */
  skipped?: string;
  /** What a reader should know about the number (e.g. a kernel that falls back to js). */
  note?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  /** 1-minute load average when the run started and when it ended: above `cores`, other work competed for the CPU. */
  load: [number, number];
}

export interface BenchResults {
  schema: 1;
  date: string;
  mode: 'quick' | 'full' | 'smoke';
  suites: SuiteName[];
  machine: Machine;
  /** Versions of groundup and the peers, as found at run time. */
  versions: Record<string, string>;
  /** How long the whole run took, in seconds. */
  seconds: number;
  rows: Row[];
}

/** How hard to measure: warm-up, then samples until both minSamples and maxTime are reached. */
export interface Budget {
  quick: boolean;
  /** Seconds per (case, implementation) once warm. */
  maxTime: number;
  minSamples: number;
}

export const isGroundup = (impl: string): boolean => impl.startsWith('groundup');
