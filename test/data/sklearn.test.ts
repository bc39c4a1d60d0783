// sklearn's bundled CSV datasets (Debian python3-sklearn): Boston, diabetes, iris, digits. When
// the package is absent, each dataset's tests are skipped with the apt-get line as the reason;
// the missing-file error and corrupt-file errors are tested either way.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@groundup/kernels';
import { SKLEARN_INSTALL, boston, diabetes, digits, iris, sklearnDataAvailable, type SklearnDatasetName } from '@groundup/data';
import { suite } from 'uvu';
import { skip } from '../helpers/skip.ts';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

const s = suite('data sklearn datasets');
const row = (t: { toFlatArray(): (number | boolean)[] }): number[] => t.toFlatArray() as number[];
const near = (got: number[], want: number[], tol = 1e-12): void =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `[${i}] ${v} vs ${want[i]}`));

s('without the files: DataError with the exact line `apt-get install -y python3-sklearn`', () => {
  for (const load of [boston, diabetes, iris, digits]) {
    const err = throwsNamed(() => load({ dir: '/nonexistent/sklearn' }), DataError, '/nonexistent/sklearn');
    assert.ok(err.message.split('\n').includes('apt-get install -y python3-sklearn'), err.message);
  }
  assert.is(SKLEARN_INSTALL, 'apt-get install -y python3-sklearn');
});

s('a corrupt or truncated CSV names the file line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groundup-sklearn-'));
  const header = '3,2,,\n"A","B","T"\n';
  writeFileSync(join(dir, 'boston_house_prices.csv'), `${header}1,2,3\n4,x,6\n7,8,9\n`);
  throwsNamed(() => boston({ dir }), DataError, 'line 4, field 2 is "x"');
  writeFileSync(join(dir, 'boston_house_prices.csv'), `${header}1,2,3\n4,5\n`);
  throwsNamed(() => boston({ dir }), DataError, 'line 4 has 2 fields, expected 3');
  writeFileSync(join(dir, 'boston_house_prices.csv'), `${header}1,2,3\n4,5,6\n`);
  throwsNamed(() => boston({ dir }), DataError, 'declares 3 rows, the file has 2');
  writeFileSync(join(dir, 'boston_house_prices.csv'), `${header}1,2,3\n4,5,6\n7,8,9\n`);
  const b = boston({ dir });
  assert.equal([b.data.shape, b.featureNames, b.targetName, row(b.target)], [[3, 2], ['A', 'B'], 'T', [3, 6, 9]]);
  writeFileSync(join(dir, 'digits.csv.gz'), 'not gzip');
  throwsNamed(() => digits({ dir }), DataError, 'not a valid gzip file');
});

function whenAvailable(name: SklearnDatasetName, title: string, body: () => void): void {
  const av = sklearnDataAvailable(name);
  if (av.ok) s(title, body);
  else skip(s, 'data sklearn datasets', `${title}: ${av.reason}`);
}

whenAvailable('boston', 'boston: 506×13 float64 + MEDV, names from the header line', () => {
  const b = boston();
  assert.equal([b.data.shape, b.target.shape, b.data.dtype, b.target.dtype], [[506, 13], [506], 'float64', 'float64']);
  assert.equal(b.featureNames, ['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT']);
  assert.is(b.targetName, 'MEDV');
  assert.equal(row(b.data.at(0)), [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9, 4.98]);
  assert.equal(row(b.target).slice(0, 3), [24, 21.6, 34.7]);
  near([b.target.mean().item()], [22.532806324110677], 1e-12);
});

whenAvailable('diabetes', "diabetes: 442×10 raw, and sklearn's scaled form", () => {
  const d = diabetes();
  assert.equal([d.data.shape, d.target.shape, d.data.dtype], [[442, 10], [442], 'float64']);
  assert.equal(row(d.data.at(0)), [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]);
  assert.equal(row(d.target).slice(0, 3), [151, 75, 141]);
  assert.equal(d.featureNames, ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
  const sc = diabetes({ scaled: true });
  // sklearn 1.2 load_diabetes().data[0]
  near(row(sc.data.at(0)), [0.038075906433423026, 0.05068011873981862, 0.061696206518683294, 0.0218723855140367, -0.04422349842444599,
    -0.03482076283769895, -0.04340084565202491, -0.002592261998183278, 0.019907486170462722, -0.01764612515980379], 1e-15);
});

whenAvailable('iris', 'iris: 150×4, 50 per class, class names from the header', () => {
  const i = iris();
  assert.equal([i.data.shape, i.target.dtype], [[150, 4], 'int32']);
  assert.equal(i.targetNames, ['setosa', 'versicolor', 'virginica']);
  assert.equal(row(i.data.at(0)), [5.1, 3.5, 1.4, 0.2]);
  const t = row(i.target);
  assert.equal([0, 1, 2].map((c) => t.filter((v) => v === c).length), [50, 50, 50]);
});

whenAvailable('digits', 'digits: 1797×64 in 0..16, images [1797, 8, 8], labels 0..9', () => {
  const g = digits();
  assert.equal([g.data.shape, g.images.shape, g.target.shape], [[1797, 64], [1797, 8, 8], [1797]]);
  assert.equal([g.data.min().item(), g.data.max().item()], [0, 16]);
  assert.equal(row(g.images.at(0, 0)), [0, 0, 5, 13, 9, 1, 0, 0]);
  assert.is(g.target.at(0).item(), 0);
  assert.is(g.featureNames[9], 'pixel_1_1');
});

s.run();
