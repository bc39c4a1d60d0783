// CUDA tensors against the CPU beyond the elementwise records: reductions, matmul, conv2d, the
// index ops and losses (forward and gradients), creation with {device}, Module.to keeping its
// Parameters, whole SGD and Adam training steps (an MLP and ch13's simple_cnn) matching the CPU's
// losses, learn.to('cuda'), and the memory functions. Skips with the reason where CUDA is not available.
import { cat, stack, maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, batchNorm, conv2d, randnLike, zerosLike, cuda, crossEntropy, DeviceError, DTypeError, embedding, full, gather, Generator, IndexError, manualSeed, nllLoss, ones, randint, randn, tensor, zeros, type Tensor } from '@groundup/tensor';
import { Conv2d, F, Flatten, Linear, ReLU, Sequential, Embedding, LSTM, GRU, RNN } from '@groundup/nn';
import { Adam, SGD } from '@groundup/optim';
import * as assert from 'uvu/assert';
import v8 from 'node:v8';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { throwsNamed } from '../helpers/assert.ts';
import { accuracy, Learner } from '@groundup/learner';
import { toyData, toyModel } from '../learner/helpers/toy.ts';
import { assertClose, deviceSuite } from './helpers.ts';

const gen = new Generator(7);
const R = (...s: number[]): Tensor => randn(s, { generator: gen });

/** f on cpu leaves and on cuda copies: the result and every input's gradient agree. */
function sameGrads(what: string, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor, rtol = 1e-5): void {
  const cpu = inputs.map((t) => t.clone().requiresGrad_());
  const dev = inputs.map((t) => t.cuda().requiresGrad_());
  const a = f(...cpu), b = f(...dev);
  assert.is(b.device, 'cuda', `${what}: result on cuda`);
  assertClose(b.cpu(), a, `${what} forward`, rtol, 1e-6);
  const g = R(...a.shape);
  a.backward(g);
  b.backward(g.cuda());
  cpu.forEach((t, i) => {
    assert.is(dev[i]!.grad!.device, 'cuda', `${what}: grad ${i} on cuda`);
    assertClose(dev[i]!.grad!.cpu(), t.grad!, `${what} grad ${i}`, rtol, 1e-6);
  });
}

