#!/usr/bin/env bash
# The whole test suite, built with AddressSanitizer + UndefinedBehaviorSanitizer: the test
# command of README.md and of CI (.ci/run).
#
#   1. tools/setup.sh --deps-only: the Debian packages edgebench needs (only missing ones);
#   2. the test-only extras: clang (the sanitized build), chromium (the HTML report test),
#      pycocotools, ai-edge-litert, onnx and onnxruntime (PyPI; the COCO, .tflite and .onnx
#      cross-checks, and the ONNX Runtime peer). A test
#      whose extra cannot be installed skips, saying why;
#   3. configure and build build-sanitize/ (-DEB_SANITIZE=ON, clang);
#   4. ctest there. Any ASan or UBSan report fails its test.
#
# The release build (tools/setup.sh, in build/) runs the same suite with
# `ctest --test-dir build -j2`. It is not run here: both builds do not fit in CI's
# 30 minutes on 2 cores, and the sanitized one checks more.
set -euo pipefail

cd "$(dirname "$0")/.."
tools/setup.sh --deps-only

sudo=()
((EUID == 0)) || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
apt_install() {  # only the missing ones; apt-get update only when an install needs it
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" ||
    { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# clang builds faster under the sanitizers than g++ (about half the time per file here);
# libclang-rt holds its sanitizer runtimes, llvm its symbolizer (file:line in reports).
apt_install clang-14 libclang-rt-14-dev llvm-14
apt_install chromium ||
  echo "test: chromium could not be installed; the HTML rendering test will be skipped" >&2
python3 -c 'import pycocotools.cocoeval' 2>/dev/null || python3 -m pip install --quiet --break-system-packages pycocotools ||
  echo "test: pycocotools could not be installed; the COCO cross-check will be skipped" >&2
python3 -c 'import ai_edge_litert' 2>/dev/null || python3 -m pip install --quiet --break-system-packages ai-edge-litert ||
  echo "test: ai-edge-litert could not be installed; the .tflite equality tests will be skipped" >&2
python3 -c 'import onnx, onnxruntime' 2>/dev/null || python3 -m pip install --quiet --break-system-packages onnx onnxruntime ||
  echo "test: onnx/onnxruntime could not be installed; the ONNX Runtime round-trip and peer tests will be skipped" >&2

cmake -S . -B build-sanitize -G Ninja -DEB_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++-14
cmake --build build-sanitize -j"$(nproc)"

# Leaks are checked (third-party ones that edgebench cannot free are in tools/lsan.supp);
# protect_shadow_gap=0 lets the CUDA runtime map device memory where ASan would not.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:protect_shadow_gap=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)" --timeout 900
