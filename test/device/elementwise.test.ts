// CUDA tensors against the CPU: every op record forward and backward, broadcasting, strided views,
// scalar operands, in-place ops, dtypes and casts, moving and reading values, the same-device
// rule, the caching allocator, and out-of-memory errors. Each suite skips with the runtime's
// reason where CUDA is not available (no GPU and no emulated addon).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  builtInOps, DeviceError, DTypeError, elementwiseOp, opRecords, randn, tensor, type OpRecord, type Tensor,
} from '@groundup/tensor';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';
import { assertClose, deviceSuite, domains, emulated } from './helpers.ts';

/** The record's op on tensors and parameters (as op-records.test.ts calls it). */
function opFn(rec: OpRecord): (ins: (Tensor | number)[], params: number[]) => Tensor {
  const op = elementwiseOp(rec.name)!;
  return (ins, params) => op.forward(ins as Tensor[], op.params([...ins, ...params], rec.arity));
}

const onCuda = (ins: Tensor[]): Tensor[] => ins.map((t) => t.cuda());
const records = opRecords().filter((r) => builtInOps.includes(r.name));

// ---------------------------------------------------------------- every record
deviceSuite('cuda: every op record matches the cpu, forward and backward', (test) => {
  test('every built-in record has inputs in its domain here', () => {
    const missing = records.filter((r) => !domains[r.name]).map((r) => r.name);
    assert.equal(missing, [], `records without a domain in test/device/helpers.ts: ${missing.join(', ')}`);
  });

  for (const rec of records) {
    const d = domains[rec.name];
    if (!d) continue;
    const fn = opFn(rec);
    const params = d.params ?? [];
    /** The layouts each record runs on: equal shapes, broadcast ([3,1] with [4]), transposed views. */
    const layouts = (): { name: string; ins: Tensor[]; view: (t: Tensor) => Tensor }[] => {
      const out = [{ name: 'equal shapes', ins: d.inputs([3, 4]), view: (t: Tensor) => t }];
      if (rec.arity > 1) {
        const shapes = [[3, 1], [4], [3, 4]];
        out.push({ name: 'broadcast', ins: shapes.slice(0, rec.arity).map((s, i) => d.inputs(s)[i]!), view: (t) => t });
      }
      out.push({ name: 'transposed', ins: d.inputs([4, 3]), view: (t) => t.t() });
      return out;
    };

    test(`${rec.name}: forward on cuda equals the cpu (equal, broadcast, strided)`, () => {
      for (const { name, ins, view } of layouts()) {
        const want = fn(ins.map(view), params);
        const got = fn(onCuda(ins).map(view), params);
        assert.is(got.device, 'cuda', `${rec.name} ${name}: result device`);
        assertClose(got.cpu(), want, `${rec.name} ${name}`);
      }
    });

    if (!rec.grads) continue;
    test(`${rec.name}: gradients via backward on cuda equal the cpu`, () => {
      for (const { name, ins, view } of layouts()) {
        const leaves = (xs: Tensor[]): Tensor[] => xs.map((t, i) => (rec.grads![i] ? t.detach().requiresGrad_() : t));
        const cpu = leaves(ins), gpu = leaves(onCuda(ins));
        const y = fn(cpu.map(view), params);
        const yc = fn(gpu.map(view), params);
        const g = randn([...y.shape]);
        y.backward(g);
        yc.backward(g.cuda());
        cpu.forEach((x, i) => {
          if (!rec.grads![i]) return;
          const gc = gpu[i]!.grad;
          assert.ok(gc, `${rec.name} ${name}: input ${i} has no grad on cuda`);
          assert.is(gc!.device, 'cuda', `${rec.name} ${name}: grad ${i} device`);
          // Broadcast gradients are summed on each device, in its own order.
          assertClose(gc!.cpu(), x.grad!, `${rec.name} ${name}: grad of input ${i}`, 1e-5, 1e-6);
        });
      }
    });
  }
});

