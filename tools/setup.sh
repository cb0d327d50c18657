#!/usr/bin/env bash
# Installs what edgebench needs on Debian 12 (only the packages that are missing), then
# configures build/ with Ninja and builds the edgebench tool there. Safe to run again: it
# does only what is left to do.
#
#   tools/setup.sh [--deps-only]      --deps-only: install, do not build
set -euo pipefail
deps_only=false
case "${1:-}" in
  --deps-only) deps_only=true ;;
  "") ;;
  *) echo "setup: unknown argument '$1' (usage: tools/setup.sh [--deps-only])" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."

packages=(cmake g++ ninja-build git libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev
          libdnnl-dev libjpeg-dev libpng-dev python3-pip flatbuffers-compiler libflatbuffers-dev
          # Debian's oneDNN CMake package asks for OpenCL, which libdnnl-dev only recommends
          ocl-icd-opencl-dev
          # XRT 2.13, for the fpga backend's XRT runner (its no-hardware mode runs in the tests);
          # uuid-dev because XRT's headers call libuuid inline
          libxrt-dev libxrt1 uuid-dev
          # ONNX 1.12's protobuf classes and checker, for `edgebench export --format onnx`
          libonnx-dev libprotobuf-dev protobuf-compiler)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "setup: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

$deps_only && exit 0
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
# The tool only: the tests and benchmark programs build with `cmake --build build` (and
# tools/test.sh builds and runs the suite under the sanitizers), so a new user waits for
# what the README's first command runs and nothing else.
cmake --build build -j"$(nproc)" --target edgebench
