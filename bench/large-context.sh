#!/usr/bin/env bash
# Times no-op rebuilds of a large build context: 50,000 files, about 1.1 GB, half of them (and of the bytes)
# excluded by .dockerignore (a node_modules folder and **/*.log), built by a Dockerfile doing `COPY . /app`.
#
# Usage: bench/large-context.sh [SLIPWAY_BINARY] [WORK_DIR] [RUNS]
#   SLIPWAY_BINARY  default artifacts/bin/slipway (scripts/publish makes it)
#   WORK_DIR        default /tmp/slipway-large-context; holds context/ (made once, deterministically, then reused)
#                   and root/ (a store of its own, so the timings do not touch the default store)
#   RUNS            no-op rebuilds to time, default 5
# Needs root (builds unpack into overlayfs), python3 and GNU time (/usr/bin/time) for peak RSS.
# Prints, one per line: the first build (empty cache and index), a rebuild with the index deleted (every included
# file read and hashed again: the "cold hash"), then each no-op rebuild, how many files the index answered, and
# the peak RSS of a no-op rebuild.
# Files are sparse beyond a unique first line: cheap to make, but still read in full when hashed.
set -euo pipefail
cd "$(dirname "$0")/.."
slipway=$(realpath "${1:-artifacts/bin/slipway}")
work=${2:-/tmp/slipway-large-context}
runs=${3:-5}
context=$work/context
root=$work/root

make_context() {
  rm -rf "$context"
  mkdir -p "$context"
  python3 - "$context" <<'EOF'
import os, sys
root = sys.argv[1]
def make(path, i):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(f"{path}\n".encode())
        f.truncate(4096 * (1 + (i * 7919) % 10))
n = 0
for d in range(250):          # included: 250 folders x 100 files, plus 20 excluded *.log in each
    for f in range(100):
        make(f"{root}/src/pkg{d:03}/file{f:03}.dat", n); n += 1
    for f in range(20):
        make(f"{root}/src/pkg{d:03}/trace{f:02}.log", n); n += 1
for d in range(200):          # excluded as a whole: 200 folders x 100 files
    for f in range(100):
        make(f"{root}/node_modules/pkg{d:03}/file{f:03}.dat", n); n += 1
EOF
  printf 'FROM scratch\nCOPY . /app\n' >"$context/Dockerfile"
  printf 'node_modules\n**/*.log\n' >"$context/.dockerignore"
  touch "$context/.complete"
}

[ -f "$context/.complete" ] || make_context
echo "context: $(find "$context" -type f | wc -l) files, $(du -s --apparent-size --block-size=1M "$context" | cut -f1) MB apparent"

build() { "$slipway" --root "$root" build -q -t large-context:bench "$context" >/dev/null; }
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); printf "%.3f" "$(echo "$end - $start" | bc)"; }

rm -rf "$root"
echo "first build (empty cache, no index): $(seconds build) s"
rm -f "$root"/cache/context/*.idx
echo "cold hash (cached steps, index deleted): $(seconds build) s"
for i in $(seq "$runs"); do
  echo "no-op rebuild $i: $(seconds build) s"
done
"$slipway" --root "$root" --debug build -q -t large-context:bench "$context" 2>&1 >/dev/null | grep '^context files:' || true
/usr/bin/time -v "$slipway" --root "$root" build -q -t large-context:bench "$context" 2>&1 >/dev/null \
  | sed -n 's/^\tMaximum resident set size (kbytes): /no-op peak RSS (KB): /p'
