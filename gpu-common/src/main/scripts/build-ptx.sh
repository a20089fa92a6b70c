#!/usr/bin/env bash
# Regenerates the PTX of the CUDA kernels (gpu-common/src/main/cuda/*.cu) with nvcc, one module per family.
#   gpu-common/src/main/scripts/build-ptx.sh            writes the committed resources
#   gpu-common/src/main/scripts/build-ptx.sh OUT_DIR    writes to OUT_DIR (PtxUpToDateTest compares the two)
# Target: PTX for virtual architecture compute_90 (PTX ISA 9.0 with nvcc 13.0). The driver JIT-compiles it
# for the GPU it runs on: sm_90 (H100/H200) and any later architecture; it needs a CUDA 13 driver.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
src="$module/src/main/cuda"
out="${1:-$module/src/main/resources/dev/specula/engine/kernel/cuda}"
nvcc="${NVCC:-nvcc}"
mkdir -p "$out"
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  # No -lineinfo: the PTX must not embed this machine's paths, so that it is reproducible anywhere.
  "$nvcc" -ptx -arch=compute_90 -O3 -std=c++17 -I "$src" -o "$out/$name.ptx" "$cu"
done
