// safetensors: round trips (every dtype, scalars, empty and strided tensors, metadata), atomic
// saves, and both directions with PyTorch:
//  - test/fixtures/nn-torch.safetensors was written by PyTorch (scripts/fixtures/nn.py writes the
//    bytes by hand); it loads strictly into the groundup FixtureNet and gives torch's outputs.
//  - test/fixtures/nn-groundup.safetensors was written by groundup (scripts/fixtures/
//    nn_groundup_writer.ts, run once); nn.py loads it into the torch FixtureNet and asserts
//    groundup's recorded outputs (a test cannot run torch, so that half is checked when the
//    fixtures are regenerated). Here: it loads back into groundup with those outputs, and
//    re-serialising it gives the same bytes, so the writer has not drifted from the checked file.
// Then every kind of corrupt file throws SerializationError, before any tensor is allocated.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, noGrad, randn, tensor, zeros, SerializationError, Tensor } from 'groundup';
import { deserializeSafetensors, load, loadInto, loadSafetensors, save, serializeSafetensors } from '@groundup/nn';
import { throwsNamed } from '../helpers/assert.ts';
import { FixtureNet } from './helpers/fixture-net.ts';
import { close, dec, fixturePath, readFixture, type TensorJson } from './helpers/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'groundup-nn-'));

const rt = suite('nn: safetensors round trip');
rt('every dtype, scalars, empty and non-contiguous tensors, metadata', () => {
  const t = {
    f32: randn(3, 4), f64: randn([2, 2], { dtype: 'float64' }), i32: tensor([[1, -2], [3, 2147483647]], { dtype: 'int32' }),
    b: tensor([true, false, true]), scalar: tensor(3.5), empty: zeros(0, 3), strided: arange(12).reshape(3, 4).t(),
  };
  const bytes = serializeSafetensors(t, { format: 'pt', note: 'hi' });
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is(headerLen % 8, 0, 'the header is padded to 8 bytes');
  const back = deserializeSafetensors(bytes);
  assert.equal({ ...back.metadata }, { format: 'pt', note: 'hi' });
  assert.equal(Object.keys(back.tensors).sort(), Object.keys(t).sort());
  for (const [k, v] of Object.entries(t)) {
    const w = back.tensors[k]!;
    assert.is(w.dtype, v.dtype, k);
    assert.equal([...w.shape], [...v.shape], k);
    assert.equal(w.toFlatArray(), v.toFlatArray(), k);
  }
});
rt('save/load a model file; saving is atomic and leaves no temp file; overwrite works', () => {
  const net = new FixtureNet();
  noGrad(() => net.call(randn(4, 1, 6, 6)));
  const path = join(dir, 'model.safetensors');
  save(net, path, { metadata: { epoch: '3' } });
  save(net, path);
  assert.equal(readdirSync(dir), ['model.safetensors']);
  const other = new FixtureNet();
  assert.equal(loadInto(other, path), { missingKeys: [], unexpectedKeys: [] });
  net.eval(); other.eval();
  const x = randn(2, 1, 6, 6);
  assert.ok(net.call(x).allclose(other.call(x)));
  assert.equal(Object.keys(load(path)), Object.keys(net.stateDict()));
  throwsNamed(() => save(net, join(dir, 'missing-dir', 'm.safetensors')), SerializationError, 'cannot write', 'missing-dir');
  throwsNamed(() => load(join(dir, 'nope.safetensors')), SerializationError, 'cannot read', 'nope.safetensors');
  assert.equal(readdirSync(dir), ['model.safetensors']);
});
rt.run();

interface IoFixture { keys: string[]; input: TensorJson; evalOutput: TensorJson; trainOutput?: TensorJson }
const torchIo = suite('nn: safetensors with PyTorch');
torchIo('a file written by PyTorch loads strictly into the groundup model and gives torch\'s outputs', () => {
  const ref = readFixture<IoFixture>('nn-torch.json');
  const { tensors, metadata } = loadSafetensors(fixturePath('nn-torch.safetensors'));
  assert.is(metadata, null);
  assert.equal(Object.keys(tensors), ref.keys);
  assert.is(tensors['conv_block.1.num_batches_tracked']!.dtype, 'int32', 'torch\'s I64 becomes int32');
  const net = new FixtureNet();
  net.loadStateDict(tensors);
  net.eval();
  close(net.call(dec(ref.input)), ref.evalOutput, 'eval output');
  net.train();
  close(net.call(dec(ref.input)), ref.trainOutput!, 'train output (batch statistics)');
});
torchIo('the file groundup wrote for PyTorch reads back with its outputs, and re-serialises to the same bytes', () => {
  const ref = readFixture<IoFixture>('nn-groundup.json');
  const bytes = readFileSync(fixturePath('nn-groundup.safetensors'));
  const { tensors, metadata } = deserializeSafetensors(bytes);
  assert.equal(Object.keys(tensors), ref.keys);
  const again = serializeSafetensors(tensors, metadata);
  assert.ok(Buffer.from(again).equals(bytes), 'serialize(deserialize(file)) is byte-identical to the file torch checked');
  const net = new FixtureNet();
  net.loadStateDict(tensors);
  net.eval();
  close(net.call(dec(ref.input)), ref.evalOutput, 'eval output');
});
torchIo.run();