deviceSuite('cuda: reductions, matmul, conv2d, index ops and losses', (test) => {
  test('sum, mean, var, logsumexp, max over dims, with keepdim, and their gradients', () => {
    const x = R(3, 4, 5);
    for (const d of [0, 1, 2, [0, 2], [1, 2], undefined] as const) {
      sameGrads(`sum ${String(d)}`, [x], (t) => t.sum(d as number));
      sameGrads(`mean ${String(d)} keepdim`, [x], (t) => t.mean(d as number, true));
    }
    sameGrads('var', [x], (t) => t.var(1));
    sameGrads('std', [x], (t) => t.std([0, 2]));
    sameGrads('logsumexp', [x], (t) => t.logsumexp(2));
    sameGrads('softmax', [x], (t) => t.softmax(1));
    sameGrads('logSoftmax', [x], (t) => t.logSoftmax(-1));
    sameGrads('max over a dim', [x], (t) => t.max(1).values);
    sameGrads('max of all', [x], (t) => t.max());
    assertClose(x.cuda().argmax(1).cpu(), x.argmax(1), 'argmax');
    assertClose(x.cuda().argmin().cpu(), x.argmin(), 'argmin of all');
    assertClose(x.cuda().gt(0).sum().cpu(), x.gt(0).sum(), 'count of a bool tensor (int32)');
    assertClose(x.cuda().gt(0).any(1).cpu(), x.gt(0).any(1), 'any');
    assertClose(x.cuda().gt(-3).all().cpu(), x.gt(-3).all(), 'all');
    // Long rows (≥ 4096, innermost) take the shared-memory tree kernel.
    const long = R(3, 5000);
    sameGrads('sum of long rows', [long], (t) => t.sum(1));
    sameGrads('sum of everything (one long row)', [long], (t) => t.sum(), 1e-5);
  });
  test('matmul: 2-D, transposed views, batched with broadcasting, vectors, k = 0', () => {
    sameGrads('2-D', [R(5, 7), R(7, 3)], (a, b) => a.matmul(b));
    sameGrads('transposed operands', [R(7, 5), R(3, 7)], (a, b) => a.t().matmul(b.t()));
    sameGrads('batched broadcast', [R(2, 1, 4, 6), R(3, 6, 5)], (a, b) => a.matmul(b));
    sameGrads('vector', [R(6), R(6, 2)], (a, b) => a.matmul(b));
    sameGrads('whole tiles: operands read and written in place', [R(128, 16), R(16, 128)], (a, b) => a.matmul(b));
    sameGrads('whole tiles, batched, transposed A', [R(2, 8, 128), R(2, 8, 256)], (a, b) => a.transpose(1, 2).matmul(b));
    assertClose(zeros([3, 0]).cuda().matmul(zeros([0, 4]).cuda()).cpu(), zeros([3, 4]), 'k = 0 gives zeros');
    throwsNamed(() => R(2, 3).cuda().double().matmul(R(3, 2).cuda().double()), DTypeError, /float32/);
  });
  test('conv2d with bias, stride and padding; its fused ReLU; all three gradients', () => {
    sameGrads('conv2d', [R(2, 3, 9, 8), R(4, 3, 3, 3), R(4)], (x, w, b) => x.conv2d(w, b, { stride: 2, padding: 1 }));
    sameGrads('conv2d 1×1', [R(2, 5, 4, 4), R(3, 5, 1, 1), R(3)], (x, w, b) => x.conv2d(w, b));
    sameGrads('conv2d + relu', [R(2, 2, 6, 6), R(3, 2, 3, 3), R(3)], (x, w, b) => conv2d(x, w, b, { padding: 1, activation: 'relu' }));
  });
  test('gather, indexSelect, embedding and their gradients; indices checked on the device', () => {
    const idx = randint(0, 5, [4, 3], { generator: gen });
    sameGrads('gather', [R(4, 5)], (t) => gather(t, 1, t.device === 'cuda' ? idx.cuda() : idx));
    const rows = tensor([2, 0, 2, 4], { dtype: 'int32' });
    sameGrads('indexSelect', [R(5, 3)], (t) => t.indexSelect(0, t.device === 'cuda' ? rows.cuda() : rows));
    const words = tensor([[1, 3], [3, 0]], { dtype: 'int32' });
    sameGrads('embedding', [R(5, 4)], (w) => embedding(w.device === 'cuda' ? words.cuda() : words, w, { paddingIdx: 0 }));
    throwsNamed(() => gather(R(2, 3).cuda(), 1, tensor([[0, 3, 1], [0, 0, 0]], { dtype: 'int32' }).cuda()), IndexError, /3 is out of bounds/);
    assert.ok(IndexError);
  });
  test('crossEntropy and nllLoss: reductions, class weights, ignoreIndex, label smoothing, images', () => {
    const y = tensor([1, 0, 4, 2, 4, 3], { dtype: 'int32' });
    const yc = y.cuda();
    const pick = (t: Tensor): Tensor => (t.device === 'cuda' ? yc : y);
    const w = tensor([1, 2, 0.5, 1, 3]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      sameGrads(`crossEntropy ${reduction}`, [R(6, 5)], (x) => crossEntropy(x, pick(x), { reduction }));
      sameGrads(`crossEntropy weighted ${reduction}`, [R(6, 5)], (x) => crossEntropy(x, pick(x), { reduction, weight: x.device === 'cuda' ? w.cuda() : w }));
    }
    sameGrads('crossEntropy ignoreIndex', [R(6, 5)], (x) => crossEntropy(x, pick(x), { ignoreIndex: 4 }));
    sameGrads('crossEntropy labelSmoothing', [R(6, 5)], (x) => crossEntropy(x, pick(x), { labelSmoothing: 0.1 }));
    sameGrads('nllLoss', [R(6, 5)], (x) => nllLoss(x.logSoftmax(1), pick(x)));
    const yi = randint(0, 3, [2, 4, 4], { generator: gen });
    sameGrads('crossEntropy over images', [R(2, 3, 4, 4)], (x) => crossEntropy(x, x.device === 'cuda' ? yi.cuda() : yi));
    throwsNamed(() => crossEntropy(R(6, 5).cuda(), y), DeviceError, /cuda and cpu/);
  });
});

