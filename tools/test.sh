#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh --deps-only and the test-only extras), then
# builds the whole project under AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ and runs the whole test suite there through CTest (tools/sanitize.sh): one
# build, every test, checked for memory errors, leaks and undefined behaviour. (The
# release build in build/ is tools/setup.sh's; the tests are the same.)
set -euo pipefail

cd "$(dirname "$0")/.."
tools/setup.sh --deps-only
# pycocotools (PyPI) for the COCO cross-check in tests/accuracy, which skips, saying why, without it.
python3 -c 'import pycocotools.cocoeval' 2>/dev/null || python3 -m pip install --quiet --break-system-packages pycocotools ||
  echo "test: pycocotools could not be installed; the COCO cross-check will be skipped" >&2
# ai-edge-litert (PyPI, the TFLite runtime) runs the exported .tflite models in tests/edgetpu,
# which skip, saying why, without it.
python3 -c 'import ai_edge_litert' 2>/dev/null || python3 -m pip install --quiet --break-system-packages ai-edge-litert ||
  echo "test: ai-edge-litert could not be installed; the .tflite equality tests will be skipped" >&2
# chromium renders the HTML report headless in tests/reports (skipped, saying why, without it).
if ! command -v chromium >/dev/null; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y --no-install-recommends chromium ||
    { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends chromium; } ||
    echo "test: chromium could not be installed; the HTML rendering test will be skipped" >&2
fi
tools/sanitize.sh
