// The IDX format of MNIST and Fashion-MNIST, raw or gzipped. Big-endian header: two zero bytes,
// a type byte (0x08 = unsigned byte), the number of dims, then each dim as a uint32; the body
// is the product of the dims in bytes. Labels are 0x00000801 ([n]), images 0x00000803
// ([n, rows, cols]).
// Everything is checked before the body is allocated: the magic, the dims, and that the body
// length is exactly the product of the dims. For gzip, the header is read from a partial
// inflate of the first bytes, the size the gzip trailer records must agree with it, and the
// full inflate is capped at that size; a corrupt or truncated stream throws DataError.
import { fileExists, gunzip, readBytes } from '#data-files';
import { DataError } from '@groundup/kernels';

/** A parsed IDX file: its magic (0x801 or 0x803), its dims and its bytes (a view, not a copy). */
export interface IdxArray {
  magic: number;
  dims: number[];
  data: Uint8Array;
}

export const IDX_LABELS = 0x801;
export const IDX_IMAGES = 0x803;
const KNOWN: Record<number, string> = { [IDX_LABELS]: 'labels, 1 dim', [IDX_IMAGES]: 'images, 3 dims' };
const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Reads and checks the header; returns the header length and the body length it implies. */
function parseHeader(head: Uint8Array, name: string): { magic: number; dims: number[]; headerLen: number; bodyLen: number } {
  if (head.length < 4) throw new DataError(`readIdx(${name}): ${head.length} bytes is too short for an IDX header (4 bytes of magic); the file is truncated or not IDX`);
  const magic = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if (!(magic in KNOWN))
    throw new DataError(`readIdx(${name}): bad magic number ${hex(magic)}; expected ${hex(IDX_LABELS)} (labels) or ${hex(IDX_IMAGES)} (images) — is this an MNIST-style IDX file (gunzipped or .gz)?`);
  const ndim = head[3]!;
  const headerLen = 4 + 4 * ndim;
  if (head.length < headerLen) throw new DataError(`readIdx(${name}): the header of a ${ndim}-dim IDX file needs ${headerLen} bytes, the file has ${head.length}; it is truncated`);
  const view = new DataView(head.buffer, head.byteOffset, headerLen);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const bodyLen = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(bodyLen) || bodyLen > 2 ** 32)
    throw new DataError(`readIdx(${name}): dims [${dims}] describe ${bodyLen} bytes, more than this reader allows (4 GiB); the header is corrupt`);
  return { magic, dims, headerLen, bodyLen };
}

/** Inflates a gzip IDX file, checking its header and recorded size before the full inflate. */
function gunzipChecked(buf: Uint8Array, name: string): Uint8Array {
  const fail = (why: string, e?: unknown): never => {
    throw new DataError(`readIdx(${name}): corrupt or truncated gzip (${why}${e instanceof Error ? `: ${e.message}` : ''}); download the file again`);
  };
  if (buf.length < 18) fail(`${buf.length} bytes is shorter than any gzip stream`);
  let head: Uint8Array = new Uint8Array(0);
  try {
    // A partial inflate of the first KiB yields the header without inflating the body.
    head = gunzip(buf.subarray(0, Math.min(buf.length, 1024)), { partial: true });
  } catch (e) {
    fail('the stream does not inflate', e);
  }
  const { headerLen, bodyLen, dims } = parseHeader(head, name);
  const total = headerLen + bodyLen;
  const recorded = new DataView(buf.buffer, buf.byteOffset + buf.length - 4, 4).getUint32(0, true);
  if (recorded !== total % 2 ** 32)
    fail(`the gzip trailer records ${recorded} inflated bytes, but the header's dims [${dims}] need ${total}`);
  let out: Uint8Array = new Uint8Array(0);
  try {
    out = gunzip(buf, { maxOutputLength: Math.max(1, total) });
  } catch (e) {
    fail('inflating failed', e);
  }
  return out;
}

/** Parses an IDX file (raw or gzip) from its bytes. `name` labels error messages. */
export function readIdx(buffer: Uint8Array, name = 'buffer'): IdxArray {
  const bytes = isGzip(buffer) ? gunzipChecked(buffer, name) : buffer;
  const { magic, dims, headerLen, bodyLen } = parseHeader(bytes, name);
  const actual = bytes.length - headerLen;
  if (actual !== bodyLen) {
    const what = actual < bodyLen ? 'is truncated' : 'has trailing bytes';
    throw new DataError(`readIdx(${name}): dims [${dims}] need ${bodyLen} bytes after the ${headerLen}-byte header, the file has ${actual}; it ${what} or its dims are wrong`);
  }
  return { magic, dims, data: bytes.subarray(headerLen) };
}

/** Reads an IDX file from disk (`.gz` or raw). */
export function readIdxFile(path: string): IdxArray {
  if (!fileExists(path)) throw new DataError(`readIdxFile: ${path} does not exist`);
  return readIdx(readBytes(path), path);
}