deviceSuite('cuda: creation, modules, optimizers and training steps', (test) => {
  test('{device: "cuda"} on creation functions; *Like follows its tensor', () => {
    for (const t of [zeros([2, 3], { device: 'cuda' }), ones([4], { device: 'cuda' }), full([2], 7, { device: 'cuda', dtype: 'int32' }),
      randn([3, 3], { device: 'cuda' }), tensor([[1, 2]], { device: 'cuda' })]) assert.is(t.device, 'cuda');
    assert.equal(full([2], 7, { device: 'cuda', dtype: 'int32' }).toArray(), [7, 7]);
    manualSeed(3);
    const a = randn([5], { device: 'cuda' });
    manualSeed(3);
    assertClose(a.cpu(), randn([5]), 'randn on cuda draws the cpu numbers');
    assert.is(zerosLike(a).device, 'cuda');
    assert.is(randnLike(a).device, 'cuda');
  });
  test('Module.to moves parameters and buffers in place; Parameter objects and an optimizer built before stay valid', () => {
    const m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
    const before = m.parameters();
    const opt = new SGD(m.parameters(), { lr: 0.1 });
    m.to('cuda');
    const after = m.parameters();
    assert.ok(before.every((p, i) => p === after[i]), 'the same Parameter objects');
    assert.ok(after.every((p) => p.device === 'cuda'));
    crossEntropy(m.forward(R(5, 4).cuda()), tensor([0, 1, 1, 0, 1], { dtype: 'int32' }).cuda()).backward();
    opt.step();
    assert.ok(after.every((p) => p.grad!.device === 'cuda'));
    m.cpu();
    assert.ok(m.parameters().every((p) => p.device === 'cpu' && p.grad!.device === 'cpu'));
    throwsNamed(() => m.forward(R(5, 4).cuda()), DeviceError, /cuda and cpu/);
  });
  const models = {
    mlp: () => new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 10)),
    simple_cnn: () => new Sequential(new Conv2d(1, 4, 3, { stride: 2, padding: 1 }), new ReLU(), new Conv2d(4, 8, 3, { stride: 2, padding: 1 }), new ReLU(),
      new Conv2d(8, 16, 3, { stride: 2, padding: 1 }), new ReLU(), new Conv2d(16, 10, 3, { stride: 2, padding: 1 }), new Flatten()),
  };
  for (const [name, make] of Object.entries(models))
    for (const optName of ['SGD', 'Adam'] as const)
      test(`${name}: 6 ${optName} steps on cuda give the cpu's losses (1e-5 relative) and leave everything on the device`, () => {
        const run = (device: 'cpu' | 'cuda'): number[] => {
          manualSeed(0);
          const m = make();
          m.to(device);
          const opt = optName === 'SGD' ? new SGD(m.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }) : new Adam(m.parameters(), { lr: 1e-2 });
          manualSeed(1);
          const losses: number[] = [];
          for (let i = 0; i < 6; i++) {
            const x = name === 'mlp' ? randn([16, 20]) : randn([8, 1, 16, 16]);
            const y = randint(0, 10, [name === 'mlp' ? 16 : 8]);
            const loss = crossEntropy(m.forward(x.to(device)), y.to(device));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            losses.push(loss.item());
          }
          if (device === 'cuda') assert.ok(m.parameters().every((p) => p.device === 'cuda' && p.grad!.device === 'cuda'));
          return losses;
        };
        const cpu = run('cpu'), dev = run('cuda');
        cpu.forEach((l, i) => assert.ok(Math.abs(l - dev[i]!) <= 1e-5 * Math.abs(l), `step ${i}: cuda ${dev[i]} vs cpu ${l}`));
      });
  test('an Embedding model trains on cuda', () => {
    const m = new Sequential(new Embedding(10, 4), new Flatten(), new Linear(12, 3));
    m.cuda();
    const opt = new SGD(m.parameters(), { lr: 0.5 });
    const x = randint(0, 10, [8, 3]).cuda(), y = randint(0, 3, [8]).cuda();
    let first = 0, last = 0;
    for (let i = 0; i < 20; i++) {
      const loss = crossEntropy(m.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (i === 0) first = loss.item();
      last = loss.item();
    }
    assert.ok(last < first * 0.7, `loss ${first} → ${last}`);
  });
});

