// One shared WebAssembly.Memory per backend, used as an arena: each call lays out its operands
// and per-thread scratch from DATA upwards, reusing the same bytes call after call. The memory
// grows only when a call needs more than any call before it, so it stays bounded by the largest
// problem seen. Wasm memory never shrinks.
import { wasm, type WasmMemory } from './api.ts';

const PAGE = 65536;
/** Page 0 is left to AssemblyScript's statics (the module has none today). */
export const CTRL = PAGE;
/** The job's parameter block: up to 256 i32 words. */
export const PARAMS = CTRL + 256;
export const DATA = CTRL + 4096;
/** The module declares at most 65536 pages (4 GiB); pointers above 2 GiB are fine as u32. */
const MAX_PAGES = 65536;

const align = (x: number): number => Math.ceil(x / 64) * 64;

export class Arena {
  readonly memory: WasmMemory;
  f32: Float32Array;
  i32: Int32Array;

  constructor(initialPages = 64) {
    this.memory = new wasm.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Byte offsets for blocks of the given sizes (bytes), 64-byte aligned, from DATA upwards.
   * Grows the memory when needed; returns null when the blocks cannot fit in 4 GiB.
   */
  layout(sizes: readonly number[]): number[] | null {
    const offsets: number[] = [];
    let end = DATA;
    for (const s of sizes) {
      offsets.push(end);
      end = align(end + s);
    }
    if (end > MAX_PAGES * PAGE) return null;
    if (end > this.bytes) {
      this.memory.grow(Math.ceil((end - this.bytes) / PAGE));
      // a grown shared memory hands out a new, longer SharedArrayBuffer
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    return offsets;
  }

  /** Copies src[from, from + n) into the memory at byte offset ptr. */
  copyIn(ptr: number, src: Float32Array, from: number, n: number): void {
    this.f32.set(from === 0 && n === src.length ? src : src.subarray(from, from + n), ptr >>> 2);
  }

  /** Copies n floats at byte offset ptr into dst at index to. */
  copyOut(ptr: number, n: number, dst: Float32Array, to: number): void {
    const s = ptr >>> 2;
    dst.set(this.f32.subarray(s, s + n), to);
  }

  /** Writes the i32 words of a job's parameter block. */
  params(words: readonly number[]): number {
    this.i32.set(words, PARAMS >>> 2);
    return PARAMS;
  }
}

/** f32 bits as an i32 word, for parameter blocks. */
const bitsF = new Float32Array(1), bitsI = new Int32Array(bitsF.buffer);
export function f32Bits(x: number): number {
  bitsF[0] = x;
  return bitsI[0]!;
}
