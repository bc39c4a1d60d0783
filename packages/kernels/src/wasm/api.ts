// The slice of the WebAssembly JS API the wasm backends use. The project compiles without the DOM
// lib, which is where TypeScript declares WebAssembly, so the types are spelled out here.

export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(deltaPages: number): number;
}
/** A compiled module: opaque, and shareable with workers through workerData. */
export interface WasmModule { readonly __wasmModule?: never }

type Chunk = (params: number, chunk: number, tid: number) => void;
/** The exports of wasm/assembly/index.ts. Pointers are byte offsets into the shared memory. */
export interface WasmExports {
  gemmChunk: Chunk;
  convBackwardDataChunk: Chunk;
  convBackwardWeightChunk: Chunk;
  indirectForwardChunk: Chunk;
  indirectPrepare(params: number): void;
  indirectSharedBytes(c: number, kh: number, kw: number, o: number, outH: number, outW: number): number;
  indirectScratchBytes(c: number, h: number, w: number, ph: number, pw: number): number;
  convScratchBytes(c: number, kh: number, kw: number, o: number, outH: number, outW: number, group: number): number;
  fill(dst: number, n: number, v: number): void;
  addTo(dst: number, src: number, n: number): void;
  GEMM_SCRATCH: { readonly value: number };
}
export type JobName = 'gemmChunk' | 'indirectForwardChunk' | 'convBackwardDataChunk' | 'convBackwardWeightChunk';
/** Job names by index, as the pool's control block carries them to the workers. */
export const jobNames: readonly JobName[] = ['gemmChunk', 'indirectForwardChunk', 'convBackwardDataChunk', 'convBackwardWeightChunk'];

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  /** Asynchronous compile (browsers limit the synchronous one on a page's main thread). */
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
export const wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const exportNames: readonly (keyof WasmExports)[] = [...jobNames, 'indirectPrepare', 'indirectSharedBytes', 'indirectScratchBytes', 'convScratchBytes', 'fill', 'addTo', 'GEMM_SCRATCH'];

/** Export names the host needs but the module lacks (a build from older sources). */
export function missingExports(exports: unknown): string[] {
  const x = exports as Record<string, unknown>;
  return exportNames.filter((n) => x[n] === undefined);
}

export function instantiate(module: WasmModule, memory: WasmMemory): WasmExports {
  return new wasm.Instance(module, { env: { memory } }).exports as WasmExports;
}
