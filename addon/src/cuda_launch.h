// Kernel launches through one macro, so the same .cu sources build with nvcc and, as plain C++,
// under the CPU emulator (addon/emulate/cuda_runtime.h, GU_CUDA_EMULATE): CI runs every kernel
// without a GPU. GU_LAUNCH_SYNC marks a kernel that uses __syncthreads (one host thread per CUDA
// thread when emulated); GU_LAUNCH one that does not (a plain loop when emulated).
//   GU_LAUNCH(kernel, grid, block)(args...);
#pragma once

#ifdef GU_CUDA_EMULATE
#define GU_LAUNCH(k, g, b) ::emuLaunch((k), dim3(g), dim3(b), false)
#define GU_LAUNCH_SYNC(k, g, b) ::emuLaunch((k), dim3(g), dim3(b), true)
#else
#define GU_LAUNCH(k, g, b) k<<<(g), (b)>>>
#define GU_LAUNCH_SYNC(k, g, b) k<<<(g), (b)>>>
#endif
