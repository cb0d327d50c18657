#!/usr/bin/env bash
# The GPU check on a lent device machine, in one command (README.md, "GPU": the exact
# `run` call). Run there, from the repository root, with .gpu-deps/ carried in (made here
# by tools/gpu-device-prepare.sh). Each step has its own time limit (seconds, from the
# environment variable named, default in brackets), all together at most EB_T_TOTAL [540],
# and everything written goes under $OUT, which the tool brings back:
#
#   1. configure build-device/ for CUDA architecture 90 against .gpu-deps/ and the
#      machine's cuDNN and cuBLAS (/usr/local/cuda's, else NVIDIA's wheels, found
#      through python3)                                               EB_T_CONFIGURE [90]
#   2. build only test_gpu and gpu_check, all cores                    EB_T_BUILD [360]
#   3. the gpu tests (ctest -L gpu, 4 at a time): a test skips, saying
#      why, without a GPU                                              EB_T_TEST [180]
#   4. bench/perf/gpu_check: conformance, timings per workload, batch
#      and precision, NVML energy, the cpu backend beside it           EB_T_CHECK [240]
#
#   $OUT/gpu-device-run.log   everything printed, with each step's time and status
#   $OUT/ctest-gpu.xml        the tests' results (JUnit)
#   $OUT/gpu_check.json       the check's table, each figure with its provenance
#
#   tools/gpu-device-run.sh [gpu_check arguments...]
#   EB_CONFIGURE_ONLY=1 tools/gpu-device-run.sh    # stops after step 1 (a look at the setup)
#
# Exit status: 0 all passed; 1 a step failed or ran out of time; 2 no usable GPU (the
# tests skipped and gpu_check said why: what a rehearsal without a device ends with).
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out=${OUT:-$repo/gpu-out}
mkdir -p "$out"
exec > >(tee "$out/gpu-device-run.log") 2>&1

deps=$repo/.gpu-deps
build=$repo/build-device
arch_lib=$deps/usr/lib/x86_64-linux-gnu
jobs=$(nproc)
status=0
t_start=$SECONDS

total=${EB_T_TOTAL:-540}  # all steps together: inside the tool's 600 s for one command
step() {  # step NAME LIMIT COMMAND...: runs it under `timeout`, reports time and status
  local name=$1 limit=$2 t0=$SECONDS rc left
  shift 2
  left=$((total - (SECONDS - t_start)))
  ((limit <= left)) || limit=$left
  if ((limit < 5)); then echo "== $name: not run, the ${total} s of all steps are spent"; return 124; fi
  echo "== $name (limit ${limit} s)"
  timeout --kill-after=10 "$limit" "$@"
  rc=$?
  if ((rc == 124 || rc == 137)); then echo "== $name: ran out of its ${limit} s"; fi
  echo "== $name: exit status $rc after $((SECONDS - t0)) s"
  return $rc
}

[[ -f $deps/PACKAGES ]] || { echo "gpu-device-run: .gpu-deps/ is missing: run tools/gpu-device-prepare.sh here and carry .gpu-deps"; exit 1; }
export PATH=/usr/local/cuda/bin:$PATH
command -v nvcc > /dev/null || { echo "gpu-device-run: no nvcc on PATH or in /usr/local/cuda/bin"; exit 1; }
echo "== machine: $(nproc) cores; $(nvcc --version | tail -1); $(g++ --version | head -1); $(cmake --version | head -1)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2> /dev/null || echo "nvidia-smi: no GPU answers"