// ---------------------------------------------------------------- layouts and operands
deviceSuite('cuda: broadcasting, strided views, scalar operands and in-place ops', (test) => {
  const a = randn([3, 1]), b = randn([4]), c = randn([2, 1, 4]);

  test('broadcasting [3,1]+[4], [2,1,4]*[3,1], [3,1]-[]', () => {
    assertClose(a.cuda().add(b.cuda()).cpu(), a.add(b), '[3,1]+[4]');
    assertClose(c.cuda().mul(a.cuda()).cpu(), c.mul(a), '[2,1,4]*[3,1]');
    const s = tensor(2.5);
    assertClose(a.cuda().sub(s.cuda()).cpu(), a.sub(s), '[3,1]-[] both on cuda');
    assert.equal([...c.cuda().mul(a.cuda()).shape], [2, 3, 4]);
  });

  test('non-contiguous views: transpose, steps, expand, permute, a view of a view', () => {
    const base = randn([6, 8]), other = randn([8, 6]);
    const bc = base.cuda(), oc = other.cuda();
    assertClose(bc.t().add(oc).cpu(), base.t().add(other), 'transpose + contiguous');
    assertClose(bc.at('::2', '1::3').mul(3).cpu(), base.at('::2', '1::3').mul(3), 'slice with steps');
    assertClose(bc.at('1:5:3').exp().cpu(), base.at('1:5:3').exp(), 'slice with start, stop and step');
    const ex = a.cuda().expand(3, 5);
    assert.not.ok(ex.isContiguous());
    const r = randn([3, 5]);
    assertClose(ex.add(r.cuda()).cpu(), a.expand(3, 5).add(r), 'expand + contiguous');
    assertClose(ex.mul(ex.t().t()).cpu(), a.expand(3, 5).mul(a.expand(3, 5)), 'expand * expand');
    const p = randn([2, 3, 4]);
    assertClose(p.cuda().permute(2, 0, 1).at(':', 1).sigmoid().cpu(), p.permute(2, 0, 1).at(':', 1).sigmoid(), 'permute then select');
    // contiguous() and clone() of a strided cuda view copy on the device.
    const v = bc.t().at('1::2');
    const cv = v.contiguous();
    assert.ok(cv.isContiguous());
    assert.is(cv.device, 'cuda');
    assert.equal(cv.toArray(), base.t().at('1::2').toArray());
    assert.equal(v.clone().toArray(), base.t().at('1::2').toArray());
  });

  test('JS numbers and 0-dim cpu tensors as operands', () => {
    const x = randn([2, 3]);
    const xc = x.cuda();
    assertClose(xc.add(2).cpu(), x.add(2), 'x + 2');
    assertClose(xc.mul(-0.5).cpu(), x.mul(-0.5), 'x * -0.5');
    assertClose(xc.sub(x.cuda(), 0.25).cpu(), x.sub(x, 0.25), 'sub with alpha');
    const s = tensor(3);
    const r = xc.mul(s);
    assert.is(r.device, 'cuda', 'a 0-dim cpu tensor joins a cuda tensor as a scalar');
    assertClose(r.cpu(), x.mul(s), 'x * tensor(3)');
    assertClose(xc.pow(tensor(2)).cpu(), x.pow(2), 'x ** tensor(2)');
    const flipped = s.sub(xc);
    assert.is(flipped.device, 'cuda', 'cpu scalar first');
    assertClose(flipped.cpu(), s.sub(x), 'tensor(3) - x');
    assertClose(xc.gt(0).cpu(), x.gt(0), 'x > 0');
    assertClose(xc.clamp(-0.5, 0.5).cpu(), x.clamp(-0.5, 0.5), 'clamp with parameters');
  });

  test('in-place add_ and mul_ on cuda, also through a view into its base', () => {
    const x = randn([3, 4]), y = randn([3, 4]);
    const xc = x.cuda();
    const storage = xc.storage;
    assert.is(xc.add_(y.cuda()), xc, 'add_ returns this');
    assert.is(xc.storage, storage, 'in place: same storage');
    assert.is(xc.mul_(2), xc);
    assertClose(xc.cpu(), x.add(y).mul(2), 'add_ then mul_');
    // A strided view written in place changes its base.
    const base = randn([4, 4]);
    const bc = base.cuda();
    bc.at(':', '::2').mul_(tensor(10));
    const want = base.clone();
    want.at(':', '::2').mul_(10);
    assertClose(bc.cpu(), want, 'mul_ through a strided view');
    bc.t().add_(tensor([1, 1, 1, 1]).cuda(), 2);
    want.t().add_(tensor([1, 1, 1, 1]), 2);
    assertClose(bc.cpu(), want, 'add_ with alpha through a transposed view, broadcast operand');
    bc.at('1::2').fill_(-3);
    want.at('1::2').fill_(-3);
    bc.at(':', 0).zero_();
    want.at(':', 0).zero_();
    assertClose(bc.cpu(), want, 'fill_ and zero_ through strided views');
    // An in-place op cannot change the dtype, as on the cpu.
    throwsNamed(() => tensor([1, 2], { dtype: 'int32' }).cuda().add_(0.5), DTypeError, 'add_', 'int32');
  });

  test('mixing devices throws DeviceError naming both devices', () => {
    const x = randn([2, 3]);
    const xc = x.cuda();
    throwsNamed(() => xc.add(x), DeviceError, 'cuda', 'cpu');
    throwsNamed(() => x.mul(xc), DeviceError, 'cuda', 'cpu');
    throwsNamed(() => xc.add_(x), DeviceError, 'cuda', 'cpu');
    throwsNamed(() => x.add_(xc), DeviceError, 'cuda', 'cpu');
    throwsNamed(() => elementwiseOp('where')!.forward([x.gt(0), xc, xc], []), DeviceError, 'cuda', 'cpu');
  });
});