// ---------------------------------------------------------------- corrupt files
/** A file from a header object (or raw header text or bytes) and a data section. */
function file(header: unknown, data: number | Uint8Array, headerLength?: bigint): Uint8Array {
  const h = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

/** deserialize(bytes) and load(file) both throw SerializationError matching the patterns, having allocated no tensor. */
function refuses(bytes: Uint8Array, ...patterns: string[]): void {
  const orig = Tensor.fromData;
  let made = 0;
  Tensor.fromData = (d, s) => { made++; return orig(d, s); };
  try {
    throwsNamed(() => deserializeSafetensors(bytes), SerializationError, ...patterns);
    const path = join(dir, 'corrupt.safetensors');
    writeFileSync(path, bytes);
    throwsNamed(() => load(path), SerializationError, 'corrupt.safetensors', ...patterns);
  } finally {
    Tensor.fromData = orig;
  }
  assert.is(made, 0, 'no tensor was allocated');
}

const proto = suite('nn: safetensors names that are Object-prototype keys');
const protoNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
proto('tensors named __proto__, constructor, toString... round-trip through bytes and files', () => {
  const src = Object.fromEntries(protoNames.map((k, i) => [k, tensor([i, i + 0.5])]));
  const bytes = serializeSafetensors(src, Object.fromEntries([['__proto__', 'meta'], ['note', 'x']]));
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  assert.equal(Object.keys(header).filter((k) => k !== '__metadata__').sort(), [...protoNames].sort(), 'every name is in the header');
  for (const back of [deserializeSafetensors(bytes), loadSafetensors((writeFileSync(join(dir, 'proto.safetensors'), bytes), join(dir, 'proto.safetensors')))]) {
    assert.equal(Object.keys(back.tensors).sort(), [...protoNames].sort());
    assert.is(Object.getPrototypeOf(back.tensors), null, 'a null-prototype map: no key can replace its prototype');
    protoNames.forEach((k, i) => assert.equal(back.tensors[k]!.toFlatArray(), [i, i + 0.5], k));
    assert.is(back.metadata?.['__proto__'], 'meta');
    assert.is(back.metadata?.['note'], 'x');
  }
  save(src, join(dir, 'proto2.safetensors'));
  assert.equal(Object.keys(load(join(dir, 'proto2.safetensors'))).sort(), [...protoNames].sort());
});
proto('a strict loadInto reports __proto__ and constructor as unexpected keys', () => {
  const net = new FixtureNet();
  for (const extra of ['__proto__', 'constructor', 'toString']) {
    const sd = { ...net.stateDict() };
    Object.defineProperty(sd, extra, { value: tensor([1]), enumerable: true, configurable: true, writable: true });
    throwsNamed(() => net.loadStateDict(sd), SerializationError, 'unexpected key(s)', `'${extra}'`);
    const path = join(dir, `extra-${extra}.safetensors`);
    save(sd, path);
    throwsNamed(() => loadInto(net, path), SerializationError, 'unexpected key(s)', `'${extra}'`);
    assert.equal(loadInto(net, path, { strict: false }).unexpectedKeys, [extra]);
  }
  assert.is(Object.getPrototypeOf(net.stateDict()), null);
});
proto.run();

const misuse = suite('nn: save/load called the wrong way round');
misuse('load(model, path) says to use loadInto(model, path); save(path, model) names the order', () => {
  const net = new FixtureNet();
  const path = join(dir, 'm.safetensors');
  save(net, path);
  const e = throwsNamed(() => (load as unknown as (m: unknown, p: string) => unknown)(net, path), SerializationError, 'use loadInto(model, ', path);
  assert.not.match(e.message, 'Sequential(', 'the message does not print the model as a path');
  throwsNamed(() => (save as unknown as (p: string, m: unknown) => unknown)(path, net), SerializationError, 'save: the arguments are (model or state dict, path)');
  throwsNamed(() => (load as unknown as (p: unknown) => unknown)(42), SerializationError, 'load: expected a file path (a string), got number');
});
misuse.run();

const bad = suite('nn: corrupt safetensors files throw SerializationError before allocating');
const good = { a: entry('F32', [2], 0, 8), b: entry('I32', [1], 8, 12) };
bad('a valid file for reference', () => {
  assert.equal(Object.keys(deserializeSafetensors(file(good, 12)).tensors), ['a', 'b']);
});
bad('shorter than the 8-byte header length', () => refuses(new Uint8Array(5), '5 bytes', '8-byte header length'));
bad('bad header length (too small for JSON)', () => refuses(file(good, 12, 1n), 'header length is 1'));
bad('header length beyond the file', () => refuses(file(good, 12, 1000000n), 'header length 1000000 runs past the end of the file'));
bad('header length of 2^64 − 1', () => refuses(file(good, 12, 0xffffffffffffffffn), 'runs past the end'));
bad('header that is not JSON, not UTF-8, or not an object', () => {
  refuses(file('{"a": {"dtype": "F32",', 12), 'not valid JSON');
  refuses(file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 0), 'not valid UTF-8');
  refuses(file('[1, 2]', 0), 'must be a JSON object', 'array');
});
bad('offsets out of range', () => refuses(file({ a: entry('F32', [2], 0, 8), b: entry('I32', [1], 8, 12) }, 10), "'b'", '[8, 12]', 'past the end of the data section (10 bytes)'));
bad('truncated body: the file was cut short', () => {
  const whole = file(good, 12);
  refuses(whole.subarray(0, whole.length - 3), 'truncated');
});
bad('overlapping offsets', () => refuses(file({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, 12), "'b'", 'overlaps', "'a'"));
bad('a gap between tensors, and trailing bytes', () => {
  refuses(file({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, 12), 'belong to no tensor', "before 'b'");
  refuses(file({ a: entry('F32', [1], 0, 4) }, 12), '8 trailing byte(s)');
});
bad('unknown dtype', () => refuses(file({ a: entry('F16', [2], 0, 4) }, 4), "'a'", 'unknown dtype "F16"', 'F32, F64, I32, I64, BOOL'));
bad('shape × item size differs from the byte length', () => refuses(file({ a: entry('F32', [3], 0, 8) }, 8), "'a'", '3 × 4 = 12 bytes', 'hold 8'));
bad('a byte range larger than the shape needs is refused (not a raw RangeError)', () => {
  refuses(file({ a: entry('F32', [1], 0, 8) }, 8), "'a'", 'shape [1] of F32 needs 1 × 4 = 4 bytes but data_offsets [0, 8] hold 8');
  refuses(file({ a: entry('I64', [1], 0, 16) }, 16), "'a'", 'needs 1 × 8 = 8 bytes', 'hold 16');
  refuses(file({ a: entry('BOOL', [], 0, 2) }, 2), "'a'", 'needs 1 × 1 = 1 bytes', 'hold 2');
});
bad('dtype names that are Object-prototype keys are unknown dtypes', () => {
  for (const d of ['toString', 'constructor', '__proto__', 'hasOwnProperty'])
    refuses(file({ a: entry(d, [1], 0, 4) }, 4), "'a'", `unknown dtype "${d}"`, 'F32, F64, I32, I64, BOOL');
});
bad('malformed shape, offsets and metadata; every bad entry is listed', () => {
  refuses(file({ a: entry('F32', [-1], 0, 4), b: { dtype: 'F32', shape: [1], data_offsets: [4] }, __metadata__: { n: 1 } }, 4),
    "'a': shape must be", "'b': data_offsets must be", '__metadata__ must be an object of string values');
});
bad('an int64 value outside int32 is refused with the key named', () => {
  const d = new Uint8Array(8);
  new DataView(d.buffer).setBigInt64(0, 1n << 40n, true);
  throwsNamed(() => deserializeSafetensors(file({ big: entry('I64', [1], 0, 8) }, d)), SerializationError, "'big'", 'int32 range');
});
bad.after(() => rmSync(dir, { recursive: true, force: true }));
bad.run();
