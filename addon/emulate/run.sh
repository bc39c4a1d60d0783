#!/bin/sh
# Runs the CUDA sources on the CPU (no GPU needed): builds addon/src/*.cu as C++ against the
# emulator in cuda_runtime.h (GU_LAUNCH becomes a call to it: a plain loop per CUDA thread for
# kernels without __syncthreads, one fiber per CUDA thread for those with it), with
# ASan/UBSan, and checks every host-pointer CUDA entry point against the CPU kernels. A check of
# logic and indexing, not of speed or of GPU-specific limits. The device-tensor kernels run in the
# emulated addon instead (test/kernels/cuda-device-emulate.test.ts). Usage: sh addon/emulate/run.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../src"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${CXX:-g++} -std=c++20 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -DGU_CUDA_EMULATE=1 -I"$here" -I"$src" -mavx2 -mfma \
  "$here/harness.cc" -x c++ "$src"/cuda_device.cu "$src"/cuda_gemm.cu "$src"/cuda_conv.cu "$src"/cuda_memory.cu "$src"/cuda_ops.cu -x none \
  "$src/gemm_avx2.cc" "$src/gemm_dot.cc" "$src/conv2d.cc" "$src/conv_direct.cc" "$src/im2col.cc" "$src/pool.cc" "$src/scratch.cc" \
  -o "$out/harness" -lpthread
"$out/harness"
