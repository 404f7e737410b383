#!/usr/bin/env bash
# Builds a CUDA-enabled libllama from the same v0.5.0 source bundle that the npm natives come from.
# Needs the CUDA toolkit (nvcc) and cmake. Afterwards point BestOfN at it:
#   export BESTOFN_LLAMA_LIB_DIR=<printed folder>      (or pass --llama-lib-dir to any command)
# and run with --gpu-layers -1 to offload every layer.
# Usage: scripts/build-llama-cuda.sh [cuda architectures, default "90" for H100/H200]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch="${1:-90}"
src=$("$here/llama-source.sh")
build="$src/build-cuda"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_CUDA=ON \
      -DCMAKE_CUDA_ARCHITECTURES="$arch" -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_NATIVE=ON \
      -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF >&2
cmake --build "$build" --target llama llama-batched-bench -j "$(nproc)" >&2
echo "$build/bin"
