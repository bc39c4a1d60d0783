// Sums and means read strided and broadcast views in place: the same values as on a contiguous
// copy, whichever dims are kept, and a broadcast dim is multiplied rather than visited.
import { arange, ones, randn, Generator, tensor, type Tensor } from '@groundup/tensor';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const gen = new Generator(99);
const close = (a: Tensor, b: Tensor, tol = 1e-5): void => {
  assert.equal([...a.shape], [...b.shape]);
  assert.ok(a.allclose(b, tol, tol), `${a} vs ${b}`);
};

test('a huge broadcast view sums without being materialised', () => {
  const big = ones([1, 1]).expand(65536, 65536);
  assert.is(big.sum().item(), 65536 * 65536);
  assert.is(big.mean().item(), 1);
  assert.equal(big.sum(0).shape, [65536]);
  assert.is(big.sum(0).at(123).item(), 65536);
  assert.is(tensor([2, 3]).unsqueeze(1).expand(2, 1000000).sum(1, true).toFlatArray().join(), '2000000,3000000');
});

test('max, all, any and argmax of a huge broadcast view read its real data; kept broadcast dims give repeated outputs', () => {
  const big = tensor([[2.5]]).expand(65536, 65536);
  assert.is(big.max().item(), 2.5);
  assert.is(big.min().item(), 2.5);
  assert.is(big.all().item(), 1);
  assert.is(big.any(1).shape[0], 65536);
  assert.is(big.argmax(1).at(7).item(), 0);
  const rows = tensor([1, 3, 2]).unsqueeze(0).expand(100000, 3);
  const lse = rows.logsumexp(1);
  assert.equal(lse.shape, [100000]);
  assert.ok(Math.abs(lse.at(99999).item() - Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2))) < 1e-5);
  assert.equal(rows.prod(1, true).shape, [100000, 1]);
  assert.is(rows.prod(1).at(5).item(), 6);
});

test('sums over every dim set of a permuted, sliced 4-d view match the contiguous copy', () => {
  const base = randn([4, 5, 6, 7], { dtype: 'float64', generator: gen });
  const views = [base, base.permute(2, 0, 3, 1), base.at('::2', ':', '1::2'), base.transpose(1, 3).at(':', ':', 0)];
  const dimSets: (number | number[])[] = [0, 1, -1, [0, 2], [1, 2], [0, 1, 2], [0, 2, 3], [1, 3]];
  for (const v of views) {
    for (const ds of dimSets) {
      const dims = (Array.isArray(ds) ? ds : [ds]).filter((d) => (d < 0 ? d + v.ndim : d) < v.ndim);
      if (dims.length === 0) continue;
      close(v.sum(dims), v.contiguous().sum(dims), 1e-12);
      close(v.sum(dims, true), v.contiguous().sum(dims, true), 1e-12);
      close(v.mean(dims), v.contiguous().mean(dims), 1e-12);
    }
  }
});

test('the bias gradient of a conv (gy.sum([0, 2, 3])) and of a linear layer (gy.sum(0)) read gy in place', () => {
  const gy = randn([8, 3, 5, 5], { generator: gen });
  const want = Array.from({ length: 3 }, (_, c) => gy.at(':', c).contiguous().sum().item());
  gy.sum([0, 2, 3]).toFlatArray().forEach((v, c) => assert.ok(Math.abs((v as number) - want[c]!) < 1e-4));
  const g2 = randn([64, 30], { generator: gen });
  close(g2.sum(0), g2.t().contiguous().sum(1), 1e-4);
  close(g2.t().sum(1), g2.sum(0), 1e-4);
});

test('partly broadcast and integer inputs', () => {
  const x = arange(6).reshape(2, 3).unsqueeze(1).expand(2, 4, 3);
  assert.equal(x.sum(1).toArray(), [[0, 4, 8], [12, 16, 20]]);
  assert.is(x.sum(1).dtype, 'int32');
  assert.equal(x.sum([0, 1]).toArray(), [12, 20, 28]);
  assert.is(tensor([true, false, true]).sum().item(), 2);
  assert.ok(Number.isNaN(ones([0, 3]).mean(0).at(0).item()));
  assert.equal(ones([0, 3]).sum(0).toArray(), [0, 0, 0]);
});

test.run();
