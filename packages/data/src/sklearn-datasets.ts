// The small datasets that Debian's python3-sklearn ships as files in
// /usr/lib/python3/dist-packages/sklearn/datasets/data/: Boston house prices (Weidman ch2–3),
// diabetes, iris and the 8×8 digits. Features come as float64 (the Weidman chapters compute in
// float64) with sklearn's feature names.
import { fileExists, gunzip, joinPath, readBytes } from '#data-files';
import { DataError, envVar } from '@groundup/kernels';
import { Tensor } from '@groundup/tensor';
import { parseNumericTable, splitCsvLine } from './csv.ts';

export const SKLEARN_DATA_DIR = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
/** The folder used when none is given: $GROUNDUP_SKLEARN_DATA_DIR, else SKLEARN_DATA_DIR. */
export const sklearnDataDir = (): string => envVar('GROUNDUP_SKLEARN_DATA_DIR') || SKLEARN_DATA_DIR;
export const SKLEARN_INSTALL = 'apt-get install -y python3-sklearn';

/** A table of features and a target, like sklearn's Bunch. */
export interface TabularDataset {
  /** float64 [N, F] */
  data: Tensor;
  /** float64 [N] for regression targets, int32 [N] for class labels */
  target: Tensor;
  featureNames: string[];
  /** the target column's name (regression) */
  targetName?: string;
  /** class names (classification) */
  targetNames?: string[];
}

export interface SklearnOptions {
  /** the data folder, default sklearnDataDir() (/usr/lib/python3/dist-packages/sklearn/datasets/data) */
  dir?: string;
}

const FILES = {
  boston: ['boston_house_prices.csv'],
  diabetes: ['diabetes_data_raw.csv.gz', 'diabetes_target.csv.gz'],
  iris: ['iris.csv'],
  digits: ['digits.csv.gz'],
} as const;
export type SklearnDatasetName = keyof typeof FILES;

/** Whether a dataset's files are there; when not, the reason holds the apt-get line. */
export function sklearnDataAvailable(name: SklearnDatasetName, dir = sklearnDataDir()): { ok: true } | { ok: false; reason: string } {
  const missing = FILES[name].map((f) => joinPath(dir, f)).filter((p) => !fileExists(p));
  if (missing.length === 0) return { ok: true };
  return { ok: false, reason: `${name}: ${missing.join(', ')} not found; the ${name} dataset ships with Debian's python3-sklearn:\n${SKLEARN_INSTALL}` };
}

const utf8 = new TextDecoder();

function read(name: SklearnDatasetName, dir: string, file: string): string {
  const av = sklearnDataAvailable(name, dir);
  if (!av.ok) throw new DataError(av.reason);
  const buf = readBytes(joinPath(dir, file));
  if (!file.endsWith('.gz')) return utf8.decode(buf);
  try {
    return utf8.decode(gunzip(buf));
  } catch (e) {
    throw new DataError(`${name}: ${joinPath(dir, file)} is not a valid gzip file (${(e as Error).message}); reinstall python3-sklearn`);
  }
}

const f64 = (rows: number[][], cols: readonly number[]): Tensor => {
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => { out[i * cols.length + j] = r[c]!; }));
  return Tensor.fromData(out, cols.length === 1 ? [rows.length] : [rows.length, cols.length]);
};
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** The first line `n,features,...` of sklearn's CSVs, checked against the rows read. */
function declared(name: string, line: string | undefined): { n: number; f: number; rest: string[] } {
  const fields = splitCsvLine(line ?? '');
  const n = Number(fields[0]), f = Number(fields[1]);
  if (!Number.isInteger(n) || !Number.isInteger(f)) throw new DataError(`${name}: the first line should be "samples,features,...", got ${JSON.stringify(line)}`);
  return { n, f, rest: fields.slice(2).filter((s) => s !== '') };
}
function checkRows(name: string, rows: number[][], n: number): void {
  if (rows.length !== n) throw new DataError(`${name}: the header declares ${n} rows, the file has ${rows.length}; it is truncated or corrupt`);
}

