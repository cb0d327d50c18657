#!/usr/bin/env bash
# Installs and builds (tools/setup.sh), then runs the whole test suite through CTest.
set -euo pipefail

cd "$(dirname "$0")/.."
tools/setup.sh
# pycocotools (PyPI) for the COCO cross-check in tests/accuracy, which skips, saying why, without it.
python3 -c 'import pycocotools.cocoeval' 2>/dev/null || python3 -m pip install --quiet pycocotools ||
  echo "test: pycocotools could not be installed; the COCO cross-check will be skipped" >&2
ctest --test-dir build --output-on-failure -j2
