// fastai chapter 17, "A Neural Net from the Foundations": building a layer from scratch (matrix
// multiplication, elementwise arithmetic, broadcasting, einsum), then the forward and backward
// passes by hand, refactored into classes and into autograd Functions.
// Run it with `pnpm chapter fastai/17`.
import { performance } from 'node:perf_hooks';
import { einsum, getBackend, manualSeed, randn, tensor, zeros, type Tensor } from 'groundup';
import { forwardAndBackward, initParams, lin, LinLF, Model, mse, MseLF, MyLinear, MyRelu, relu, ReluLF } from './ch17/backprop.ts';

const h = (title: string): void => console.log(`\n## ${title}\n`);
const show = (label: string, v: unknown): void => console.log(`${label}\n${String(v)}`);

console.log('# A Neural Net from the Foundations');

h('Modeling a Neuron');
// output = Σ xᵢ·wᵢ + b, then a ReLU.
const neuron = (x: number[], w: number[], b: number): number => Math.max(0, x.reduce((s, xi, i) => s + xi * w[i]!, b));
console.log(`neuron([1, 2, 3], [0.5, -1, 0.25], 0.1) = ${neuron([1, 2, 3], [0.5, -1, 0.25], 0.1)}  (0.5 − 2 + 0.75 + 0.1 < 0, so ReLU gives 0)`);
console.log(`neuron([1, 2, 3], [0.5, 1, 0.25], 0.1)  = ${neuron([1, 2, 3], [0.5, 1, 0.25], 0.1)}`);

h('Matrix Multiplication from Scratch');
manualSeed(17);
const m1 = randn(5, 28 * 28), m2 = randn(784, 10);
console.log(`m1: [${m1.shape}], m2: [${m2.shape}]`);

/** Three loops, as in the book; reading through .data keeps it honest about the cost of indexing. */
function matmulLoop(a: Tensor, b: Tensor): Tensor {
  const [ar, ac] = a.shape as [number, number], [br, bc] = b.shape as [number, number];
  if (ac !== br) throw new Error(`inner dims differ: ${ac} vs ${br}`);
  const A = a.contiguous().data, B = b.contiguous().data;
  const c = zeros(ar, bc);
  for (let i = 0; i < ar; i++)
    for (let j = 0; j < bc; j++) {
      let s = 0;
      for (let k = 0; k < ac; k++) s += A[i * ac + k]! * B[k * bc + j]!;
      c.data[i * bc + j] = s;
    }
  return c;
}

/** The book's version indexes tensors element by element: c[i,j] += a[i,k] * b[k,j]. */
function matmulIndexed(a: Tensor, b: Tensor): Tensor {
  const [ar, ac] = a.shape as [number, number], [, bc] = b.shape as [number, number];
  const c = zeros(ar, bc);
  for (let i = 0; i < ar; i++)
    for (let j = 0; j < bc; j++) {
      let s = 0;
      for (let k = 0; k < ac; k++) s += a.at(i, k).item() * b.at(k, j).item();
      c.setAt([i, j], s);
    }
  return c;
}

h('Elementwise Arithmetic');
const a = tensor([10, 6, -4]), b = tensor([2, 8, 7]);
show('a + b', a.add(b));
show('a < b', a.lt(b));
console.log(`(a < b).all(): ${a.lt(b).all().item() === 1}, (a == b).all(): ${a.eq(b).all().item() === 1}`);
console.log(`(a + b).mean().item(): ${a.add(b).mean().item().toFixed(4)}`);
const m = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
show('m * m', m.mul(m));
const n = tensor([[1, 2, 3], [4, 5, 6]]);
try {
  m.mul(n);
} catch (e) {
  console.log(`m * n raises ${(e as Error).name}: ${(e as Error).message}`);
}

// c[i,j] = (a[i] * b[:,j]).sum(): one loop fewer.
function matmulElementwise(a: Tensor, b: Tensor): Tensor {
  const [ar] = a.shape as [number, number], [, bc] = b.shape as [number, number];
  const c = zeros(ar, bc);
  for (let i = 0; i < ar; i++) for (let j = 0; j < bc; j++) c.setAt([i, j], a.at(i).mul(b.at(':', j)).sum());
  return c;
}

h('Broadcasting');
h('Broadcasting with a scalar');
show('a > 0', a.gt(0));
show('(m - 5) / 2.73', m.sub(5).div(2.73));

