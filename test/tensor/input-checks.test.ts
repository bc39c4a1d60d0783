// Inputs that used to wrap, truncate or crash with a raw TypeError/RangeError: indices that are not
// integers or are too large, values that do not fit int32, dtype and device names, huge shapes.
// Each throws its named error with the value and the valid range (issue 16).
import { arange, DeviceError, DTypeError, full, gather, IndexError, indexSelect, linspace, oneHot, randint, scatterAdd, ShapeError, slice, tensor, zeros } from 'groundup';
import { Linear } from '@groundup/nn';
import { cudaRuntime } from '@groundup/kernels';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const idx = suite('tensor: index checks');

idx('a JS-array index must hold integers in range: 2**32 and 1.7 no longer read v[0] and v[1]', () => {
  const v = arange(5);
  throwsNamed(() => v.at([2 ** 32]), IndexError, 'index 4294967296 is out of bounds for dim 0 with size 5', 'valid indices are -5..4');
  throwsNamed(() => v.at([1.7]), IndexError, 'index 1.7 is not an integer', 'valid indices are -5..4');
  throwsNamed(() => v.at([0, Number.NaN]), IndexError, 'list element 1', 'NaN is not an integer');
  throwsNamed(() => v.at([5]), IndexError, 'index 5 is out of bounds');
  throwsNamed(() => v.at(['1' as unknown as number]), IndexError, 'holds string "1" at position 0');
  assert.equal(v.at([-1, 0, 4]).toArray(), [4, 0, 4]);
});

idx('setAt checks a JS-array index the same way, and writes nothing on error', () => {
  const v = zeros(5);
  throwsNamed(() => v.setAt([[2 ** 32]], 1), IndexError, 'index 4294967296 is out of bounds for dim 0 with size 5');
  throwsNamed(() => v.setAt([[1.7]], 1), IndexError, 'index 1.7 is not an integer');
  throwsNamed(() => v.setAt(1.5, 1), IndexError, 'index 1.5 is not an integer');
  assert.equal(v.toArray(), [0, 0, 0, 0, 0]);
  v.setAt([[1, -1]], 7);
  assert.equal(v.toArray(), [0, 7, 0, 0, 7]);
});

idx('a JS array of booleans is a mask, as in PyTorch (x[[True, False, True]])', () => {
  assert.equal(arange(3).at([true, false, true] as unknown as number[]).toArray(), [0, 2]);
});

idx('slice objects with fractional or NaN fields, or unknown fields, throw instead of giving NaN offsets', () => {
  const v = arange(5);
  throwsNamed(() => v.at({ start: 0.5, stop: 3 }), IndexError, 'slice start must be an integer or null, got 0.5');
  throwsNamed(() => v.at(slice(0, Number.NaN)), IndexError, 'slice stop must be an integer or null, got NaN');
  throwsNamed(() => v.at({ start: 0, stop: 4, step: 1.5 }), IndexError, 'slice step must be an integer');
  throwsNamed(() => v.at({ begin: 1 } as never), IndexError, "got a field 'begin'");
  throwsNamed(() => v.setAt([{ start: 0.5 }], 1), IndexError, 'slice start');
  throwsNamed(() => v.at(true as never), IndexError, 'boolean true is not an index');
  throwsNamed(() => v.at(undefined as never), IndexError, 'undefined undefined is not an index');
  assert.equal(v.at({ start: 1, stop: null, step: 2 }).toArray(), [1, 3]);
});

idx('narrow and expand take whole numbers (a fraction gave a shifted view or a shape of 2.5)', () => {
  const x = arange(12).view(3, 4);
  throwsNamed(() => x.narrow(0, 0.5, 2), IndexError, 'narrow: start and length must be integers, got 0.5 and 2');
  throwsNamed(() => x.narrow(0, 0, 1.5), IndexError, 'got 0 and 1.5');
  throwsNamed(() => x.at(0).expand(2.5, 4), ShapeError, 'expand: sizes must be non-negative integers or -1, got 2.5');
  assert.equal(x.narrow(0, -1, 1).toArray(), [[8, 9, 10, 11]]);
});

idx('gather and scatterAdd refuse float index tensors and negative indices, as PyTorch does', () => {
  const x = arange(5).float();
  throwsNamed(() => gather(x, 0, tensor([Number.NaN])), DTypeError, 'gather: the index must be an int32 tensor', 'got float32', '.long()');
  throwsNamed(() => gather(x, 0, tensor([1])), DTypeError, 'gather: the index must be an int32 tensor');
  throwsNamed(() => gather(x, 0, tensor([-1], { dtype: 'int32' })), IndexError, 'gather: index -1 is out of bounds for dim 0 with size 5', 'valid indices are 0..4');
  throwsNamed(() => gather(x, 0, tensor([5], { dtype: 'int32' })), IndexError, 'index 5 is out of bounds');
  throwsNamed(() => scatterAdd(x, 0, tensor([1]), tensor([1])), DTypeError, 'scatterAdd: the index must be an int32 tensor');
  throwsNamed(() => scatterAdd(x, 0, tensor([-1], { dtype: 'int32' }), tensor([1])), IndexError, 'scatterAdd: index -1 is out of bounds');
  throwsNamed(() => indexSelect(x, 0, tensor([-1], { dtype: 'int32' })), IndexError, 'indexSelect: index -1 is out of bounds');
  throwsNamed(() => indexSelect(x, 0, tensor([1])), DTypeError, 'indexSelect: the index must be an int32 tensor');
  assert.equal(gather(x, 0, tensor([4, 0], { dtype: 'int32' })).toArray(), [4, 0]);
});

