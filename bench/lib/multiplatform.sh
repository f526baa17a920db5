# shellcheck shell=bash
# bench/lib/multiplatform.sh — the multiplatform case, Slipway alone: this machine has no buildx (so no BuildKit
# with QEMU), and dockerd's built-in BuildKit cannot put a list of platforms into its image store. So the
# two-platform go-web build is timed beside the two single-platform builds it replaces, each from a fresh store,
# and one RUN (a shell busy loop, no I/O) is timed emulated (linux/arm64 through binfmt_misc and qemu-aarch64)
# beside the same RUN native. Sourced by bench/run.

# Iterations of the busy loop: about a second native.
readonly EMULATED_LOOP=${BENCH_LOOP:-300000}

case_multiplatform() {
  local dir=$WORK/slipway/multiplatform ctx p
  ctx=$(example_copy go-web slipway-multiplatform)
  for p in linux/amd64 linux/arm64 linux/amd64,linux/arm64; do
    slipway_store "$dir" golang
    measure "go-web --platform $p" slipway \
      "$SLIPWAY" --root "$dir" build --progress plain --platform "$p" -t bench/go-web-multiplatform:slipway "$ctx"
  done

  ctx=$WORK/ctx/emulated
  mkdir -p "$ctx"
  # dash's arithmetic in a loop: pure CPU in one process, so the ratio is QEMU's translation overhead.
  printf 'FROM debian:bookworm\nRUN i=0; while [ $i -lt %s ]; do i=$((i + 1)); done\n' "$EMULATED_LOOP" \
    >"$ctx/Dockerfile"
  slipway_store "$dir" debian-multiplatform
  "$SLIPWAY" --root "$dir" run --platform linux/arm64 debian:bookworm true >/dev/null 2>&1 || true
  for p in linux/amd64 linux/arm64; do
    measure "RUN busy loop --platform $p" slipway \
      "$SLIPWAY" --root "$dir" build --progress plain --no-cache --platform "$p" "$ctx"
  done
}
