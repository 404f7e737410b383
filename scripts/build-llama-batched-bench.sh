#!/usr/bin/env bash
# Builds llama.cpp's own llama-batched-bench from the same v0.5.0 source bundle, as the peer for `bestofn bench --peer`.
# Usage: scripts/build-llama-batched-bench.sh   (prints the binary's path on the last line)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$("$here/llama-source.sh")
build="$src/build-cpu"
if [ ! -x "$build/bin/llama-batched-bench" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF >&2
  cmake --build "$build" --target llama-batched-bench -j "$(nproc)" >&2
fi
echo "$build/bin/llama-batched-bench"
