// fastai ch12's data: Human Numbers, the English words for 1..9999, generated here instead of
// downloaded. fastai's archive holds train.txt (one to seven thousand nine hundred ninety nine,
// 7,999 lines) and valid.txt (eight thousand one to nine thousand nine hundred ninety nine,
// 1,999 lines): eight thousand itself is in neither, so the book's joined list has 9,998 lines.
// Each line is the words and a space ("one \n"), as in the files.
//
// Then what the book builds from it: the token stream, the vocab, three-token examples, group_chunks
// and the sl = 16 sequences, and their DataLoaders (fastai's from_dsets with shuffle=False).
import { DataLoader, DataLoaders, TensorDataset } from '@groundup/data';
import { DataError } from '@groundup/kernels';
import { Tensor } from '@groundup/tensor';

const ONES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 1..9999 in words as the dataset writes them: "two thousand three hundred forty one" (no "and", no hyphen). */
export function numberWords(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new DataError(`numberWords: Human Numbers covers the integers 1..9999, got ${n}`);
  const w: string[] = [];
  if (n >= 1000) { w.push(ONES[Math.floor(n / 1000) - 1]!, 'thousand'); n %= 1000; }
  if (n >= 100) { w.push(ONES[Math.floor(n / 100) - 1]!, 'hundred'); n %= 100; }
  if (n >= 20) { w.push(TENS[Math.floor(n / 10) - 2]!); n %= 10; }
  if (n >= 10) w.push(TEENS[n - 10]!);
  else if (n > 0) w.push(ONES[n - 1]!);
  return w.join(' ');
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The two files' text, as untar_data(URLs.HUMAN_NUMBERS) would give them. */
export function humanNumbersFiles(): { 'train.txt': string; 'valid.txt': string } {
  const file = (ns: number[]): string => ns.map((n) => `${numberWords(n)} \n`).join('');
  return { 'train.txt': file(range(1, 7999)), 'valid.txt': file(range(8001, 9999)) };
}

/** Python's f.readlines(): the lines with their '\n'. */
export const readlines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l.length > 0);

export interface HumanNumbers {
  /** train.txt's lines then valid.txt's (9,998) */
  lines: string[];
  /** ' . '.join(l.strip() for l in lines) */
  text: string;
  /** text.split(' ') (63,095) */
  tokens: string[];
  /** the unique tokens in first-seen order (30): one . two three ... */
  vocab: string[];
  word2idx: Map<string, number>;
  /** the tokens as vocab indices */
  nums: number[];
}

/** The book's first cells: lines → text → tokens → vocab → nums. */
export function humanNumbers(): HumanNumbers {
  const files = humanNumbersFiles();
  const lines = [...readlines(files['train.txt']), ...readlines(files['valid.txt'])];
  const text = lines.map((l) => l.trim()).join(' . ');
  const tokens = text.split(' ');
  const vocab = [...new Set(tokens)];
  const word2idx = new Map(vocab.map((w, i) => [w, i] as const));
  const nums = tokens.map((t) => word2idx.get(t)!);
  return { lines, text, tokens, vocab, word2idx, nums };
}

const int32 = (rows: number[][], width: number): Tensor => {
  const a = new Int32Array(rows.length * width);
  rows.forEach((r, i) => a.set(r, i * width));
  return Tensor.fromData(a, width === 1 ? [rows.length] : [rows.length, width]);
};

/** An (x, y) dataset as two int32 tensors (the book's L of tuples). */
export type Seqs = TensorDataset<[Tensor, Tensor]>;

/** (tensor(nums[i:i+3]), nums[i+3]) for i in range(0, len(nums)−4, 3): 21,031 examples. */
export function threeTokenSeqs(nums: readonly number[]): Seqs {
  const xs: number[][] = [], ys: number[][] = [];
  for (let i = 0; i < nums.length - 4; i += 3) { xs.push(nums.slice(i, i + 3)); ys.push([nums[i + 3]!]); }
  return new TensorDataset(int32(xs, 3), int32(ys, 1));
}

/** (tensor(nums[i:i+sl]), tensor(nums[i+1:i+sl+1])) for i in range(0, len(nums)−sl−1, sl). */
export function lmSeqs(nums: readonly number[], sl: number): Seqs {
  const xs: number[][] = [], ys: number[][] = [];
  for (let i = 0; i < nums.length - sl - 1; i += sl) { xs.push(nums.slice(i, i + sl)); ys.push(nums.slice(i + 1, i + sl + 1)); }
  return new TensorDataset(int32(xs, sl), int32(ys, sl));
}

/** The items [start, end) of a dataset (Python's seqs[a:b]). */
export function sliceSeqs(ds: Seqs, start: number, end = ds.length): Seqs {
  const [x, y] = ds.tensors;
  return new TensorDataset(x.narrow(0, start, end - start), y.narrow(0, start, end - start));
}

/**
 * The book's group_chunks(ds, bs): m = len(ds) // bs, then items i, m+i, 2m+i, ..., (bs−1)m+i for
 * i = 0..m−1, so that row r of batch i+1 continues row r of batch i (each row reads its own stretch
 * of the stream). The len(ds) − m·bs items at the end are left out.
 */
export function groupChunksOrder(n: number, bs: number): number[] {
  const m = Math.floor(n / bs);
  if (m === 0) throw new DataError(`groupChunks: ${n} items make no batch of ${bs}`);
  const order: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < bs; j++) order.push(i + m * j);
  return order;
}

export function groupChunks(ds: Seqs, bs: number): Seqs {
  const idx = groupChunksOrder(ds.length, bs);
  const [x, y] = ds.getBatch(idx);
  return new TensorDataset(x, y);
}

/** cut = int(0.8 · len(seqs)): the book's split by position. */
export const cutOf = (n: number): number => Math.floor(n * 0.8);

/**
 * DataLoaders.from_dsets(train, valid, bs, shuffle=False[, drop_last=True]): in order, as the
 * book asks; fastai drops the last partial training batch by default, and with drop_last=True
 * the validation one too.
 */
export function fromDsets(train: Seqs, valid: Seqs, bs: number, opts: { dropLast?: boolean } = {}): DataLoaders<[Tensor, Tensor]> {
  return new DataLoaders(
    new DataLoader(train, { batchSize: bs, shuffle: false, dropLast: true }),
    new DataLoader(valid, { batchSize: bs, shuffle: false, dropLast: opts.dropLast ?? false }),
  );
}

/** The three loaders of the chapter (bs 64): three-token examples, the same grouped, sl-token sequences grouped. */
export function chapterLoaders(nums: readonly number[], bs = 64, sl = 16): {
  seqs: Seqs; plain: DataLoaders<[Tensor, Tensor]>; grouped: DataLoaders<[Tensor, Tensor]>; seqsSl: Seqs; sequences: DataLoaders<[Tensor, Tensor]>;
} {
  const seqs = threeTokenSeqs(nums), cut = cutOf(seqs.length);
  const seqsSl = lmSeqs(nums, sl), cutSl = cutOf(seqsSl.length);
  const grouped = (ds: Seqs, c: number): DataLoaders<[Tensor, Tensor]> =>
    fromDsets(groupChunks(sliceSeqs(ds, 0, c), bs), groupChunks(sliceSeqs(ds, c), bs), bs, { dropLast: true });
  return {
    seqs,
    plain: fromDsets(sliceSeqs(seqs, 0, cut), sliceSeqs(seqs, cut), bs),
    grouped: grouped(seqs, cut),
    seqsSl,
    sequences: grouped(seqsSl, cutSl),
  };
}
