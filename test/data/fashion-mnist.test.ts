// Fashion-MNIST from Debian's dataset-fashion-mnist. When the package is absent, the data tests
// are skipped with the apt-get line as the reason; the missing-files error is tested either way.
import { DataError } from '@groundup/kernels';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_INSTALL, fashionMnist, fashionMnistAvailable } from '@groundup/data';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const s = suite('data fashion-mnist');
const av = fashionMnistAvailable();

s('without the files: DataError with the exact line `apt-get install -y dataset-fashion-mnist`', () => {
  const err = throwsNamed(() => fashionMnist({ dir: '/nonexistent/fashion-mnist' }), DataError, '/nonexistent/fashion-mnist');
  assert.ok(err.message.split('\n').includes('apt-get install -y dataset-fashion-mnist'), err.message);
  assert.is(FASHION_MNIST_INSTALL, 'apt-get install -y dataset-fashion-mnist');
  const missing = fashionMnistAvailable('/nonexistent');
  assert.ok(!missing.ok && missing.reason.endsWith(FASHION_MNIST_INSTALL));
  throwsNamed(() => fashionMnist({ split: 'valid' as never }), DataError, "split must be 'train' or 'test'");
});

if (!av.ok) {
  skip(s, 'data fashion-mnist', `fashion-mnist data absent: ${av.reason}`);
} else {
  s('test split: 10,000 images [N,1,28,28] float32 in 0..1, labels 0..9 with 1,000 each; first label 9 (Ankle boot)', () => {
    const { images, labels, classes } = fashionMnist({ split: 'test' });
    assert.equal(images.shape, [10000, 1, 28, 28]);
    assert.equal([images.dtype, labels.dtype], ['float32', 'int32']);
    assert.is(images.min().item(), 0);
    assert.is(images.max().item(), 1);
    const l = labels.toFlatArray() as number[];
    const c = new Array<number>(10).fill(0);
    for (const v of l) c[v]!++;
    assert.equal(c, new Array(10).fill(1000));
    assert.equal(l.slice(0, 10), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    assert.is(classes[l[0]!], 'Ankle boot');
    assert.equal(classes, FASHION_MNIST_CLASSES);
  });
  s('train split: 60,000 images, 6,000 per class; layouts', () => {
    const { images, labels } = fashionMnist({ layout: 'flat' });
    assert.equal([images.shape, labels.shape], [[60000, 784], [60000]]);
    const c = new Array<number>(10).fill(0);
    for (const v of labels.toFlatArray() as number[]) c[v]!++;
    assert.equal(c, new Array(10).fill(6000));
    const t = fashionMnist({ split: 'test', layout: 'NHW' }).images;
    assert.equal(t.shape, [10000, 28, 28]);
    const m = t.mean().item();
    assert.ok(m > 0.25 && m < 0.32, `mean pixel ${m} (Fashion-MNIST ≈ 0.286)`);
  });
}

s.run();
