#!/usr/bin/env bash
# Fuzzes every parser that reads user files (fuzz/targets.h) with libFuzzer under
# AddressSanitizer + UndefinedBehaviorSanitizer, SECONDS per target (default 60).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]        JOBS=N runs N targets at once (default 1)
#
# Seeds come from fuzz/corpus/<target>/; new interesting inputs go to build-fuzz/corpus/
# (not the repository). A finding leaves its input in build-fuzz/findings/: fix the bug,
# then copy the input into fuzz/corpus/<target>/ so tests/fuzz replays it forever.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(safetensors coco meter image record dataset npy)

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is needed (apt-get install -y clang)" >&2
  exit 1
fi
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=clang++ -DEB_WITH_GPU=OFF -DEB_FUZZ=ON \
  -DEB_PCH=OFF -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p build-fuzz/findings
fuzz_one() {
  local t=$1
  mkdir -p "build-fuzz/corpus/$t"
  if ! build-fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 \
      -artifact_prefix="build-fuzz/findings/$t-" "build-fuzz/corpus/$t" "fuzz/corpus/$t" 2> "build-fuzz/$t.log"; then
    echo "fuzz: $t FOUND A PROBLEM — see build-fuzz/$t.log and build-fuzz/findings/" >&2
    return 1
  fi
}
jobs_max=${JOBS:-1}
pids=()
names=()
for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do sleep 1; done
  echo "fuzz: $t for ${seconds}s"
  fuzz_one "$t" &
  pids+=($!)
  names+=("$t")
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
  t=${names[$i]}
  echo "fuzz: $t: $(grep -E "stat::number_of_executed_units" "build-fuzz/$t.log" | tail -1 | tr -s ' ') " \
    "$(grep -E "stat::peak_rss_mb" "build-fuzz/$t.log" | tail -1 | tr -s ' ') $(grep -oE "cov: [0-9]+ ft: [0-9]+" "build-fuzz/$t.log" | tail -1)"
done
exit $status