deviceSuite('cuda: memory functions', (test) => {
  const gc = (): void => {
    v8.setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  };
  test('memoryAllocated counts live tensors; a freed tensor goes back to the cache; emptyCache returns it', async () => {
    gc();
    await new Promise((r) => setImmediate(r));
    const base = cuda.memoryAllocated();
    let t: Tensor | null = zeros([1000], { device: 'cuda' });
    assert.ok(cuda.memoryAllocated() >= base + 4000, 'the block counts');
    assert.ok(cuda.maxMemoryAllocated() >= cuda.memoryAllocated());
    assert.is(t.device, 'cuda');
    t = null;
    gc();
    await new Promise((r) => setImmediate(r));
    assert.is(cuda.memoryAllocated(), base, 'collected → back to the cache');
    assert.ok(cuda.memoryReserved() > cuda.memoryAllocated());
    cuda.emptyCache();
    assert.is(cuda.memoryReserved(), cuda.memoryAllocated(), 'emptyCache returns the cached blocks');
    cuda.synchronize();
    assert.ok(cuda.isAvailable());
    assert.is(cuda.unavailableReason(), null);
    assert.type(cuda.getDeviceName(), 'string');
  });
  test('300 Adam steps of an MLP: memoryAllocated stays flat and cudaMalloc stops', async () => {
    const m = new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 10)).cuda();
    const opt = new Adam(m.parameters(), { lr: 1e-3 });
    const x = randn([64, 32], { device: 'cuda' }), y = randint(0, 10, [64], { device: 'cuda' });
    const step = (): void => {
      const loss = crossEntropy(m.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    };
    // Dead tensors give their blocks back when V8 collects them, so the cache first fills with one
    // collection cycle's worth of blocks (here 50 steps); after that cudaMalloc is not called again.
    const collect = async (): Promise<void> => { gc(); await new Promise((r) => setImmediate(r)); };
    for (let i = 0; i < 50; i++) step();
    await collect();
    for (let i = 0; i < 50; i++) step();
    await collect();
    const a0 = cuda.memoryAllocated(), m0 = cuda.memoryStats().cudaMallocs;
    for (let i = 0; i < 200; i++) {
      step();
      if (i % 50 === 49) await collect();
    }
    assert.is(cuda.memoryAllocated(), a0, 'allocated after 200 more steps (after collection) equals the warm value');
    const mallocs = cuda.memoryStats().cudaMallocs - m0;
    assert.ok(mallocs <= 4, `cudaMalloc calls in 200 warm steps: ${mallocs} (the first 100 steps made ${m0})`);
    console.log(`  (cudaMalloc: ${m0} in the first 100 steps, ${mallocs} in the next 200)`);
  });
  test('DeviceError names both devices', () => {
    throwsNamed(() => R(3).cuda().add(R(3)), DeviceError, /cuda and cpu/);
    assert.ok(DeviceError);
  });
});

