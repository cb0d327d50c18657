#!/usr/bin/env bash
# Installs and builds (tools/setup.sh), installs the test-only extras, then runs the whole
# test suite through CTest. (The same suite under AddressSanitizer + UBSan is
# tools/sanitize.sh: a second build, too slow for CI's 30 minutes on 2 cores.)
set -euo pipefail

cd "$(dirname "$0")/.."
tools/setup.sh
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
ctest --test-dir build --output-on-failure -j2
