#!/bin/sh
# Runs the CUDA sources on the CPU (no GPU needed): rewrites each `kernel<<<grid, block>>>(…)`
# launch into a call to the emulator in cuda_runtime.h (one std::thread per CUDA thread for
# the kernel that uses __syncthreads, a plain loop for the others), builds with ASan/UBSan and
# checks every CUDA entry point against the CPU kernels. A check of logic and indexing, not of
# speed or of GPU-specific limits. Usage: sh addon/emulate/run.sh   (about a minute)
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../src"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in cuda_device cuda_gemm cuda_conv; do
  sed -E -e 's/\bsgemmTiled<<<([^,]+), ([^>]+)>>>\(/emuLaunchSync(sgemmTiled, \1, \2, /' \
         -e 's/\b([A-Za-z0-9_]+)<<<([^>]*[^>]), ([^>]+)>>>\(/emuLaunchSeq(\1, \2, \3, /' "$src/$f.cu" > "$out/$f.cc"
  if grep -q '<<<' "$out/$f.cc"; then echo "emulate: a launch in $f.cu was not rewritten" >&2; exit 1; fi
done
${CXX:-g++} -std=c++20 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -I"$here" -I"$src" -mavx2 -mfma \
  "$here/harness.cc" "$out"/cuda_*.cc "$src/gemm_avx2.cc" "$src/gemm_dot.cc" "$src/conv2d.cc" "$src/conv_direct.cc" "$src/im2col.cc" "$src/pool.cc" "$src/scratch.cc" \
  -o "$out/harness" -lpthread
"$out/harness"