idx.run();

const ints = suite('tensor: int32 range');

ints('tensor([2**40], {dtype: int32}) throws instead of giving 0; NaN and Infinity too', () => {
  throwsNamed(() => tensor([2 ** 40], { dtype: 'int32' }), DTypeError, 'element 0', 'the value 1099511627776 does not fit int32', '-2147483648..2147483647');
  throwsNamed(() => tensor([1, Number.NaN], { dtype: 'int32' }), DTypeError, 'element 1', 'NaN does not fit int32');
  throwsNamed(() => tensor([Infinity], { dtype: 'int32' }), DTypeError, 'Infinity');
  throwsNamed(() => tensor(new Float64Array([2 ** 31]), { dtype: 'int32' }), DTypeError, '2147483648 does not fit int32');
  assert.equal(tensor([2 ** 31 - 1, -(2 ** 31), 1.7, -1.7], { dtype: 'int32' }).toArray(), [2147483647, -2147483648, 1, -1]);
});

ints('arange(2**31-2, 2**31+2) throws instead of wrapping; a float64 arange holds the values', () => {
  throwsNamed(() => arange(2 ** 31 - 2, 2 ** 31 + 2), DTypeError, 'arange(2147483646, 2147483650, 1)', 'the value 2147483649 does not fit int32');
  throwsNamed(() => arange(-(2 ** 31) - 1, 0), DTypeError, '-2147483649 does not fit int32');
  assert.equal(arange(2 ** 31 - 2, 2 ** 31 + 2, 1, { dtype: 'float64' }).toArray(), [2147483646, 2147483647, 2147483648, 2147483649]);
  assert.equal(arange(2 ** 31 - 3, 2 ** 31 - 1).toArray(), [2147483645, 2147483646]);
  throwsNamed(() => arange(0, Infinity), ShapeError, 'must be finite');
});

ints('randint, full, fill_, setAt and to(int32) refuse values outside int32', () => {
  throwsNamed(() => randint(0, 2 ** 40, [2]), DTypeError, 'randint(0, 1099511627776)', 'does not fit int32');
  throwsNamed(() => randint(0.5, 3, [2]), DTypeError, 'randint: low and high must be integers');
  throwsNamed(() => full([2], 2 ** 40, { dtype: 'int32' }), DTypeError, 'full: the value 1099511627776 does not fit int32');
  throwsNamed(() => full([2], Number.NaN, { dtype: 'int32' }), DTypeError, 'NaN does not fit int32');
  throwsNamed(() => zeros([2], { dtype: 'int32' }).fill_(2 ** 40), DTypeError, 'fill_: the value 1099511627776 does not fit int32');
  throwsNamed(() => zeros([2], { dtype: 'int32' }).setAt(0, 2 ** 32), DTypeError, 'setAt: the value 4294967296 does not fit int32');
  throwsNamed(() => tensor([2 ** 40]).to('int32'), DTypeError, 'to(int32): the value 1099511627776 does not fit int32');
  throwsNamed(() => tensor([Number.NaN]).long(), DTypeError, 'NaN does not fit int32');
  throwsNamed(() => linspace(0, 2 ** 40, 3, { dtype: 'int32' }), DTypeError, 'linspace');
  assert.equal(zeros([2], { dtype: 'bool' }).fill_(2).toArray(), [true, true]);
  assert.equal(tensor([-2.5, 3.9]).to('int32').toArray(), [-2, 3]);
});

ints('integer sum, prod and cumsum past int32 throw instead of wrapping; results in range stay exact int32', () => {
  // arange(100000).sum() is 4,999,950,000 (PyTorch's int64); it used to wrap to 704,982,704.
  throwsNamed(() => arange(100000).sum(), DTypeError, 'sum: the integer result 4999950000 does not fit int32', "x.to('float64').sum()");
  throwsNamed(() => arange(100000).cumsum(0), DTypeError, 'cumsum: the integer result', 'does not fit int32');
  throwsNamed(() => arange(1, 14).prod(), DTypeError, 'prod: the integer result 6227020800 does not fit int32');
  throwsNamed(() => full([3], 2 ** 30, { dtype: 'int32' }).sum(0, true), DTypeError, 'sum: the integer result 3221225472');
  const s = arange(65536).sum();
  assert.is(s.dtype, 'int32');
  assert.is(s.item(), 2147450880); // 65535·65536/2, just inside int32
  assert.is(arange(100000).to('float64').sum().item(), 4999950000);
  assert.equal(arange(1, 13).prod().item(), 479001600);
  assert.equal(tensor([true, true, false]).sum().item(), 2);
  assert.equal(tensor([[1, 2], [3, 4]], { dtype: 'int32' }).cumsum(1).toArray(), [[1, 3], [3, 7]]);
});

