#!/usr/bin/env bash
# Prepares, here, what the GPU check needs on a lent device machine (the `device` tool's
# `run`): that machine is a bare CUDA image — nvcc, CMake, ninja, g++, Python with PyTorch
# and the nvidia-cudnn-cu13 wheel — with no Debian development packages and no network.
# This downloads the Debian 12 packages the GPU build needs there and unpacks them into
# .gpu-deps/ (ignored by git; the tool carries it, 64 MiB at most with everything else):
#
#   header-only   nlohmann-json3-dev, libcli11-dev
#   static        libgtest-dev (libgtest.a), libjpeg62-turbo-dev, libpng-dev, zlib1g-dev
#                 (the harness's image decoders, linked from their .a so no runtime library
#                 has to match the image's)
#   shared        libfmt-dev + libfmt9; and, unless --no-cpu, oneDNN (libdnnl-dev,
#                 libdnnl2, the OpenCL loader and headers its CMake package asks for), so
#                 that the cpu backend is timed beside the gpu on the same machine
#
# tools/gpu-device-run.sh (run there) builds against it. Run as any user with apt's
# package lists present (root runs `apt-get update` when a download fails).
#
#   tools/gpu-device-prepare.sh [--no-cpu]
#
# Exit status: 0 when .gpu-deps/ is complete and small enough to carry.
set -euo pipefail

cpu=true
for arg in "$@"; do
  case "$arg" in
    --no-cpu) cpu=false ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-device-prepare: unknown argument '$arg' (usage: tools/gpu-device-prepare.sh [--no-cpu])" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
dest=$repo/.gpu-deps
limit_mib=56  # of the tool's 64 MiB, the rest is the working tree

pkgs=(nlohmann-json3-dev libcli11-dev libgtest-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev libfmt-dev libfmt9)
if $cpu; then
  pkgs+=(libdnnl-dev libdnnl2 ocl-icd-libopencl1 ocl-icd-opencl-dev opencl-c-headers opencl-clhpp-headers)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get download -q "${pkgs[@]}" > "$work/download.log" 2>&1); }
if ! download; then
  if ((EUID == 0)); then
    apt-get update -q > /dev/null && download || { cat "$work/download.log" >&2; exit 1; }
  else
    cat "$work/download.log" >&2
    echo "gpu-device-prepare: apt-get download failed (run as root to refresh the package lists)" >&2
    exit 1
  fi
fi

rm -rf "$dest.part"
mkdir -p "$dest.part"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest.part"; done
rm -rf "$dest.part/usr/share/doc" "$dest.part/usr/share/man" "$dest.part/usr/share/lintian"
# The -dev packages' libjpeg.so, libpng.so, libz.so point at runtime packages not taken:
# without the dangling links CMake can only find the static libraries.
find "$dest.part" -xtype l -delete
{
  echo "Debian packages unpacked by tools/gpu-device-prepare.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ):"
  for deb in "$work"/*.deb; do dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"; done
} > "$dest.part/PACKAGES"

size_mib=$(( $(du -sk "$dest.part" | cut -f1) / 1024 ))
if ((size_mib > limit_mib)); then
  rm -rf "$dest.part"
  echo "gpu-device-prepare: the packages take ${size_mib} MiB, more than the ${limit_mib} MiB that can travel (try --no-cpu)" >&2
  exit 1
fi
rm -rf "$dest"
mv "$dest.part" "$dest"
echo "gpu-device-prepare: .gpu-deps/ ready (${size_mib} MiB, ${#pkgs[@]} packages$($cpu || echo ', no oneDNN'))"
