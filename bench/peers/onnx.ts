// onnxruntime-node peers: onnxruntime:1t and onnxruntime:2t (intraOpNumThreads), running
// hand-encoded single-node models (MatMul/Gemm, Conv, Add). Inference only: no backward rows.
import os from 'node:os';
import type * as Ort from 'onnxruntime-node';
import { randomArray } from '../lib/data.ts';
import { convOut } from '../lib/flops.ts';
import type { Prepared } from '../lib/measure.ts';
import { importOptional } from '../lib/optional.ts';
import type { BenchCase } from '../lib/types.ts';
import type { InProcessImpl } from '../suites/suite.ts';
import { addModel, convModel, gemmModel } from './onnx-model.ts';

type OrtModule = typeof Ort;
let loading: Promise<OrtModule | string> | null = null;

function loadOrt(): Promise<OrtModule | string> {
  loading ??= importOptional('onnxruntime-node').then((m) => {
    if (!m.ok) return m.reason;
    const mod = (m.mod.InferenceSession ? m.mod : m.mod.default) as OrtModule;
    return mod?.InferenceSession ? mod : 'onnxruntime-node loaded but exports no InferenceSession';
  });
  return loading;
}

interface OrtCase { model: Uint8Array; feeds: Record<string, { data: Float32Array; dims: number[] }> }

function ortCase(c: BenchCase): OrtCase | null {
  switch (c.kind) {
    case 'gemm':
      return {
        model: gemmModel(c.m, c.n, c.k, c.transA, c.transB),
        feeds: {
          A: { data: randomArray(c.m * c.k, 1), dims: c.transA ? [c.k, c.m] : [c.m, c.k] },
          B: { data: randomArray(c.k * c.n, 2), dims: c.transB ? [c.n, c.k] : [c.k, c.n] },
        },
      };
    case 'conv': {
      if (c.mode !== 'fwd') return null;
      const { outH, outW } = convOut(c);
      return {
        model: convModel({ ...c, outH, outW }),
        feeds: {
          X: { data: randomArray(c.n * c.c * c.h * c.w, 1), dims: [c.n, c.c, c.h, c.w] },
          W: { data: randomArray(c.o * c.c * c.kh * c.kw, 2), dims: [c.o, c.c, c.kh, c.kw] },
          B: { data: randomArray(c.o, 3), dims: [c.o] },
        },
      };
    }
    case 'overhead':
      if (c.op !== 'add') return null;
      return { model: addModel(c.size), feeds: { A: { data: randomArray(c.size, 1), dims: [c.size] }, B: { data: randomArray(c.size, 2), dims: [c.size] } } };
    default:
      return null;
  }
}

function ortImpl(threads: number): InProcessImpl {
  return {
    impl: `onnxruntime:${threads}t`,
    prepare: async (c: BenchCase): Promise<Prepared | null> => {
      const spec = ortCase(c);
      if (!spec) return null;
      const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
      if (threads > cores) return { skipped: `${threads} threads asked, this machine has ${cores} core(s)`, threads };
      const ort = await loadOrt();
      if (typeof ort === 'string') return { skipped: ort, threads };
      const session = await ort.InferenceSession.create(spec.model, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        executionProviders: ['cpu'],
      });
      const feeds: Record<string, Ort.Tensor> = {};
      for (const [name, f] of Object.entries(spec.feeds)) feeds[name] = new ort.Tensor('float32', f.data, f.dims);
      return {
        threads,
        run: async () => { await session.run(feeds); },
        leave: async () => { await session.release(); },
      };
    },
  };
}

export function onnxImpls(): InProcessImpl[] {
  return [ortImpl(1), ortImpl(2)];
}
