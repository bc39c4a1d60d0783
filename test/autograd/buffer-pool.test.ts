// Backward gives the gradient buffers it made and consumed back to a pool, and the next
// allocations of the same size reuse them. Training gives the same numbers with the pool on and
// off, and with every reused buffer poisoned with NaN (so no op reads an element it did not
// write), on every backend.
import { Conv2d, F, Flatten, Linear, ReLU, Sequential, type AnyModule } from '@groundup/nn';
import { SGD } from '@groundup/optim';
import { emptyBufferPool, manualSeed, pooledBytes, randn, setBufferPoolPoison, tensor, Generator, unfold, type Tensor } from '@groundup/tensor';
import * as assert from 'uvu/assert';
import { describeBackends } from '../helpers/backends.ts';

function train(poolOn: boolean, poison: boolean): number[] {
  emptyBufferPool(poolOn ? 64 * 1024 * 1024 : 0);
  setBufferPoolPoison(poison);
  try {
    manualSeed(3);
    const cnn: AnyModule = new Sequential(new Conv2d(1, 8, 3, { stride: 1, padding: 1 }), new ReLU(), new Conv2d(8, 4, 3, { stride: 2, padding: 1 }), new ReLU(), new Flatten(), new Linear(4 * 7 * 7, 3));
    const opt = new SGD(cnn.parameters(), { lr: 0.05, momentum: 0.9 });
    const gen = new Generator(11);
    const x = randn([16, 1, 14, 14], { generator: gen }), y = tensor(Array.from({ length: 16 }, (_, i) => i % 3), { dtype: 'int32' });
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const out = cnn.call(x) as Tensor;
      // unfold's backward (col2im) needs a zeroed buffer: exercise it too.
      const extra = unfold(x.mul(out.mean()), 3, { padding: 1 }).square().mean();
      const loss = F.crossEntropy(out, y).add(extra);
      loss.backward();
      opt.step();
      opt.zeroGrad();
      losses.push(loss.item());
    }
    for (const p of cnn.parameters()) losses.push(...(p.dataSync() as Float32Array).slice(0, 5));
    return losses;
  } finally {
    setBufferPoolPoison(false);
    emptyBufferPool(64 * 1024 * 1024);
  }
}

describeBackends('buffer pool', (test) => {
  test('training gives the same numbers with the pool off, on, and on with poisoned buffers', () => {
    const off = train(false, false), on = train(true, false), poisoned = train(true, true);
    assert.ok(off.every(Number.isFinite));
    assert.equal(on, off);
    assert.equal(poisoned, off);
  });

  test('backward writes elementwise gradients in place and returns buffers it added into .grad to the pool', () => {
    emptyBufferPool();
    const w = randn([64, 256]).requiresGrad_();
    const g = randn([64, 256]);
    w.mul(2).relu().mul(3).backward(g);
    // mul, relu, mul: each backward wrote into the buffer it received, and w took the last as its .grad.
    assert.is(pooledBytes(), 0);
    const first = w.grad!;
    w.mul(2).relu().mul(3).backward(g);
    assert.is(w.grad, first);
    assert.is(pooledBytes(), 64 * 256 * 4, 'the second gradient, added into .grad, came back');
    emptyBufferPool();
  });
});
