#!/usr/bin/env bash
# Installs and builds (tools/setup.sh), then runs the whole test suite through CTest.
set -euo pipefail

cd "$(dirname "$0")/.."
tools/setup.sh
ctest --test-dir build --output-on-failure -j2
