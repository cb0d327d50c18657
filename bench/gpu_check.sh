#!/usr/bin/env bash
# The gpu backend's device check, in one go:
#   1. configure and build the gpu tests and gpu_check (bench/perf/gpu_check.cpp) for CUDA
#      architectures 80 and 90 (unless CUDA_ARCHS says otherwise);
#   2. run the gpu conformance tests (CTest label "gpu"; they skip with "no CUDA device:
#      ..." where there is no GPU);
#   3. run gpu_check: conformance of M³ViT and MobileDet-GPU at batch 1 against the
#      reference (16-bit bounds from its rounding emulation), then timings at batch 1 and
#      32 in fp32, fp16 and bf16 with NVML energy, and the cpu backend beside them, as one
#      table at the end.
# tools/gpu-device-run.sh does the same on the lent device machine, with timeouts.
#
# Usage: bench/gpu_check.sh [gpu_check arguments...]
#   e.g. bench/gpu_check.sh --iterations 100 --precisions fp32,fp16
# Environment: BUILD_DIR (default build-gpu), JOBS (default: all cores), CUDA_ARCHS
# (default "80;90"), CTEST_ARGS (extra ctest arguments, e.g. "-E GpuModels" to leave the
# model-level tests to gpu_check).
# Exit status: 0 when everything passed, 1 when a test or an fp32 check failed, 2 when no
# usable GPU is present (the tests then skip and the timing is not run).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-gpu}"
jobs="${JOBS:-$(nproc)}"
archs="${CUDA_ARCHS:-80;90}"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

echo "== configure ($build, CUDA architectures $archs)"
mkdir -p "$build"
log="$build/gpu_check.configure.log"
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$archs" \
  > "$log" 2>&1 || { cat "$log"; exit 1; }
grep -E "gpu backend" "$log" || true
targets="$(cmake --build "$build" --target help)"
if ! grep -q "gpu_check" <<< "$targets"; then
  echo "the gpu backend is not part of this build (see the configure summary above)"
  exit 1
fi

echo "== build (test_gpu, gpu_check; $jobs jobs)"
cmake --build "$build" --target test_gpu gpu_check -j "$jobs" || exit 1

status=0
echo "== conformance tests (ctest -L gpu)"
# shellcheck disable=SC2086  # CTEST_ARGS is a list of arguments
(cd "$build" && ctest -L gpu --output-on-failure ${CTEST_ARGS:-}) || status=1

echo "== gpu_check $*"
"$build/bench/perf/gpu_check" "$@"
check=$?
if [ "$check" -eq 2 ]; then exit 2; fi
if [ "$check" -ne 0 ]; then status=1; fi
exit "$status"
