// torch.cuda's questions and memory functions, for CUDA tensors (the caching allocator's counters).
import { cudaRuntime, requireCuda, type CudaMemoryStats } from '@groundup/kernels';

const stats = (call: string): CudaMemoryStats => requireCuda(`cuda.${call}()`).memoryStats();

export const cuda = {
  /** Whether a GPU answers (and the addon was built with nvcc). */
  isAvailable: (): boolean => cudaRuntime().ok,
  /** Why there is no GPU here, or null when there is one. */
  unavailableReason: (): string | null => { const r = cudaRuntime(); return r.ok ? null : r.reason; },
  /** "NVIDIA H200 (sm_90, …)". */
  getDeviceName: (): string => requireCuda('cuda.getDeviceName()').device,
  /** Bytes held by live tensors (their allocator size classes), as torch.cuda.memory_allocated(). */
  memoryAllocated: (): number => stats('memoryAllocated').allocated,
  maxMemoryAllocated: (): number => stats('maxMemoryAllocated').maxAllocated,
  /** Bytes taken from the driver: allocated plus the allocator's cache. */
  memoryReserved: (): number => stats('memoryReserved').reserved,
  maxMemoryReserved: (): number => stats('maxMemoryReserved').maxReserved,
  /** All the allocator's counters, calls to cudaMalloc included. */
  memoryStats: (): CudaMemoryStats => stats('memoryStats'),
  resetPeakMemoryStats: (): void => requireCuda('cuda.resetPeakMemoryStats()').resetPeakMemoryStats(),
  /** Returns the cached blocks no tensor holds to the driver. */
  emptyCache: (): void => { const r = cudaRuntime(); if (r.ok) r.runtime.emptyCache(); },
  /** Waits for the device's queued work (timing; .item(), .cpu() and printing wait anyway). */
  synchronize: (): void => requireCuda('cuda.synchronize()').synchronize(),
};