ints.run();

const names = suite('tensor: dtype and device names, huge shapes');

names("int64 and long are documented aliases of int32; unknown dtypes throw a DTypeError", () => {
  const a = tensor([1, 2], { dtype: 'int64' });
  assert.is(a.dtype, 'int32');
  assert.is(tensor([1.5]).to('long').dtype, 'int32');
  assert.is(tensor([1.5]).to('int64').dtype, 'int32');
  assert.is(zeros([2], { dtype: 'long' }).dtype, 'int32');
  assert.is(arange(3, undefined, 1, { dtype: 'int64' }).dtype, 'int32');
  throwsNamed(() => tensor([1]).to('float16' as never), DTypeError, "to: unknown dtype 'float16'", 'int64 and long are aliases');
  throwsNamed(() => tensor([1], { dtype: 'uint8' as never }), DTypeError, "tensor: unknown dtype 'uint8'");
  throwsNamed(() => zeros([2], { dtype: 'toString' as never }), DTypeError, "unknown dtype 'toString'");
});

// Where a GPU answers (or the emulated addon is loaded), test/device/ covers the cuda side instead.
const noCuda = cudaRuntime();
const why = noCuda.ok ? '' : noCuda.reason;

names("x.to('cuda') without a GPU is a DeviceError with the reason and the fix; to('cpu') is the tensor itself", () => {
  const x = tensor([1, 2]);
  assert.is(x.to('cpu'), x);
  if (noCuda.ok) return;
  throwsNamed(() => x.to('cuda'), DeviceError, "to('cuda')", `CUDA is not available here: ${why}`, "Keep the tensors on 'cpu'");
  throwsNamed(() => x.to('cuda:0'), DeviceError, "to('cuda:0')");
  throwsNamed(() => x.to('cuda:1'), DeviceError, "not cuda:1");
});

names("x.device, x.cpu(), x.cuda() and {device} on creation, as PyTorch names them", () => {
  const x = tensor([1, 2]);
  assert.is(x.device, 'cpu');
  assert.is(x.cpu(), x);
  assert.is(zeros([2], { device: 'cpu' }).device, 'cpu');
  assert.equal(tensor([1, 2], { device: 'cpu' }).toArray(), [1, 2]);
  throwsNamed(() => randint(0, 3, [2], { device: 'gpu' as never }), DeviceError, "unknown device \"gpu\"", "'cpu' and 'cuda'");
  if (noCuda.ok) return;
  throwsNamed(() => x.cuda(), DeviceError, 'cuda()', why);
  throwsNamed(() => zeros([2], { device: 'cuda' }), DeviceError, "zeros({device: 'cuda'})", why);
  throwsNamed(() => tensor([1], { device: 'cuda:0' }), DeviceError, "tensor({device: 'cuda:0'})");
  throwsNamed(() => arange(3, undefined, 1, { device: 'cuda' }), DeviceError, "arange({device: 'cuda'})");
});

names("model.to('cuda') without a GPU is a DeviceError too; model.to('int64') is refused as in PyTorch; model.to('float64') converts", () => {
  const m = new Linear(2, 3);
  if (!noCuda.ok) {
    throwsNamed(() => m.to('cuda'), DeviceError, "Linear.to('cuda')", why);
    throwsNamed(() => m.cuda(), DeviceError, "Linear.to('cuda')", why);
  }
  throwsNamed(() => m.to('int64'), DTypeError, 'Linear.to: a module converts only to a floating-point dtype', 'got int64');
  throwsNamed(() => m.to('half' as never), DTypeError, "unknown dtype 'half'");
  assert.is(m.to('cpu'), m);
  assert.is(m.cpu(), m);
  assert.is(m.to('float64').weight.dtype, 'float64');
});

names('zeros(2**53) and other shapes past 2^32 elements are a ShapeError, not a bare RangeError', () => {
  throwsNamed(() => zeros(2 ** 53), ShapeError, 'zeros: shape [9007199254740992] has 9007199254740992 elements', 'at most 4294967296');
  throwsNamed(() => zeros([2 ** 20, 2 ** 20]), ShapeError, 'zeros: shape [1048576,1048576]');
  throwsNamed(() => full([2 ** 40], 0), ShapeError, 'full: shape');
  throwsNamed(() => randint(0, 3, [2 ** 33]), ShapeError, 'randint: shape');
  throwsNamed(() => arange(0, 2 ** 40, 1, { dtype: 'float64' }), ShapeError, 'arange: shape [1099511627776]');
  throwsNamed(() => zeros(2, 0.5), ShapeError, 'sizes must be non-negative integers');
});

names('oneHot of a large tensor infers numClasses without overflowing the stack', () => {
  const big = zeros([300_000], { dtype: 'int32' });
  big.setAt(7, 4);
  const h = oneHot(big);
  assert.equal(h.shape, [300_000, 5]);
  assert.equal(h.at(7).toArray(), [0, 0, 0, 0, 1]);
});

names.run();