deviceSuite('cuda: pooling, batchNorm and cat', (test) => {
  test('maxPool2d, avgPool2d (padding, ceilMode, countIncludePad), adaptive pooling: forward and gradient', () => {
    const x = R(2, 3, 7, 6);
    sameGrads('maxPool2d 2', [x], (t) => maxPool2d(t, 2));
    sameGrads('maxPool2d 3 s2 p1 ceil', [x], (t) => maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true }));
    sameGrads('avgPool2d 3 s2 p1', [x], (t) => avgPool2d(t, 3, { stride: 2, padding: 1 }));
    sameGrads('avgPool2d countIncludePad false', [x], (t) => avgPool2d(t, 3, { stride: 2, padding: 1, countIncludePad: false }));
    sameGrads('adaptiveAvgPool2d 1', [x], (t) => adaptiveAvgPool2d(t, 1));
    sameGrads('adaptiveMaxPool2d [3, 2]', [x], (t) => adaptiveMaxPool2d(t, [3, 2]));
  });
  test('batchNorm in training (running stats updated) and in eval, with weight and bias', () => {
    const x = R(4, 3, 5, 5), w = R(3), b = R(3);
    const rm = [zeros([3]), zeros([3]).cuda()], rv = [ones([3]), ones([3]).cuda()];
    sameGrads('batchNorm training', [x, w, b], (t, ww, bb) => {
      const i = t.device === 'cuda' ? 1 : 0;
      return batchNorm(t, rm[i]!, rv[i]!, ww, bb, { training: true, momentum: 0.1 });
    });
    assertClose(rm[1]!.cpu(), rm[0]!, 'running mean');
    assertClose(rv[1]!.cpu(), rv[0]!, 'running var');
    sameGrads('batchNorm eval', [x, w, b], (t, ww, bb) => {
      const i = t.device === 'cuda' ? 1 : 0;
      return batchNorm(t, rm[i]!, rv[i]!, ww, bb, { training: false });
    });
  });
  test('cat and stack on the device, with their gradients', () => {
    sameGrads('cat dim 1', [R(2, 3), R(2, 4)], (a, b) => cat([a, b], 1));
    sameGrads('stack dim 0', [R(2, 3), R(2, 3)], (a, b) => stack([a, b.t().t()], 0));
    throwsNamed(() => cat([R(2).cuda(), R(2)]), DeviceError, /cuda and cpu/);
  });
});

deviceSuite('cuda: advanced indexing and recurrent layers', (test) => {
  test('at with int tensors, lists and masks; setAt; indexPut_ with accumulate; their gradients', () => {
    const rows = tensor([2, 0, 2], { dtype: 'int32' });
    const on = (t: Tensor, i: Tensor): Tensor => (t.device === 'cuda' ? i.cuda() : i);
    sameGrads('at(rows)', [R(4, 3)], (t) => t.at(on(t, rows)));
    sameGrads('at(:, rows) on a view', [R(3, 4)], (t) => t.t().at(':', on(t, rows)));
    sameGrads('at(rows, rows)', [R(3, 3)], (t) => t.at(on(t, rows), on(t, rows)));
    const x = R(4, 5);
    sameGrads('at(mask)', [x], (t) => t.at(t.detach().gt(0)));
    const b = x.cuda();
    b.setAt([0, ':'], 1);
    b.setAt([':', 1], zeros([4]).cuda());
    assert.equal(b.at(0).toArray(), [1, 0, 1, 1, 1]);
    assert.equal(b.at(':', 1).toArray(), [0, 0, 0, 0]);
    const e = R(4, 3), f = e.cuda();
    e.setAt([tensor([0, 2], { dtype: 'int32' })], 5);
    f.setAt([tensor([0, 2], { dtype: 'int32' }).cuda()], 5);
    assertClose(f.cpu(), e, 'setAt through an int index (index_copy)');
    e.setAt([e.gt(1)], tensor(-1));
    f.setAt([f.gt(1)], tensor(-1));
    assertClose(f.cpu(), e, 'setAt through a mask');
    const c = zeros([3]), d = zeros([3]).cuda();
    c.indexPut_([tensor([0, 2, 0], { dtype: 'int32' })], tensor([1, 2, 3]), true);
    d.indexPut_([tensor([0, 2, 0], { dtype: 'int32' }).cuda()], tensor([1, 2, 3]).cuda(), true);
    assertClose(d.cpu(), c, 'indexPut_ accumulate: repeats add up');
    throwsNamed(() => x.cuda().at(tensor([5], { dtype: 'int32' }).cuda()), IndexError, /out of bounds/);
  });
  test('dropout and F.pad on the device', () => {
    manualSeed(9);
    const a = F.dropout(R(4, 6), 0.5);
    manualSeed(9);
    const b = F.dropout(R(4, 6).cuda(), 0.5);
    assert.is(b.device, 'cuda');
    assert.equal(b.cpu().eq(0).toArray(), a.eq(0).toArray(), 'the same mask');
    sameGrads('pad reflect', [R(1, 2, 4, 4)], (t) => F.pad(t, [1, 1, 2, 0], 'reflect'));
    sameGrads('pad constant', [R(2, 3)], (t) => F.pad(t, [1, 2], 'constant', 0.5));
  });
  test('LSTM, GRU and RNN layers run on the device with the cpu results', () => {
    for (const M of [LSTM, GRU, RNN]) {
      manualSeed(4);
      const m = new M(5, 3, { numLayers: 2, batchFirst: true });
      const x = R(2, 4, 5);
      const [ycpu] = m.call(x) as [Tensor, unknown];
      m.cuda();
      const [ydev] = m.call(x.cuda()) as [Tensor, unknown];
      assert.is(ydev.device, 'cuda');
      assertClose(ydev.cpu(), ycpu, `${M.name} output`, 1e-5, 1e-6);
      ydev.sum().backward();
      assert.ok(m.parameters().every((p) => p.grad?.device === 'cuda'), `${M.name} gradients on the device`);
    }
  });
});

