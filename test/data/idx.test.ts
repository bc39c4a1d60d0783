// The IDX reader on small hand-made files, raw and gzipped, and every corruption case: bad magic,
// wrong dims, truncated header or body, trailing bytes, corrupt and truncated gzip, a gzip trailer
// that disagrees with the header — each a DataError raised before the body is allocated.
import { gzipSync } from 'node:zlib';
import { DataError } from '@groundup/kernels';
import { IDX_IMAGES, IDX_LABELS, readIdx, readIdxFile, toFloat } from '@groundup/data';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsNamed } from '../helpers/assert.ts';

/** An IDX file: magic bytes 0, 0, type, ndim; dims as big-endian uint32; then the body. */
function idx(dims: number[], body: number[], type = 0x08, ndim = dims.length): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, type, ndim]);
  const v = new DataView(head.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...head, ...body]);
}
const labels = idx([5], [0, 1, 2, 3, 9]);
const images = idx([2, 2, 3], [0, 255, 128, 1, 2, 3, 10, 20, 30, 40, 50, 60]);

const s = suite('data IDX reader');

s('a labels file (0x801, [5]) and an images file (0x803, [2,2,3]), raw', () => {
  const l = readIdx(labels);
  assert.equal([l.magic, l.dims, [...l.data]], [IDX_LABELS, [5], [0, 1, 2, 3, 9]]);
  const im = readIdx(images);
  assert.equal([im.magic, im.dims], [IDX_IMAGES, [2, 2, 3]]);
  assert.equal([...im.data], [0, 255, 128, 1, 2, 3, 10, 20, 30, 40, 50, 60]);
  assert.is(im.data.buffer, images.buffer, 'the body is a view of the file, not a copy');
  const t = toFloat(im);
  assert.equal(t.shape, [2, 2, 3]);
  assert.equal(t.at(0, 0).toFlatArray(), [0, 1, 128 / 255].map(Math.fround));
});

s('the same files gzipped', () => {
  assert.equal([...readIdx(gzipSync(labels)).data], [0, 1, 2, 3, 9]);
  const im = readIdx(gzipSync(images));
  assert.equal(im.dims, [2, 2, 3]);
  assert.equal([...im.data], [...images.subarray(16)]);
  const empty = readIdx(gzipSync(idx([0], [])));
  assert.equal([empty.dims, empty.data.length], [[0], 0]);
});

s('bad magic: wrong type byte, nonzero leading bytes, unexpected dim count, not IDX at all', () => {
  throwsNamed(() => readIdx(idx([5], [0, 1, 2, 3, 4], 0x0d)), DataError, 'bad magic number 0x00000d01', '0x00000801', '0x00000803');
  const lead = labels.slice(); lead[0] = 1;
  throwsNamed(() => readIdx(lead), DataError, 'bad magic number 0x01000801');
  throwsNamed(() => readIdx(idx([5, 1], [0, 1, 2, 3, 4])), DataError, 'bad magic number 0x00000802');
  throwsNamed(() => readIdx(new TextEncoder().encode('hello, world')), DataError, 'bad magic');
  throwsNamed(() => readIdx(new Uint8Array([0, 0])), DataError, 'too short');
});

s('wrong dims and truncation: header cut short, body shorter or longer than the dims say', () => {
  throwsNamed(() => readIdx(images.subarray(0, 10)), DataError, 'needs 16 bytes', 'has 10', 'truncated');
  throwsNamed(() => readIdx(images.subarray(0, 20)), DataError, 'dims [2,2,3] need 12 bytes after the 16-byte header, the file has 4', 'is truncated');
  throwsNamed(() => readIdx(Uint8Array.from([...labels, 7])), DataError, 'need 5 bytes', 'has 6', 'trailing bytes');
  throwsNamed(() => readIdx(idx([6], [0, 1, 2, 3, 9])), DataError, 'dims [6] need 6 bytes', 'has 5');
});

s('huge dims in a tiny file are refused without allocating them', () => {
  throwsNamed(() => readIdx(idx([60000, 28, 28], [1, 2, 3])), DataError, 'dims [60000,28,28] need 47040000 bytes', 'has 3');
  throwsNamed(() => readIdx(idx([0xffffffff, 0xffffffff, 0xffffffff], [1])), DataError, 'more than this reader allows');
  // gzipped: the trailer's recorded size disagrees, so nothing is inflated past the header
  throwsNamed(() => readIdx(gzipSync(idx([60000, 28, 28], [1, 2, 3]))), DataError, 'trailer records 19 inflated bytes', 'need 47040016');
});

s('corrupt gzip: flipped bytes, cut short, a trailer that lies, garbage after the magic', () => {
  const gz = gzipSync(idx([300], Array.from({ length: 300 }, (_, i) => (i * 7) % 256)));
  const flipped = Uint8Array.from(gz); flipped[gz.length - 12]! ^= 0xff;
  throwsNamed(() => readIdx(flipped), DataError, 'corrupt or truncated gzip');
  throwsNamed(() => readIdx(gz.subarray(0, gz.length - 6)), DataError, 'corrupt or truncated gzip');
  const crc = Uint8Array.from(gz); crc[gz.length - 8]! ^= 0x01;
  throwsNamed(() => readIdx(crc), DataError, 'corrupt or truncated gzip');
  const lies = Uint8Array.from(gz); new DataView(lies.buffer).setUint32(gz.length - 4, 9999, true);
  throwsNamed(() => readIdx(lies), DataError, 'corrupt or truncated gzip');
  // a file larger than the 1 KiB read for the header: the trailer is checked before inflating
  let x = 1;
  const noisy = gzipSync(idx([5000], Array.from({ length: 5000 }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) >> 23)));
  assert.ok(noisy.length > 1024);
  assert.is(readIdx(noisy).dims[0], 5000);
  const lies2 = Uint8Array.from(noisy); new DataView(lies2.buffer).setUint32(noisy.length - 4, 9999, true);
  throwsNamed(() => readIdx(lies2), DataError, 'trailer records 9999 inflated bytes', 'need 5008');
  throwsNamed(() => readIdx(noisy.subarray(0, 3000)), DataError, 'corrupt or truncated gzip');
  throwsNamed(() => readIdx(Uint8Array.from([0x1f, 0x8b, ...new Array<number>(30).fill(0x55)])), DataError, 'corrupt or truncated gzip');
  throwsNamed(() => readIdx(Uint8Array.from([0x1f, 0x8b, 8])), DataError, 'shorter than any gzip stream');
});

s('readIdxFile: a missing file is a DataError', () => {
  throwsNamed(() => readIdxFile('/nonexistent/train-images-idx3-ubyte.gz'), DataError, '/nonexistent/train-images-idx3-ubyte.gz does not exist');
});

s.run();
