// tfjs peers: tfjs:cpu (@tensorflow/tfjs-core + tfjs-backend-cpu), tfjs:wasm (tfjs-backend-wasm),
// and tfjs:node, which cannot be installed here and so only says why.
import type * as TfCore from '@tensorflow/tfjs-core';
import { randomArray } from '../lib/data.ts';
import { convOut } from '../lib/flops.ts';
import type { Prepared, Runner } from '../lib/measure.ts';
import type { BenchCase, ConvCase, GemmCase, OverheadCase } from '../lib/types.ts';
import type { InProcessImpl } from '../suites/suite.ts';
import { loadTf, loadTfBackend, type Tf, type TfBackendName } from './tfjs-load.ts';
import { prepareTfjsTrain } from './tfjs-train.ts';

const tfjsNodeReason = '@tensorflow/tfjs-node is not installed: its install script downloads libtensorflow 2.9.1 from storage.googleapis.com, which an offline install cannot reach';

function gemmRunner(tf: Tf, c: GemmCase): Runner {
  const a = tf.tensor2d(randomArray(c.m * c.k, 1), c.transA ? [c.k, c.m] : [c.m, c.k]);
  const b = tf.tensor2d(randomArray(c.k * c.n, 2), c.transB ? [c.n, c.k] : [c.k, c.n]);
  return {
    threads: 1,
    run: () => { const out = tf.matMul(a, b, c.transA, c.transB); out.dataSync(); out.dispose(); },
    leave: () => { a.dispose(); b.dispose(); },
  };
}

function convRunner(tf: Tf, backend: TfBackendName, c: ConvCase): Prepared | null {
  if (c.mode === 'im2col') return null;
  if (c.mode === 'fwd+bwd') {
    const missing = ['Conv2DBackpropInput', 'Conv2DBackpropFilter'].filter((k) => !tf.getKernel(k, backend));
    if (missing.length) return { skipped: `tfjs backend '${backend}' has no ${missing.join(' / ')} kernel`, threads: 1 };
  }
  const { outH, outW } = convOut(c);
  // tfjs's layout: NHWC input, HWIO filter.
  const x = tf.tensor4d(randomArray(c.n * c.h * c.w * c.c, 1), [c.n, c.h, c.w, c.c]);
  const filter = tf.tensor4d(randomArray(c.kh * c.kw * c.c * c.o, 2), [c.kh, c.kw, c.c, c.o]);
  const bias = tf.tensor1d(randomArray(c.o, 3));
  const dy = tf.tensor4d(randomArray(c.n * outH * outW * c.o, 4), [c.n, outH, outW, c.o]);
  const conv = (xx: TfCore.Tensor, ff: TfCore.Tensor, bb: TfCore.Tensor): TfCore.Tensor =>
    tf.fused.conv2d({ x: xx as TfCore.Tensor4D, filter: ff as TfCore.Tensor4D, bias: bb, strides: c.stride, pad: c.pad });
  const grads = tf.grads(conv);
  const leave = (): void => { for (const t of [x, filter, bias, dy]) t.dispose(); };
  if (c.mode === 'fwd') return { threads: 1, leave, run: () => { const y = conv(x, filter, bias); y.dataSync(); y.dispose(); } };
  return {
    threads: 1,
    leave,
    note: 'NHWC; forward inside tf.grads',
    run: () => { for (const g of grads([x, filter, bias], dy)) { g.dataSync(); g.dispose(); } },
  };
}

function overheadRunner(tf: Tf, c: OverheadCase): Runner {
  const a = tf.tensor1d(randomArray(c.size, 1)), b = tf.tensor1d(randomArray(c.size, 2)), s = tf.fill([c.size], 0.5);
  const leave = (): void => { for (const t of [a, b, s]) t.dispose(); };
  if (c.op === 'add') return { threads: 1, leave, run: () => { tf.add(a, b).dispose(); } };
  return {
    threads: 1,
    leave,
    run: () => {
      tf.tidy(() => {
        let x: TfCore.Tensor = a;
        for (let i = 0; i < c.ops / 2; i++) x = tf.add(tf.mul(x, s), b);
        return x;
      }).dispose();
    },
  };
}

function tfjsImpl(impl: string, backend: TfBackendName, missingReason?: string): InProcessImpl {
  return {
    impl,
    prepare: async (c: BenchCase): Promise<Prepared | null> => {
      if ((c.kind === 'conv' && c.mode === 'im2col') || c.kind === 'rnn') return null;
      const ok = await loadTfBackend(backend);
      if (ok !== true) return { skipped: missingReason && ok.includes('not installed') ? missingReason : ok };
      const t = await loadTf();
      if ('reason' in t) return { skipped: t.reason };
      const tf = t.tf;
      await tf.setBackend(backend);
      const runner = c.kind === 'gemm' ? gemmRunner(tf, c)
        : c.kind === 'conv' ? convRunner(tf, backend, c)
        : c.kind === 'overhead' ? overheadRunner(tf, c)
        : c.kind === 'train' ? prepareTfjsTrain(tf, backend, c)
        : null;
      if (runner === null || 'skipped' in runner) return runner;
      return { ...runner, enter: async () => { await tf.setBackend(backend); } };
    },
  };
}

/** tfjs:cpu and tfjs:wasm (one thread each in Node), and (withNode) tfjs:node's explained absence. */
export function tfjsImpls(withNode = true): InProcessImpl[] {
  const impls = [tfjsImpl('tfjs:cpu', 'cpu'), tfjsImpl('tfjs:wasm', 'wasm')];
  return withNode ? [...impls, tfjsImpl('tfjs:node', 'tensorflow', tfjsNodeReason)] : impls;
}
