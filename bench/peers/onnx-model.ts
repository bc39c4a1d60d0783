// Hand-encoded ONNX models (protobuf wire format, no onnx package): one node each, MatMul/Gemm,
// Conv or Add, opset 13, ir_version 8. Field numbers are those of onnx.proto.

class Pb {
  private readonly out: number[] = [];

  private varint(v: number): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      this.out.push(byte);
    } while (n > 0n);
  }

  int(field: number, v: number): this { this.varint(field << 3); this.varint(v); return this; }

  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }

  str(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  msg(field: number, m: Pb): this { return this.bytes(field, m.done()); }
  done(): Uint8Array { return Uint8Array.from(this.out); }
}

const FLOAT = 1;
const ATTR_INT = 2, ATTR_INTS = 7;

function valueInfo(name: string, dims: readonly number[]): Pb {
  const shape = new Pb();
  for (const d of dims) shape.msg(1, new Pb().int(1, d));
  const tensorType = new Pb().int(1, FLOAT).msg(2, shape);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

type Attr = { name: string; int: number } | { name: string; ints: readonly number[] };

function node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: readonly Attr[] = []): Pb {
  const p = new Pb();
  for (const i of inputs) p.str(1, i);
  for (const o of outputs) p.str(2, o);
  p.str(3, `${op.toLowerCase()}0`).str(4, op);
  for (const a of attrs) {
    const ap = new Pb().str(1, a.name);
    if ('int' in a) ap.int(3, a.int).int(20, ATTR_INT);
    else { for (const v of a.ints) ap.int(8, v); ap.int(20, ATTR_INTS); }
    p.msg(5, ap);
  }
  return p;
}

export interface TensorSpec { name: string; dims: readonly number[] }

/** A model of one node with float inputs and one float output. */
export function singleNodeModel(op: string, inputs: readonly TensorSpec[], output: TensorSpec, attrs: readonly Attr[] = []): Uint8Array {
  const graph = new Pb().msg(1, node(op, inputs.map((i) => i.name), [output.name], attrs)).str(2, `${op}_bench`);
  for (const i of inputs) graph.msg(11, valueInfo(i.name, i.dims));
  graph.msg(12, valueInfo(output.name, output.dims));
  return new Pb()
    .int(1, 8) // ir_version
    .str(2, 'groundup-bench')
    .msg(7, graph)
    .msg(8, new Pb().str(1, '').int(2, 13)) // opset_import: default domain, opset 13
    .done();
}

/** C = op(A)·op(B): MatMul without transposes, Gemm with transA/transB otherwise. */
export function gemmModel(m: number, n: number, k: number, transA: boolean, transB: boolean): Uint8Array {
  const A = { name: 'A', dims: transA ? [k, m] : [m, k] }, B = { name: 'B', dims: transB ? [n, k] : [k, n] };
  const Y = { name: 'Y', dims: [m, n] };
  if (!transA && !transB) return singleNodeModel('MatMul', [A, B], Y);
  return singleNodeModel('Gemm', [A, B], Y, [{ name: 'transA', int: transA ? 1 : 0 }, { name: 'transB', int: transB ? 1 : 0 }]);
}

export interface ConvSpec { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; stride: number; pad: number; outH: number; outW: number }

/** Y = Conv(X[N,C,H,W], W[O,C,kh,kw], B[O]) with stride and symmetric padding. */
export function convModel(s: ConvSpec): Uint8Array {
  return singleNodeModel(
    'Conv',
    [{ name: 'X', dims: [s.n, s.c, s.h, s.w] }, { name: 'W', dims: [s.o, s.c, s.kh, s.kw] }, { name: 'B', dims: [s.o] }],
    { name: 'Y', dims: [s.n, s.o, s.outH, s.outW] },
    [
      { name: 'kernel_shape', ints: [s.kh, s.kw] },
      { name: 'strides', ints: [s.stride, s.stride] },
      { name: 'pads', ints: [s.pad, s.pad, s.pad, s.pad] },
      { name: 'dilations', ints: [1, 1] },
      { name: 'group', int: 1 },
    ],
  );
}

/** Y = A + B on vectors of `size`. */
export function addModel(size: number): Uint8Array {
  return singleNodeModel('Add', [{ name: 'A', dims: [size] }, { name: 'B', dims: [size] }], { name: 'Y', dims: [size] });
}
