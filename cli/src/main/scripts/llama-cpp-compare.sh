#!/usr/bin/env bash
# Side-by-side CPU decode benchmark: llama.cpp's llama-bench against `./specula bench` on the same GGUF files,
# one thread, interleaved rounds; prints per file Specula / llama.cpp with min / median / max over the rounds.
#
#   cli/src/main/scripts/llama-cpp-compare.sh [--rounds 3] [--threads 1] [--decode-tokens 128] [--build-only] [--files F...]
#
# llama.cpp is built once from source OUTSIDE the repository (LLAMA_BUILD, default ~/.cache/specula/llama.cpp-build) from the git bundle shipped in the npm package node-llama-cpp; an existing
# build is reused. The build is never part of the tests or CI.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
build_root="${LLAMA_BUILD:-$HOME/.cache/specula/llama.cpp-build}"
rounds=3
threads=1
decode_tokens=128
build_only=false
files=()
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --decode-tokens) decode_tokens="$2"; shift 2 ;;
    --build-only) build_only=true; shift ;;
    --files) shift; while (($#)) && [[ "$1" != --* ]]; do files+=("$1"); shift; done ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "llama-cpp-compare: unknown argument $1 (expected: --rounds N, --threads N, --decode-tokens N, --build-only, --files F...)" >&2; exit 2 ;;
  esac
done

llama_bench="$build_root/build/bin/llama-bench"

build_llama_cpp() {
  mkdir -p "$build_root"
  if [[ ! -d "$build_root/src" ]]; then
    (cd "$build_root" && npm pack --silent node-llama-cpp >/dev/null && mkdir -p pkg \
      && tar -xzf node-llama-cpp-*.tgz -C pkg && git clone -q pkg/package/llama/gitRelease.bundle src)
  fi
  # Some virtualised CPUs advertise AMX but fault on it; -march=native would then emit AMX instructions.
  local extra=""
  if grep -q amx /proc/cpuinfo; then extra="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"; fi
  cmake -S "$build_root/src" -B "$build_root/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
    -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_OPENMP=ON -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
    -DCMAKE_C_FLAGS="$extra" -DCMAKE_CXX_FLAGS="$extra" >/dev/null
  nice -n 19 cmake --build "$build_root/build" --target llama-bench -j2 >/dev/null
}

if [[ ! -x "$llama_bench" ]]; then
  echo "llama-cpp-compare: building llama.cpp's llama-bench in $build_root (once; several minutes) ..." >&2
  build_llama_cpp
fi
$build_only && { echo "$llama_bench"; exit 0; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ((${#files[@]} == 0)); then
  files=("$repo/models/specula-target.gguf" "$repo/models/specula-drafter-general-kl.gguf")
  for type in Q8_0 Q4_0 F16 F32; do
    "$repo/specula" random-model --out "$tmp/random-$type.gguf" --type "$type" >/dev/null 2>&1
    files+=("$tmp/random-$type.gguf")
  done
fi

llama_tps() { # decode tokens/s of llama.cpp on $1
  "$llama_bench" -m "$1" -t "$threads" -p 0 -n "$decode_tokens" -r 3 -o csv 2>/dev/null \
    | tr -d '"' | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "avg_ts") c = i } NR > 1 { print $c }' | tail -n 1
}
specula_tps() { # decode tokens/s of Specula's vector backend on $1
  "$repo/specula" bench --model "$1" --backends vector --threads "$threads" --decode-tokens "$decode_tokens" \
    --max-k 1 --repeats 1 2>/dev/null | awk '$1 == "vector" { print $2 }'
}

declare -A ratios
for ((round = 1; round <= rounds; round++)); do
  for f in "${files[@]}"; do
    s="$(specula_tps "$f")"; l="$(llama_tps "$f")"
    echo "round $round $(basename "$f"): specula $s tok/s, llama.cpp $l tok/s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    ratios[$f]+="$(awk -v s="$s" -v l="$l" 'BEGIN { printf "%.3f ", s / l }')"
  done
done

printf '%-36s %s\n' "file ($threads thread(s), decode)" "Specula / llama.cpp: min / median / max"
for f in "${files[@]}"; do
  printf '%-36s %s\n' "$(basename "$f")" "$(tr ' ' '\n' <<<"${ratios[$f]}" | grep . | sort -g \
    | awk '{ v[NR] = $1 } END { printf "%.2fx / %.2fx / %.2fx", v[1], v[int((NR + 1) / 2)], v[NR] }')"
done
