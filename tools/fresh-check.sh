#!/usr/bin/env bash
# Proves that README.md's first command works on a brand-new Debian 12 machine: makes a
# clean Debian 12 root (mmdebstrap), clones the committed HEAD into it, runs that command
# there exactly as README.md writes it (with --quick appended, so the job is a smoke run),
# and checks what it must leave behind: the records, results.csv and report.html, and an
# `edgebench list` whose gpu and fpga lines say what this build has. A package that
# tools/setup.sh forgets to install fails here, whatever the host has installed.
#
#   tools/fresh-check.sh [--no-cuda] [--keep]
#
#   --no-cuda  do not bind the host's /usr/local/cuda into the root: the gpu backend must
#              then be left out, saying why. By default CUDA is bound in read-only (as on
#              a workstation with NVIDIA's toolkit, nvcc on PATH) when the host has it,
#              and the gpu backend must be built.
#   --keep     keep the root afterwards (its path is printed) for a look.
#
# Needs root (chroot, bind mounts) and Debian's package mirror. The minimal base root is
# cached in $EB_FRESH_CACHE (default /var/cache/edgebench-fresh) for a day; every run
# starts from a fresh copy of it. Exit status: 0 when the command and every check pass.
set -euo pipefail

cuda=auto
keep=false
for arg in "$@"; do
  case "$arg" in
    --no-cuda) cuda=no ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-check: unknown argument '$arg' (usage: tools/fresh-check.sh [--no-cuda] [--keep])" >&2; exit 2 ;;
  esac
done
((EUID == 0)) || { echo "fresh-check: needs root (chroot and bind mounts)" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
git rev-parse --verify -q HEAD >/dev/null || { echo "fresh-check: $repo has no commit to clone" >&2; exit 2; }
[[ -z $(git status --porcelain --untracked-files=no) ]] ||
  echo "fresh-check: note: uncommitted changes are not part of the check (it clones HEAD)" >&2

t0=$SECONDS
stage_start=$SECONDS
stage() {  # closes the previous stage with its time, opens the next
  local now=$SECONDS
  [[ -n ${stage_name:-} ]] && printf 'fresh-check: %-34s %4d s\n' "$stage_name" $((now - stage_start)) >&2
  stage_name=$1
  stage_start=$now
}

# The command README.md starts with: the first line of its first ```sh block.
readme_cmd=$(awk '/^```sh$/ {block = 1; next} block && /^```/ {exit} block && $0 !~ /^#/ && NF {print; exit}' README.md)
[[ $readme_cmd == *"reproduce"* ]] || { echo "fresh-check: README.md's first command is not a reproduce job: '$readme_cmd'" >&2; exit 1; }
cmd="$readme_cmd --quick"
out_dir=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' <<<"$readme_cmd")
[[ -n $out_dir ]] || { echo "fresh-check: README.md's first command names no --out folder" >&2; exit 1; }

stage "base root"
export DEBIAN_FRONTEND=noninteractive
if ! command -v mmdebstrap >/dev/null; then
  apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null; }
fi
cache=${EB_FRESH_CACHE:-/var/cache/edgebench-fresh}
base=$cache/bookworm-base.tar
mkdir -p "$cache"
if [[ ! -s $base ]] || [[ -n $(find "$base" -mmin +1440) ]]; then
  mmdebstrap --quiet --variant=apt --include=git,ca-certificates bookworm "$cache/part.tar"
  mv "$cache/part.tar" "$base"
fi

root=$(mktemp -d /tmp/edgebench-fresh.XXXXXX)
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  if $keep; then echo "fresh-check: root kept at $root" >&2; else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
for fs in sys dev; do
  mount --rbind "/$fs" "$root/$fs"; mount --make-rslave "$root/$fs"; mounts+=("$root/$fs")
done
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
with_cuda=false
if [[ $cuda == auto && -x /usr/local/cuda/bin/nvcc ]]; then
  real=$(readlink -f /usr/local/cuda)
  mkdir -p "$root$real"
  mount --bind -o ro "$real" "$root$real"; mounts+=("$root$real")
  [[ $real == /usr/local/cuda ]] || ln -sfn "$real" "$root/usr/local/cuda"
  path=/usr/local/cuda/bin:$path
  with_cuda=true
fi

stage "clone"
git clone -q --no-local "$repo" "$root/root/edgebench"
echo "fresh-check: Debian 12 root at $root, edgebench $(git rev-parse --short HEAD), CUDA $($with_cuda && echo bound in || echo absent)" >&2
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH="$path" TERM=dumb LANG=C.UTF-8 /bin/bash -c "cd /root/edgebench && $1"; }

stage "README command (set-up, build, job)"
echo "fresh-check: running: $cmd" >&2
in_root "$cmd" || { echo "fresh-check: FAILED: README.md's first command exited $?" >&2; exit 1; }

stage "checks"
failures=()
check() { local what=$1; shift; if ! in_root "$*" >/dev/null 2>&1; then failures+=("$what"); fi; }
check "$out_dir/results.csv written" "test -s $out_dir/results.csv"
check "$out_dir/report.html written" "test -s $out_dir/report.html"
check "records written" "ls $out_dir/*.json >/dev/null"
list=$(in_root "build/cli/edgebench list" 2>&1) || failures+=("edgebench list exits 0")
gpu_line=$(grep -E '^ +gpu ' <<<"$list" || true)
fpga_line=$(grep -E '^ +fpga ' <<<"$list" || true)
if $with_cuda; then
  # Built, and unavailable only for want of a device (or available on a GPU host).
  grep -q "not built" <<<"$gpu_line" && failures+=("gpu backend built with CUDA present: $gpu_line")
else
  grep -q "not built" <<<"$gpu_line" || failures+=("gpu backend left out, saying why, without CUDA: $gpu_line")
fi
grep -qi "XRT runner not built" <<<"$fpga_line" && failures+=("fpga backend has its XRT runner: $fpga_line")
stage ""
printf '%s\n' "$list" | sed 's/^/fresh-check: list | /' >&2
if ((${#failures[@]})); then
  printf 'fresh-check: FAILED: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "fresh-check: passed in $((SECONDS - t0)) s (CUDA $($with_cuda && echo bound in || echo absent))" >&2
