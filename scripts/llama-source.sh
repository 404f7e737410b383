#!/usr/bin/env bash
# Puts llama.cpp v0.5.0's source (the git bundle shipped in npm node-llama-cpp@3.22.1) in the cache and prints its path.
# The native libraries we load are built from this same source, so peers and custom builds match them.
set -euo pipefail
version=3.22.1
cache="${BESTOFN_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bestofn/natives}"
src="$cache/llama.cpp-src-$version"
if [ ! -f "$src/include/llama.h" ]; then
  command -v npm >/dev/null || { echo "npm is required to fetch node-llama-cpp@$version (install Node.js)" >&2; exit 1; }
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-llama-cpp@$version" >/dev/null) || { echo "npm pack node-llama-cpp@$version failed: is the npm registry reachable?" >&2; exit 1; }
  tar -xzf "$tmp"/node-llama-cpp-*.tgz -C "$tmp" package/llama/gitRelease.bundle
  rm -rf "$src.partial"
  git clone --quiet "$tmp/package/llama/gitRelease.bundle" "$src.partial" 2>/dev/null
  mv "$src.partial" "$src"
  rm -rf "$tmp"
fi
echo "$src"
