// The addon's elementwise loops are generated from the op records (scripts/gen-elementwise.ts):
// the committed header matches the records, every generated loop agrees with the TypeScript loop
// of the same expression (dense and row-broadcast, in place too), tensors above the size
// threshold go to the addon on the native backend and stay on the JS loops below it and on the
// other backends, and the bias gradients' channel sums agree with the strided sum.
import { readFileSync } from 'node:fs';
import { findBackend, setBackend, type ElementwiseCall } from '@groundup/kernels';
import { builtInOps, elementwiseOp, opRecords, rand, Generator, randn, type Tensor } from '@groundup/tensor';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../../scripts/gen-elementwise.ts';
import { nativeAddon } from '../../packages/kernels/src/native/addon.ts';

const test = suite('native elementwise loops from the op records');
const native = findBackend('native');
const av = native ? native.available() : { ok: false as const, reason: 'not registered' };
const gen = new Generator(31);

test('addon/src/elementwise_gen.h is what the records generate (run `pnpm gen:elementwise` if not)', () => {
  const have = readFileSync(new URL('../../addon/src/elementwise_gen.h', import.meta.url), 'utf8');
  assert.ok(have === generate(), 'the generated header is stale: run `pnpm gen:elementwise` and `pnpm build:addon`');
});

if (!av.ok) {
  test.skip(`native unavailable: ${av.reason}`, () => {});
} else {
  const addon = nativeAddon()!;
  const table = addon.elementwiseKernels();

  test('the built addon has a loop for every float record expression, with the same text', () => {
    const byKey = new Map(table.map(([k, e]) => [k, e]));
    for (const r of opRecords()) {
      if (r.dtype === 'bool' || !builtInOps.includes(r.name)) continue;
      assert.is(byKey.get(`${r.name}:fwd`), r.forward.source, `${r.name}:fwd`);
    }
  });

  /** Runs each generated loop through the backend and through the TypeScript loop (js backend), dense and row-broadcast. */
  test('every generated loop matches the TypeScript loop of its record', () => {
    const nb = native!;
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!, y = b[i]!;
        if (Number.isNaN(x) && Number.isNaN(y)) continue;
        assert.ok(Math.abs(x - y) <= 2e-6 + 2e-5 * Math.abs(y), `${what}[${i}]: addon ${x} vs js ${y}`);
      }
    };
    for (const [key, expr, arrays, nParams] of table) {
      const [name, which] = key.split(':') as [string, string];
      const op = elementwiseOp(name)!;
      const params = op.rec.params.map((_, i) => 0.25 + 0.5 * i);
      const rows = 7, cols = 301;
      const inputs = Array.from({ length: Math.max(arrays, 1) }, () => rand([rows, cols], { generator: gen }).mul(0.8).add(0.1));
      // Row-broadcast: the second operand (if any) is one row shared by every row.
      for (const broadcast of [false, true]) {
        const ins = inputs.map((t, i) => (broadcast && i === 1 ? t.at(0).unsqueeze(0).expand(rows, cols) : t));
        const out = new Float32Array(rows * cols);
        const call: ElementwiseCall = {
          key, expr, rows, cols, out, outOffset: 0, outRowStride: cols, params: params.slice(0, nParams),
          inputs: ins.slice(0, arrays).map((t) => t.data as Float32Array), offsets: ins.slice(0, arrays).map((t) => t.offset),
          rowStrides: ins.slice(0, arrays).map((t) => t.strides[0]!),
        };
        assert.ok(nb.kernels.elementwise!(call), key);
        close(out, jsValue(op.rec.name, which, ins, params), `${key}${broadcast ? ' (row broadcast)' : ''}`);
      }
    }
  });

  test('a loop generated from an older record is refused (false), so the JS loop runs', () => {
    const call: ElementwiseCall = { key: 'relu:fwd', expr: 'x', rows: 1, cols: 4, out: new Float32Array(4), outOffset: 0, outRowStride: 0, inputs: [new Float32Array(4)], offsets: [0], rowStrides: [0], params: [] };
    assert.is(native!.kernels.elementwise!(call), false);
    assert.is(native!.kernels.elementwise!({ ...call, key: 'noSuchOp:fwd' }), false);
  });

  test('ops above the threshold run the addon loop on the native backend only, forward, backward and in place', () => {
    const kernels = native!.kernels;
    const orig = kernels.elementwise!;
    const seen: string[] = [];
    kernels.elementwise = (c) => { seen.push(c.key); return orig(c); };
    try {
      setBackend('native');
      const x = randn([64, 100], { generator: gen }).requiresGrad_();
      const b = randn([100], { generator: gen }).requiresGrad_();
      const y = x.add(b).relu();
      y.backward(randn([64, 100], { generator: gen }));
      const p = randn([64, 100], { generator: gen });
      p.sub_(x.grad!, 0.1);
      assert.ok(seen.includes('add:fwd') && seen.includes('relu:fwd') && seen.includes('relu:g0') && seen.includes('sub:fwd'), seen.join());
      const n = seen.length;
      setBackend('js');
      x.add(b).relu();
      assert.is(seen.length, n, 'the js backend runs its own loops');
    } finally {
      kernels.elementwise = orig;
      setBackend('auto');
    }
  });

  test('results agree between the native and the js backend through the ops', () => {
    const x = randn([50, 80], { generator: gen }), y = randn([80], { generator: gen });
    const run = (): Tensor[] => [x.add(y).relu(), x.sigmoid(), x.mul(y).sub(x, 0.5), x.abs().sqrt().addcdiv(x, y.abs().add(1), -0.5)];
    setBackend('native');
    const a = run();
    setBackend('js');
    const b = run();
    setBackend('auto');
    a.forEach((t, i) => assert.ok(t.allclose(b[i]!, 1e-5, 1e-6), `op ${i}`));
  });

  test('channel sums (bias gradients) agree with the strided sum', () => {
    for (const shape of [[64, 30], [8, 16, 7, 7], [3, 5, 1000]]) {
      const g = randn(shape, { generator: gen });
      const dims = shape.length === 2 ? [0] : [0, 2, ...(shape.length > 3 ? [3] : [])];
      setBackend('native');
      const a = g.sum(dims), m = g.mean(dims);
      setBackend('js');
      const b = g.sum(dims), mb = g.mean(dims);
      setBackend('auto');
      assert.ok(a.allclose(b, 1e-5, 1e-4), `sum [${shape}]`);
      assert.ok(m.allclose(mb, 1e-5, 1e-6), `mean [${shape}]`);
    }
  });
}

test.run();

/** What the TypeScript loop computes for one of a record's expressions (forward, or the gradient of input i), on the js backend. */
function jsValue(name: string, which: string, ins: Tensor[], params: number[]): Float32Array {
  const op = elementwiseOp(name)!;
  setBackend('js');
  try {
    if (which === 'fwd') return op.forward(ins.slice(0, op.rec.arity), params).contiguous().dataSync() as Float32Array;
    // A gradient loop reads g, then the inputs and out that its expression names, in that order.
    const i = Number(which.slice(1));
    const e = op.rec.grads![i]!;
    const byName = new Map(['g', 'x', 'y', 'z', 'out'].filter((n) => e.names.has(n)).map((n, k) => [n, ins[k]!]));
    const filler = ins[0]!.mul(0).add(0.5);
    const leaves = ['x', 'y', 'z'].slice(0, op.rec.arity).map((n) => (byName.get(n) ?? filler).detach().requiresGrad_());
    const g = byName.get('g') ?? filler;
    return op.backward(g, leaves, byName.get('out') ?? filler, params)[i]!.contiguous().dataSync() as Float32Array;
  } finally {
    setBackend('auto');
  }
}