# cuDNN (and cuBLAS, should the toolkit lack it): the toolkit's, else NVIDIA's wheels
# under python3's site-packages/nvidia (nvidia-cudnn-cu13, nvidia-cublas), whose libraries
# have only their versioned names: a link with the plain name is made for find_library.
nv_root=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2> /dev/null)
extra=()
from_wheel() {  # from_wheel LIBNAME HEADER: sets lib and inc from the wheels, or fails
  local found
  lib="" inc=""
  [[ -n $nv_root ]] || return 1
  found=$(find "$nv_root" -maxdepth 4 -name "$1.so.[0-9]*" | sort | head -1)
  inc=$(dirname "$(find "$nv_root" -maxdepth 4 -name "$2" | head -1)")
  [[ -n $found && -f $inc/$2 ]] || return 1
  mkdir -p "$build/wheel-links"
  ln -sfn "$found" "$build/wheel-links/$1.so"
  lib=$build/wheel-links/$1.so
  export LD_LIBRARY_PATH=$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
}
cudnn_inc=/usr/local/cuda/include
cudnn_lib=$(ls /usr/local/cuda/lib64/libcudnn.so* 2> /dev/null | head -1)
if [[ ! -f $cudnn_inc/cudnn_version.h || -z $cudnn_lib ]]; then
  from_wheel libcudnn cudnn_version.h ||
    { echo "gpu-device-run: cuDNN found neither in /usr/local/cuda nor as the nvidia-cudnn-cu13 wheel"; exit 1; }
  cudnn_lib=$lib cudnn_inc=$inc
fi
if ! ls /usr/local/cuda/lib64/libcublasLt.so* > /dev/null 2>&1; then
  for l in libcublas libcublasLt; do
    from_wheel $l cublas_v2.h || { echo "gpu-device-run: cuBLAS found neither in /usr/local/cuda nor as a wheel"; exit 1; }
    extra+=(-DCUDA_${l#lib}_LIBRARY="$lib")
  done
  extra+=(-DCMAKE_CXX_FLAGS="-isystem $inc" -DCMAKE_CUDA_FLAGS="-isystem $inc")
  echo "== cuBLAS: from the wheel ($inc)"
fi
echo "== cuDNN: $cudnn_lib (headers $cudnn_inc)"
# The carried shared libraries (fmt, oneDNN, the OpenCL loader) for the programs built,
# and for the test listing CMake runs at build time.
export LD_LIBRARY_PATH=$arch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

configure=(cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90
  -DCMAKE_PREFIX_PATH="$deps/usr"
  -Dfmt_DIR="$arch_lib/cmake/fmt" -DGTest_DIR="$arch_lib/cmake/GTest" -Ddnnl_DIR="$arch_lib/cmake/dnnl"
  -Dnlohmann_json_DIR="$deps/usr/share/cmake/nlohmann_json" -DCLI11_DIR="$deps/usr/share/cmake/CLI11"
  -DJPEG_LIBRARY="$arch_lib/libjpeg.a" -DJPEG_INCLUDE_DIR="$deps/usr/include;$deps/usr/include/x86_64-linux-gnu"
  -DPNG_LIBRARY="$arch_lib/libpng16.a" -DPNG_PNG_INCLUDE_DIR="$deps/usr/include/libpng16"
  -DZLIB_LIBRARY="$arch_lib/libz.a" -DZLIB_INCLUDE_DIR="$deps/usr/include"
  -DEB_CUDNN_LIBRARY="$cudnn_lib" -DEB_CUDNN_INCLUDE_DIR="$cudnn_inc" "${extra[@]}")
step configure "${EB_T_CONFIGURE:-90}" "${configure[@]}" || exit 1
targets=$(cmake --build "$build" --target help)  # (whole, not piped into grep -q: SIGPIPE)
if ! grep -q "gpu_check" <<< "$targets"; then
  echo "gpu-device-run: the gpu backend is not part of this build (see the configure summary above)"
  exit 1
fi
[[ -z ${EB_CONFIGURE_ONLY:-} ]] || exit 0  # (a quick look at the configuration)

step build "${EB_T_BUILD:-360}" cmake --build "$build" --target test_gpu gpu_check -j "$jobs" || exit 1

step "gpu tests" "${EB_T_TEST:-180}" ctest --test-dir "$build" -L gpu --output-on-failure --timeout 150 -j 4 \
  --output-junit "$out/ctest-gpu.xml" || status=1

step gpu_check "${EB_T_CHECK:-240}" "$build/bench/perf/gpu_check" --json "$out/gpu_check.json" "$@"
check=$?
if ((check == 2)); then
  echo "gpu-device-run: no usable GPU here (the tests skipped; gpu_check said why above) after $((SECONDS - t_start)) s"
  exit 2
fi
((check == 0)) || status=1
echo "gpu-device-run: $( ((status == 0)) && echo "all passed" || echo "FAILED (see above)") after $((SECONDS - t_start)) s"
exit $status