// ---------------------------------------------------------------- dtypes
deviceSuite('cuda: dtypes and casts', (test) => {
  test('int32 arithmetic, promotion and true division', () => {
    const i = tensor([[1, -2, 3], [40, 5, -6]], { dtype: 'int32' }), j = tensor([3, 3, -4], { dtype: 'int32' });
    const ic = i.cuda(), jc = j.cuda();
    for (const [name, got, want] of [
      ['add', ic.add(jc), i.add(j)], ['mul', ic.mul(jc), i.mul(j)], ['remainder', ic.remainder(jc), i.remainder(j)],
      ['div', ic.div(jc), i.div(j)], ['add float', ic.add(0.5), i.add(0.5)], ['neg', ic.neg(), i.neg()], ['abs', ic.abs(), i.abs()],
      ['int + float32', ic.add(randn([3]).cuda().mul(0)), i.add(tensor([0, 0, 0]))], ['exp', ic.exp(), i.exp()],
    ] as [string, Tensor, Tensor][]) {
      assert.is(got.dtype, want.dtype, `${name}: dtype`);
      assertClose(got.cpu(), want, name);
    }
    assert.is(ic.add(jc).dtype, 'int32');
    assert.is(ic.div(jc).dtype, 'float32');
  });

  test('comparisons and logical ops give bool; bool casts', () => {
    const x = tensor([-1, 0, 2, NaN]);
    const xc = x.cuda();
    const gt = xc.gt(0);
    assert.is(gt.dtype, 'bool');
    assert.is(gt.device, 'cuda');
    assert.equal(gt.toArray(), [false, false, true, false]);
    assert.equal(xc.ne(xc).toArray(), [false, false, false, true]);
    assert.equal(xc.isnan().toArray(), [false, false, false, true]);
    assert.equal(xc.logicalNot().toArray(), [false, true, false, false]);
    assert.equal(xc.to('bool').toArray(), x.to('bool').toArray());
    assert.equal(gt.to('float32').toArray(), [0, 0, 1, 0]);
    assert.equal(gt.add(gt).toArray(), gt.cpu().add(gt.cpu()).toArray());
  });

  test('float64 keeps double precision on the device', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64' });
    const y = x.cuda().add(1e-12);
    assert.is(y.dtype, 'float64');
    assert.equal(y.toArray(), [1 + 1e-12, 2 + 1e-12, 3 + 1e-12]);
    assertClose(x.cuda().exp().sin().cpu(), x.exp().sin(), 'float64 exp sin', 1e-15, 0);
    assert.is(x.cuda().add(tensor([1, 1, 1]).cuda()).dtype, 'float64', 'float64 + float32');
    assert.is(x.cuda().to('float32').dtype, 'float32');
    assertClose(x.cuda().to('float32').cpu(), x.to('float32'), 'to float32');
  });

  test("to('int32') truncates toward zero and refuses values out of range", () => {
    const x = tensor([-2.7, -0.5, 0.5, 2.9, 2147483520]);
    assert.equal(x.cuda().to('int32').toArray(), x.to('int32').toArray());
    assert.equal(x.cuda().to('int32').toArray(), [-2, 0, 0, 2, 2147483520]);
    assert.is(x.cuda().to('int32').device, 'cuda');
    throwsNamed(() => tensor([1, 3e9]).cuda().to('int32'), DTypeError, 'int32');
    throwsNamed(() => tensor([1, NaN]).cuda().to('int32'), DTypeError);
    throwsNamed(() => tensor([-Infinity]).cuda().to('int32'), DTypeError);
  });
});

