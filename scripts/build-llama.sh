#!/usr/bin/env bash
# Builds llama.cpp v0.5.0 (the source bundle the npm natives come from) for this machine, once, into the cache,
# and prints the folder holding libllama/libggml (and any tools asked for) on the last line.
#   scripts/build-llama.sh                        the shared libraries, native CPU flags (what `dotnet build` runs)
#   scripts/build-llama.sh --tools                also llama-server and llama-batched-bench (benchmark peers, server tests)
#   scripts/build-llama.sh --cuda [ARCH]          the CUDA build (needs nvcc; ARCH defaults to 90 for H100/H200)
# The build folder is keyed by the CPU (model and flags), and its bin/cpu.txt names that CPU: a cache on shared
# storage never hands one machine's -march=native build to another. BestOfN loads the build whose cpu.txt matches
# this machine (see LlamaRuntime). Progress goes to stderr; the full log stays in the build folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cuda=""; tools=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda) cuda="90"; if [ $# -gt 1 ] && [[ "$2" =~ ^[0-9][0-9,]*$ ]]; then cuda="$2"; shift; fi ;;
    --tools) tools=1 ;;
    *) echo "build-llama.sh: unknown option $1 (expected --tools or --cuda [ARCH])" >&2; exit 2 ;;
  esac
  shift
done
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-llama.sh: $tool is required to build llama.cpp from source" >&2; exit 3; }
done

src=$("$here/llama-source.sh")
cpu=$( { grep -m1 '^model name' /proc/cpuinfo 2>/dev/null || true; grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null || true; } )
fingerprint=$( { uname -m; printf '%s\n' "$cpu"; c++ --version | head -1; } | sha256sum | cut -c1-12)
variant=${cuda:+cuda$cuda}; variant=${variant:-cpu}
build="$(dirname "$src")/llama.cpp-build-$variant-$fingerprint"
targets=(llama)
[ "$tools" = 1 ] && targets+=(llama-server llama-batched-bench)

built() {
  [ -f "$build/bin/cpu.txt" ] || return 1
  [ "$tools" = 0 ] || { [ -x "$build/bin/llama-server" ] && [ -x "$build/bin/llama-batched-bench" ]; }
}
mkdir -p "$build"
# Two builds at once (parallel `dotnet build`s) would share one cmake tree: the second waits for the first.
if command -v flock >/dev/null; then exec 9>"$build.lock"; flock 9; fi
if ! built; then
  log="$build/build.log"
  flags=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF
         -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$build/bin"
         -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$build/bin")
  [ -n "$cuda" ] && flags+=(-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$cuda")
  echo "Building llama.cpp v0.5.0 for this CPU (${targets[*]}), once, into $build (about 10 minutes on 2 cores)" >&2
  cmake -S "$src" -B "$build" "${flags[@]}" >"$log" 2>&1 || { tail -20 "$log" >&2; echo "build-llama.sh: cmake configure failed; log: $log" >&2; exit 4; }
  set +e
  cmake --build "$build" --config Release --target "${targets[@]}" -j "$(nproc)" 2>&1 | tee -a "$log" | {
    shown=-1
    while IFS= read -r line; do
      [[ "$line" =~ ^\[\ *([0-9]+)%\] ]] || continue
      percent=${BASH_REMATCH[1]}
      if [ -t 2 ]; then printf '\r  llama.cpp natives: %3s%% built' "$percent" >&2
      elif [ $((percent / 10)) -gt "$shown" ]; then shown=$((percent / 10)); echo "  llama.cpp natives: $percent% built" >&2; fi
    done
    [ -t 2 ] && printf '\n' >&2
    true
  }
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" = 0 ] || { tail -30 "$log" >&2; echo "build-llama.sh: the build failed; log: $log" >&2; exit 4; }
  printf '%s\n' "$cpu" > "$build/bin/cpu.txt"
fi
echo "$build/bin"