/**
 * Boston house prices: 506 rows of 13 features (CRIM … LSTAT) and the median value MEDV (in
 * $1000s) as the target. The file's first line is "506,13", the second the column names.
 */
export function boston({ dir = sklearnDataDir() }: SklearnOptions = {}): TabularDataset {
  const text = read('boston', dir, FILES.boston[0]);
  const lines = text.split(/\r?\n/);
  const { n, f } = declared('boston', lines[0]);
  const names = splitCsvLine(lines[1] ?? '');
  if (names.length !== f + 1) throw new DataError(`boston: line 2 should name ${f} features and the target, got ${names.length} names`);
  const rows = parseNumericTable(text, { skip: 2, width: f + 1, name: 'boston' });
  checkRows('boston', rows, n);
  return { data: f64(rows, range(0, f)), target: f64(rows, [f]), featureNames: names.slice(0, f), targetName: names[f]! };
}

export interface DiabetesOptions extends SklearnOptions {
  /**
   * false (default): the raw measurements (age in years, sex 1/2, bmi, ...).
   * true: sklearn's load_diabetes() scaling, each column centred and divided by
   * std·sqrt(n) (population std), so each column's sum of squares is 1.
   */
  scaled?: boolean;
}

/** Diabetes: 442 patients, 10 features (age, sex, bmi, bp, s1 … s6), target = disease progression after one year. */
export function diabetes({ dir = sklearnDataDir(), scaled = false }: DiabetesOptions = {}): TabularDataset {
  const x = parseNumericTable(read('diabetes', dir, FILES.diabetes[0]), { delimiter: 'whitespace', width: 10, name: 'diabetes data' });
  const y = parseNumericTable(read('diabetes', dir, FILES.diabetes[1]), { delimiter: 'whitespace', width: 1, name: 'diabetes target' });
  if (x.length !== 442 || y.length !== 442) throw new DataError(`diabetes: expected 442 rows of data and of targets, got ${x.length} and ${y.length}; reinstall python3-sklearn`);
  if (scaled) {
    const n = x.length;
    for (let j = 0; j < 10; j++) {
      const mean = x.reduce((a, r) => a + r[j]!, 0) / n;
      const std = Math.sqrt(x.reduce((a, r) => a + (r[j]! - mean) ** 2, 0) / n);
      for (const r of x) r[j] = (r[j]! - mean) / std / Math.sqrt(n);
    }
  }
  return { data: f64(x, range(0, 10)), target: f64(y, [0]), featureNames: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'], targetName: 'progression' };
}

/** Iris: 150 flowers, 4 measurements in cm, 3 classes (setosa, versicolor, virginica) as int32 labels. */
export function iris({ dir = sklearnDataDir() }: SklearnOptions = {}): TabularDataset {
  const text = read('iris', dir, FILES.iris[0]);
  const { n, f, rest } = declared('iris', text.split(/\r?\n/, 1)[0]);
  const rows = parseNumericTable(text, { skip: 1, width: f + 1, name: 'iris' });
  checkRows('iris', rows, n);
  return {
    data: f64(rows, range(0, f)),
    target: Tensor.fromData(Int32Array.from(rows, (r) => r[f]!), [n]),
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    targetNames: rest,
  };
}

/** Digits: 1797 images of 8×8 pixels valued 0..16, flat as data [1797, 64] and as images [1797, 8, 8], labels 0..9. */
export function digits({ dir = sklearnDataDir() }: SklearnOptions = {}): TabularDataset & { images: Tensor } {
  const rows = parseNumericTable(read('digits', dir, FILES.digits[0]), { width: 65, name: 'digits' });
  checkRows('digits', rows, 1797);
  const data = f64(rows, range(0, 64));
  return {
    data,
    images: data.reshape([rows.length, 8, 8]),
    target: Tensor.fromData(Int32Array.from(rows, (r) => r[64]!), [rows.length]),
    featureNames: Array.from({ length: 64 }, (_, i) => `pixel_${Math.floor(i / 8)}_${i % 8}`),
    targetNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}