deviceSuite('cuda: the Learner', (test) => {
  test("learn.to('cuda') trains on the device: the cpu's losses and accuracy, the model on cuda, getPreds on cuda", () => {
    const run = (device: 'cpu' | 'cuda'): { losses: number[]; acc: number; predsDevice: string } => {
      const learn = new Learner(toyData({ shuffle: false }), toyModel(5), { lossFunc: F.crossEntropy, progress: false, metrics: [accuracy] });
      learn.to(device);
      learn.fit(2, { lr: 0.05 });
      const losses = learn.recorder.losses.map((l) => Number(l));
      const { preds } = learn.getPreds();
      if (device === 'cuda') assert.ok(learn.model.parameters().every((p) => p.device === 'cuda'));
      return { losses, acc: Number(learn.recorder.values.at(-1)!.at(-1)), predsDevice: preds.device };
    };
    const cpu = run('cpu'), dev = run('cuda');
    cpu.losses.forEach((l, i) => assert.ok(Math.abs(l - dev.losses[i]!) <= 1e-5 * Math.abs(l), `batch ${i}: cuda ${dev.losses[i]} vs cpu ${l}`));
    assert.ok(Math.abs(cpu.acc - dev.acc) < 1e-6, `accuracy ${dev.acc} vs ${cpu.acc}`);
    assert.is(dev.predsDevice, 'cuda');
  });
  test('learn.save / learn.load of a cuda Learner keep weights and optimizer state on the device; a cpu Learner loads them too', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'groundup-device-')), 'model.ckpt');
    const a = new Learner(toyData({ shuffle: false }), toyModel(5), { lossFunc: F.crossEntropy, progress: false }).to('cuda');
    a.logger = () => {};
    a.fit(1, { lr: 1e-2 });
    a.save(path);
    const b = new Learner(toyData({ shuffle: false }), toyModel(6), { lossFunc: F.crossEntropy, progress: false }).to('cuda');
    b.logger = () => {};
    b.load(path);
    const pa = a.opt!.paramGroups[0]!.params, pb = b.opt!.paramGroups[0]!.params;
    pa.forEach((p, i) => {
      assertClose(pb[i]!.cpu(), p.cpu(), `parameter ${i}`, 0, 0);
      for (const [k, v] of Object.entries(b.opt!.state.get(pb[i]!)!))
        if (v instanceof Object && 'device' in v) assert.is((v as Tensor).device, 'cuda', `state ${k} of parameter ${i}`);
    });
    b.fit(1, { lr: 1e-2 });
    const c = new Learner(toyData({ shuffle: false }), toyModel(7), { lossFunc: F.crossEntropy, progress: false });
    c.logger = () => {};
    c.load(path);
    assert.ok(c.model.parameters().every((p) => p.device === 'cpu'));
    c.fit(1, { lr: 1e-2 });
  });
});
