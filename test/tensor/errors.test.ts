// Every user error throws its named class, and the message carries the op, the shapes and the fix.
import { backendTable } from '@groundup/kernels';
import { arange, DTypeError, einsum, EinsumError, IndexError, randn, setBackend, BackendError, ShapeError, tensor, zeros, cat, stack, conv2d } from 'groundup';
import { test } from 'uvu';
import { throwsNamed } from '../helpers/assert.ts';

test('broadcasting [3,3] with [2,3] names the op, both shapes and the axis', () => {
  throwsNamed(() => zeros(3, 3).add(zeros(2, 3)), ShapeError, 'add: cannot broadcast [3,3] with [2,3]: axis 0 has 3 vs 2');
  throwsNamed(() => zeros(3, 3).mul(zeros(2, 3)), ShapeError, /^mul: /);
});
test('matmul [5,784] × [10,784] names the shapes and suggests .t()', () => {
  throwsNamed(() => randn(5, 784).matmul(randn(10, 784)), ShapeError, 'matmul: shapes [5,784] and [10,784] cannot be multiplied', '.t()');
  throwsNamed(() => randn(5, 3).matmul(randn(4, 2)), ShapeError, '[5,3] and [4,2]');
});
test('matmul of mixed dtypes and of 0-d tensors', () => {
  throwsNamed(() => randn(2, 2).matmul(randn([2, 2], { dtype: 'float64' })), DTypeError, 'float32 and float64');
  throwsNamed(() => tensor(3).matmul(randn(2)), ShapeError, 'at least 1 dim');
});
test('bad einsum strings', () => {
  const a = randn(2, 3), b = randn(3, 4);
  throwsNamed(() => einsum('ik,kj->ij', a), EinsumError, '2 operand term(s) but 1 operand(s)');
  throwsNamed(() => einsum('ijk,kj->ij', a, b), EinsumError, 'operand 0 has shape [2,3]', "'ijk' has 3 letters");
  throwsNamed(() => einsum('ik,kj->iz', a, b), EinsumError, "output letter 'z' does not appear");
  throwsNamed(() => einsum('ik,kj->ii', a, b), EinsumError, "output letter 'i' appears more than once");
  throwsNamed(() => einsum('i1,kj->ij', a, b), EinsumError, "invalid character '1'");
  throwsNamed(() => einsum('ik,jj->ij', a, b), EinsumError, "repeated letter 'j'");
  throwsNamed(() => einsum('ik,kj->ij', a, randn(4, 4)), EinsumError, "letter 'k' has size 3 in one operand and 4");
  throwsNamed(() => einsum('i...j...', randn(2, 2, 2)), EinsumError, "more than one '...'");
});
test('out-of-range indices name the index, the dim and its size', () => {
  const x = arange(12).view(3, 4);
  throwsNamed(() => x.at(3), IndexError, 'index 3 is out of bounds for dim 0 with size 3');
  throwsNamed(() => x.at(0, -5), IndexError, 'index -5 is out of bounds for dim 0 with size 4');
  throwsNamed(() => x.at(0, 0, 0), IndexError, 'too many indices', '[3,4]');
  throwsNamed(() => x.at(tensor([0, 5], { dtype: 'int32' })), IndexError, 'index 5 is out of bounds for dim 0 with size 3');
  throwsNamed(() => x.at(tensor([0.5])), IndexError, 'must be int or bool', '.long()');
  throwsNamed(() => x.sum(2), IndexError, 'dim 2 is out of range for a tensor of 2 dims');
  throwsNamed(() => x.at('1:2:0'), IndexError, 'step must be positive');
});
test('a view with incompatible strides says to call .contiguous() or reshape', () => {
  const t = arange(6).view(2, 3).t();
  throwsNamed(() => t.view(6), ShapeError, 'view: cannot view shape [3,2] with strides [1,3] as [6]', '.contiguous()', '.reshape()');
  throwsNamed(() => arange(6).view(4, -1), ShapeError, 'shape [4,-1] is invalid for input of size 6');
  throwsNamed(() => arange(6).view(-1, -1), ShapeError, 'only one dimension can be -1');
});
test('dtype misuse', () => {
  throwsNamed(() => arange(4).mean(), DTypeError, 'mean', 'int32', '.float()');
  throwsNamed(() => arange(4).softmax(0), DTypeError, 'softmax', '.float()');
  throwsNamed(() => { const i = arange(4); i.add_(0.5); }, DTypeError, "add_: result type float32 can't be cast to the desired output type int32");
  throwsNamed(() => conv2d(arange(16).view(1, 1, 4, 4), arange(9).view(1, 1, 3, 3)), DTypeError, 'conv2d', '.float()');
});
test('shape misuse in cat, stack, expand, item, conv2d', () => {
  throwsNamed(() => cat([zeros(2, 3), zeros(2, 4)], 0), ShapeError, 'cat: sizes must match except in dim 0', '[2,3]', '[2,4]');
  throwsNamed(() => stack([zeros(2), zeros(3)]), ShapeError, 'stack', '[2]', '[3]');
  throwsNamed(() => zeros(2, 3).expand(4, 3), ShapeError, 'expand: the size 2', '[2,3]');
  throwsNamed(() => zeros(2, 3).item(), ShapeError, 'item', '[2,3]', '.sum()');
  throwsNamed(() => conv2d(zeros(1, 3, 8, 8), zeros(4, 2, 3, 3)), ShapeError, 'conv2d: input [1,3,8,8] has 3 channels but weight [4,2,3,3] expects 2');
  throwsNamed(() => conv2d(zeros(1, 1, 2, 2), zeros(1, 1, 3, 3)), ShapeError, 'kernel 3×3 is larger than the padded input 2×2');
  throwsNamed(() => tensor([[1, 2], [3]]), ShapeError, 'ragged');
});
test('choosing an unknown or unavailable backend', () => {
  throwsNamed(() => setBackend('tpu' as 'js'), BackendError, "unknown backend 'tpu'", 'auto');
  const off = backendTable().find((r) => !r.available);
  if (off) throwsNamed(() => setBackend(off.name), BackendError, `backend '${off.name}' is not available`, 'GROUNDUP_BACKEND=auto');
  setBackend('auto');
});
test.run();