h('Broadcasting a vector to a matrix');
const c = tensor([10, 20, 30]);
show('m + c', m.add(c));
const t = c.expandAs(m);
show('c.expandAs(m)', t);
console.log(`its storage holds only ${t.untypedStorage().length} floats: [${t.untypedStorage()}], strides (${t.stride()})`);
show('c.unsqueeze(1) + m (adds down the columns)', c.unsqueeze(1).add(m));
console.log(`c.unsqueeze(1).expandAs(m).stride() = (${c.unsqueeze(1).expandAs(m).stride()})`);
console.log(`shapes: c [${c.shape}]; c.unsqueeze(0) [${c.unsqueeze(0).shape}]; c.at(null, ':') [${c.at(null, ':').shape}]; ` +
  `c.at(null) [${c.at(null).shape}]; c.unsqueeze(1) [${c.unsqueeze(1).shape}]; c.at(':', null) [${c.at(':', null).shape}]; c.at('...', null) [${c.at('...', null).shape}]`);

// c[i] = (a[i].unsqueeze(-1) * b).sum(0): broadcasting removes another loop.
function matmulBroadcast(a: Tensor, b: Tensor): Tensor {
  const [ar] = a.shape as [number, number], [, bc] = b.shape as [number, number];
  const c = zeros(ar, bc);
  for (let i = 0; i < ar; i++) c.setAt(i, a.at(i).unsqueeze(-1).mul(b).sum(0));
  return c;
}

h('Broadcasting rules');
console.log('Shapes are compared from the trailing dim; two dims fit when they are equal or one of them is 1.');
for (const [x, y] of [[[256, 256, 3], [3]], [[256, 256, 3], [256, 256]], [[3, 3], [3]], [[2], [2, 3]]] as const) {
  try {
    const r = zeros([...x]).add(zeros([...y]));
    console.log(`  [${x}] with [${y}] → [${r.shape}]`);
  } catch (e) {
    console.log(`  [${x}] with [${y}] → ${(e as Error).name}: ${(e as Error).message.split(' (')[0]}`);
  }
}

h('Einstein Summation');
const matmulEinsum = (a: Tensor, b: Tensor): Tensor => einsum('ik,kj->ij', a, b);
show("einsum('ij->ji', m)", einsum('ij->ji', m));
console.log(`einsum('bi,ij,bj->b', ...) on [2,3], [3,4], [2,4] → [${einsum('bi,ij,bj->b', randn(2, 3), randn(3, 4), randn(2, 4)).shape}]`);
console.log(`einsum('bik,bkj->bij', ...) on [4,5,6], [4,6,7] → [${einsum('bik,bkj->bij', randn(4, 5, 6), randn(4, 6, 7)).shape}]`);

h('Timing the ladder (5×784 @ 784×10)');
const time = (f: () => Tensor, reps: number): { ms: number; out: Tensor } => {
  let out = f();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = f();
    samples.push(performance.now() - t0);
  }
  samples.sort((x, y) => x - y);
  return { ms: samples[Math.floor(samples.length / 2)]!, out };
};
const reference = matmulLoop(m1, m2);
const ladder: [string, () => Tensor, number][] = [
  ['indexed loops (book)', () => matmulIndexed(m1, m2), 3],
  ['plain JS loops', () => matmulLoop(m1, m2), 50],
  ['elementwise', () => matmulElementwise(m1, m2), 10],
  ['broadcast', () => matmulBroadcast(m1, m2), 50],
  ['einsum', () => matmulEinsum(m1, m2), 200],
  [`matmul (${getBackend().name} kernel)`, () => m1.matmul(m2), 500],
];
console.log('| version | median time | same as the loop? |');
console.log('|---|---|---|');
for (const [name, f, reps] of ladder) {
  const { ms, out } = time(f, reps);
  const fmtTime = ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
  console.log(`| ${name} | ${fmtTime} | ${out.allclose(reference, 1e-4, 1e-4)} |`);
}
console.log('\nThe book measured 1.15 s (indexed loops), 1.7 ms, 357 µs, 68.7 µs and 14 µs in Python. The indexed');
console.log('loops are the slow rung here too. Plain JS loops are compiled by V8, so at this tiny size they come close to');
console.log('the kernel, and the per-op cost of the tensor versions shows. Every version agrees with the loop.');

// ======================= The Forward and Backward Passes =======================
console.log('\n# The Forward and Backward Passes');