// ---------------------------------------------------------------- moving and reading values
deviceSuite('cuda: moving, reading and printing tensors', (test) => {
  test('cuda(), to(), cpu() and gradients flowing back across devices', () => {
    const x = randn([2, 3]);
    const xc = x.cuda();
    assert.is(xc.device, 'cuda');
    assert.is(xc.cuda(), xc, 'cuda() of a cuda tensor is itself');
    assert.is(xc.to('cuda:0'), xc);
    assert.is(x.cpu(), x);
    const back = xc.cpu();
    assert.is(back.device, 'cpu');
    assert.equal(back.toArray(), x.toArray());
    // A cpu leaf moved to cuda gets its gradient on the cpu.
    const leaf = randn([2, 3]).requiresGrad_();
    const y = leaf.cuda().mul(leaf.cuda()).cpu();
    y.backward(tensor([[1, 1, 1], [1, 1, 1]]));
    assert.is(leaf.grad!.device, 'cpu');
    assertClose(leaf.grad!, leaf.detach().mul(2), 'd(x*x)/dx through cuda');
  });

  test('item(), toArray(), toFlatArray() and dataSync() read from the device', () => {
    const x = tensor([[1.5, -2], [3, 4]]);
    const xc = x.cuda();
    assert.is(xc.at(1, 0).item(), 3);
    assert.is(tensor(7.25).cuda().item(), 7.25);
    assert.equal(xc.toArray(), [[1.5, -2], [3, 4]]);
    assert.equal(xc.t().toArray(), [[1.5, 3], [-2, 4]]);
    assert.equal(xc.t().toFlatArray(), [1.5, 3, -2, 4]);
    assert.equal(Array.from(xc.t().dataSync()), [1.5, 3, -2, 4]);
    assert.equal(tensor([], { dtype: 'float32' }).cuda().toArray(), []);
  });

  test('printing a cuda tensor shows its values (as the cpu tensor) and the device', () => {
    const x = tensor([[1.5, -2], [3, 4]]);
    const s = String(x.cuda());
    const cpu = String(x);
    assert.ok(s.includes(cpu.replace(/\)$/, '')), `cuda print ${JSON.stringify(s)} should hold the cpu print ${JSON.stringify(cpu)}`);
    assert.match(s, /device='cuda:0'/, `PyTorch prints device='cuda:0': ${JSON.stringify(s)}`);
  });

  test('untypedStorage() reads the whole device storage behind a view', () => {
    const base = tensor([1, 2, 3]).cuda();
    const ex = base.unsqueeze(0).expand(3, 3);
    assert.equal(ex.untypedStorage(), [1, 2, 3]);
    const sl = tensor([1, 2, 3, 4, 5, 6]).cuda().at('2::2');
    assert.equal(sl.untypedStorage(), [1, 2, 3, 4, 5, 6]);
    assert.equal(sl.toArray(), [3, 5]);
  });
});

