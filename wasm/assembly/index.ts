// The groundup Wasm module: float32 GEMM and conv2d kernels over one imported memory.
// Every export takes byte offsets into that memory; the host lays out operands and scratch.
export { gemmChunk, GEMM_SCRATCH } from './gemm';
export { convBackwardDataChunk, convBackwardWeightChunk, convScratchBytes } from './conv';
export { fill, addTo } from './simd';
export { indirectPrepare, indirectForwardChunk, indirectSharedBytes, indirectScratchBytes } from './indirect';