h('Defining and Initializing a Layer');
manualSeed(1701);
const x = randn([200, 100], { dtype: 'float64' });
const y = randn([200], { dtype: 'float64' });
{
  const w1 = randn([100, 50], { dtype: 'float64' }), b1 = zeros([50], { dtype: 'float64' });
  const l1 = lin(x, w1, b1);
  console.log(`x @ randn(100,50): mean ${l1.mean().item().toFixed(4)}, std ${l1.std().item().toFixed(4)}  (book: 0.0019, 10.1058)`);
  let z = randn(200, 100);
  for (let i = 0; i < 50; i++) z = z.matmul(randn(100, 100));
  console.log(`50 layers of randn(100,100): ${z.isnan().any().item() ? 'all NaN' : 'finite'}  (book: nan)`);
  z = randn(200, 100);
  for (let i = 0; i < 50; i++) z = z.matmul(randn(100, 100).mul(0.01));
  console.log(`50 layers scaled by 0.01: max |x| = ${z.abs().max().item()}  (book: all zeros)`);
  z = randn(200, 100);
  for (let i = 0; i < 50; i++) z = z.matmul(randn(100, 100).mul(0.1));
  console.log(`50 layers scaled by 0.1 = 1/√100: std ${z.std().item().toFixed(4)}  (book: 0.7042 on its draw)`);
  const xl1 = lin(x, randn([100, 50], { dtype: 'float64' }).div(Math.sqrt(100)), b1);
  console.log(`Xavier, l1: mean ${xl1.mean().item().toFixed(4)}, std ${xl1.std().item().toFixed(4)}; relu(l1): mean ${relu(xl1).mean().item().toFixed(4)}, std ${relu(xl1).std().item().toFixed(4)}  (book: −0.0050, 1.0000; 0.3961, 0.5783)`);
  z = randn(200, 100);
  for (let i = 0; i < 50; i++) z = relu(z.matmul(randn(100, 100).mul(0.1)));
  console.log(`50 × relu(x @ randn·0.1): max ${z.max().item().toExponential(2)}  (vanishing)`);
  z = randn(200, 100);
  for (let i = 0; i < 50; i++) z = relu(z.matmul(randn(100, 100).mul(Math.sqrt(2 / 100))));
  console.log(`50 × relu(x @ randn·√(2/100)): std ${z.std().item().toFixed(4)}  (Kaiming keeps it well scaled)`);
}
const [w1, b1, w2, b2] = initParams(100, 50, 1) as [Tensor, Tensor, Tensor, Tensor];
const kl = relu(lin(x, w1, b1));
console.log(`Kaiming w1 = randn·√(2/100): relu(lin) mean ${kl.mean().item().toFixed(4)}, std ${kl.std().item().toFixed(4)}  (book: 0.5661, 0.8339)`);
const out = lin(relu(lin(x, w1, b1)), w2, b2);
console.log(`model output shape [${out.shape}], mse ${mse(out, y).item().toFixed(4)}`);

h('Gradients and the Backward Pass');
const { g } = forwardAndBackward(x, y, w1, b1, w2, b2);
const params = [x, w1, b1, w2, b2].map((t) => t.clone().requiresGrad_());
const [xt, w1t, b1t, w2t, b2t] = params as [Tensor, Tensor, Tensor, Tensor, Tensor];
mse(lin(relu(lin(xt, w1t, b1t)), w2t, b2t), y).backward();
const names = ['inp', 'w1', 'b1', 'w2', 'b2'];
[x, w1, b1, w2, b2].forEach((t, i) => {
  const diff = g.get(t)!.sub(params[i]!.grad!).abs().max().item();
  console.log(`  ${names[i]!.padEnd(3)}.g vs autograd: max |diff| = ${diff.toExponential(2)}`);
});

h('Refactoring the Model');
const model = new Model(w1, b1, w2, b2);
console.log(`Model(...).call(x, y) = ${model.call(x, y).item().toFixed(4)}; backward() fills the same gradients:`);
model.backward();
console.log(`  w1 grad equal to the hand version: ${model.g.get(w1)!.allclose(g.get(w1)!, 1e-10, 1e-12)}`);
const gl = new Map<Tensor, Tensor>();
const layers = [new LinLF(gl, w1, b1), new ReluLF(gl), new LinLF(gl, w2, b2)];
const lossLF = new MseLF(gl);
lossLF.call(layers.reduce((hh, l) => l.call(hh), x), y);
lossLF.backward();
for (const l of [...layers].reverse()) l.backward();
console.log(`LayerFunction version: w2 grad equal: ${gl.get(w2)!.allclose(g.get(w2)!, 1e-10, 1e-12)}`);

h('Going to PyTorch');
const xr = x.clone().requiresGrad_(), w1r = w1.clone().requiresGrad_(), b1r = b1.clone().requiresGrad_();
const w2r = w2.clone().requiresGrad_(), b2r = b2.clone().requiresGrad_();
const fnOut = MyLinear.apply(MyRelu.apply(MyLinear.apply(xr, w1r, b1r)), w2r, b2r);
mse(fnOut, y).backward();
console.log(`custom Functions (MyLinear, MyRelu): ${String(fnOut.gradFn)}; w1 grad equal: ${w1r.grad!.allclose(g.get(w1)!, 1e-10, 1e-12)}`);