// ---------------------------------------------------------------- memory
deviceSuite('cuda: the caching allocator', (test, rt) => {
  // Blocks return to the cache when their tensors are collected. Collection follows V8's heap, not
  // device memory, so the test collects itself (gc() without --expose-gc) and yields for finalizers.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const collect = async (): Promise<void> => {
    for (let i = 0; i < 2; i++) { gc(); await new Promise((resolve) => setImmediate(resolve)); }
  };

  test('a loop of a.add(b).mul(c) reuses cached blocks: cudaMallocs stops growing and allocated stays flat', async () => {
    const [a, b, c] = [randn([256, 256]).cuda(), randn([256, 256]).cuda(), randn([256, 256]).cuda()];
    const step = (): number => a.add(b).mul(c).storage.length;
    for (let i = 0; i < 20; i++) step();
    await collect();
    const warm = rt.memoryStats();
    for (let i = 0; i < 200; i++) { step(); if (i % 10 === 9) await collect(); }
    await collect();
    const after = rt.memoryStats();
    const what = `${JSON.stringify(warm)} → ${JSON.stringify(after)}`;
    assert.ok(after.allocations >= warm.allocations + 400, `every op allocates through the cache: ${what}`);
    assert.is(after.cudaMallocs, warm.cudaMallocs, `cudaMallocs grew over 200 iterations after warm-up; the cache should reuse blocks: ${what}`);
    assert.is(after.allocated, warm.allocated, `allocated should be flat once the results are collected: ${what}`);
    assert.ok(after.reserved >= after.allocated && after.maxAllocated >= after.allocated && after.maxReserved >= after.reserved, what);
  });

  test('emptyCache() returns the cached blocks (reserved drops to allocated) and the allocator still works', async () => {
    const a = randn([128, 128]).cuda(), b = randn([128, 128]).cuda();
    for (let i = 0; i < 10; i++) a.add(b).exp();
    await collect();
    const before = rt.memoryStats();
    assert.ok(before.reserved > before.allocated, `freed results should sit in the cache: ${JSON.stringify(before)}`);
    rt.emptyCache();
    const emptied = rt.memoryStats();
    assert.ok(emptied.reserved < before.reserved, `emptyCache() should lower reserved (${before.reserved} → ${emptied.reserved})`);
    assert.is(emptied.reserved, emptied.allocated, `only live tensors stay reserved: ${JSON.stringify(emptied)}`);
    assert.is(emptied.allocated, before.allocated, 'live tensors keep their blocks');
    assertClose(a.add(b).cpu(), a.cpu().add(b.cpu()), 'a + b after emptyCache()');
  });

  if (emulated) {
    test('out of memory: CudaOutOfMemoryError says what it tried to allocate and what to do (emulator capped at 1 MB)', () => {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const script = [
        "import { zeros } from '@groundup/tensor';",
        "try { zeros([2_000_000]).cuda(); console.log('NO ERROR'); }",
        "catch (e) { console.log(`ERROR ${e.name}: ${e.message}`); console.log(`INSTANCEOF ${e instanceof (await import('@groundup/kernels')).CudaOutOfMemoryError}`); }",
      ].join('\n');
      const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root, encoding: 'utf8', env: { ...process.env, GROUNDUP_EMU_MEMORY_MB: '1' },
      });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.is(r.status, 0, `the child exited with ${r.status}:\n${out.slice(-2000)}`);
      const m = out.match(/^ERROR (\w+): (.*)$/m);
      assert.ok(m, `no error from allocating 8 MB on a 1 MB device:\n${out.slice(-2000)}`);
      assert.is(m![1], 'CudaOutOfMemoryError', out);
      assert.match(m![2]!, /tried to allocate/i);
      assert.match(m![2]!, /emptyCache|smaller|batch|free/i, `the message should say what to do: ${m![2]}`);
      assert.match(out, /INSTANCEOF true/);
    });
  }
});
