# shellcheck shell=bash
# bench/lib/env.sh — the benchmark's environment: packages, the Slipway binary, the shared base images in a
# local registry, a private dockerd and buildah roots. Sourced by bench/run; everything it starts is stopped
# by env_stop (run from bench/run's EXIT trap).

readonly BENCH_PACKAGES=(buildah docker.io time skopeo docker-registry jq containerd runc)
readonly DOCKER=/usr/bin/docker         # the Debian CLI: talks to dockerd's built-in BuildKit (no buildx needed)
readonly DOCKERD=/usr/sbin/dockerd
readonly DOCKER_SOCK_DIR=/run/slipway-bench
readonly DOCKER_HOST_URL=unix://$DOCKER_SOCK_DIR/docker.sock

# Base images: the fixture name scripts/base-images knows, and the name the examples' Dockerfiles use.
declare -A BASE_TAG=([busybox]="busybox:1.35" [debian]="debian:bookworm" [gcc]="gcc:12" [golang]="golang:1.19"
  [node]="node:18" [debian-multiplatform]="debian:bookworm")

REGISTRY_PID='' DOCKERD_PID='' REGISTRY=''

env_install() {
  local missing=() p
  for p in "${BENCH_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# SLIPWAY (an existing binary) skips the publish, for quick iterations on the script itself.
env_slipway() {
  if [ -n "${SLIPWAY:-}" ]; then
    SLIPWAY=$(realpath "$SLIPWAY")
  else
    log "publishing slipway (NativeAOT; takes minutes)"
    SLIPWAY=$(realpath "$(cd "$REPO" && scripts/publish)")
  fi
  [ -x "$SLIPWAY" ] || die "no slipway binary at $SLIPWAY"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway Distribution registry on 127.0.0.1, holding every base image the selected cases need, pushed
# from the same OCI layouts Slipway loads: the three builders start from identical bytes.
env_registry() { # NAME…
  local port dir=$WORK/registry name layout i
  mkdir -p "$dir"
  port=$(free_port)
  cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/storage}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
EOF
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REGISTRY_PID=$!
  REGISTRY=127.0.0.1:$port
  for i in $(seq 100); do
    curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null && break
    [ "$i" -lt 100 ] || die "the registry did not start: $(cat "$dir/log")"
    sleep 0.1
  done
  for name in "$@"; do
    layout=$(cd "$REPO" && scripts/base-images "$name" | tail -n 1)
    skopeo copy -q --dest-tls-verify=false "oci:$layout:latest" "docker://$REGISTRY/${BASE_TAG[$name]}" >/dev/null
  done
  log "registry on $REGISTRY with: $*"
}

env_dockerd() {
  local d=$WORK/dockerd i
  mkdir -p "$d" "$DOCKER_SOCK_DIR"
  [ ! -S "$DOCKER_SOCK_DIR/docker.sock" ] || ! "$DOCKER" -H "$DOCKER_HOST_URL" version >/dev/null 2>&1 ||
    die "a dockerd already serves $DOCKER_HOST_URL (another bench run?)"
  "$DOCKERD" --iptables=false --ip-masq=false --bridge=none --data-root "$d/data" --exec-root "$d/exec" \
    --pidfile "$d/docker.pid" -H "$DOCKER_HOST_URL" >"$d/log" 2>&1 &
  DOCKERD_PID=$!
  for i in $(seq 300); do
    "$DOCKER" -H "$DOCKER_HOST_URL" version >/dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || die "dockerd exited: $(tail -n 20 "$d/log")"
    [ "$i" -lt 300 ] || die "dockerd did not answer within 30 s: $(tail -n 20 "$d/log")"
    sleep 0.1
  done
}

# As a command line, for /usr/bin/time (which cannot run a shell function).
readonly DOCKER_CMD=(env DOCKER_BUILDKIT=1 "$DOCKER" -H "$DOCKER_HOST_URL")
docker_() { "${DOCKER_CMD[@]}" "$@"; }
buildah_() { buildah --root "$WORK/buildah/root" --runroot "$WORK/buildah/runroot" "$@"; }

# Puts the base images NAME… into dockerd's and buildah's stores under the names the Dockerfiles use.
docker_bases() { # NAME…
  local name
  for name in "$@"; do
    docker_ pull -q "$REGISTRY/${BASE_TAG[$name]}" >/dev/null
    docker_ tag "$REGISTRY/${BASE_TAG[$name]}" "${BASE_TAG[$name]}"
  done
}
buildah_bases() { # NAME…
  local name
  for name in "$@"; do
    buildah_ pull -q --tls-verify=false "$REGISTRY/${BASE_TAG[$name]}" >/dev/null
    buildah_ tag "$REGISTRY/${BASE_TAG[$name]}" "docker.io/library/${BASE_TAG[$name]}"
  done
}

# A fresh Slipway store at DIR with the base images NAME… loaded and unpacked (not timed). dockerd and buildah
# unpack an image when they pull it, Slipway when something first runs in it: one `run … true` per image puts
# the three in the same state, so a cold build compares building, not unpacking (the pull case times that).
slipway_store() { # DIR NAME…
  local dir=$1 name
  shift
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"
  SLIPWAY_ROOT=$dir "$REPO/scripts/load-base-images" "$SLIPWAY" "$@" >/dev/null
  for name in "$@"; do "$SLIPWAY" --root "$dir" run "${BASE_TAG[$name]}" true >/dev/null; done
}

env_stop() {
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill "$DOCKERD_PID"
    for _ in $(seq 200); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -n "$REGISTRY_PID" ] && kill -0 "$REGISTRY_PID" 2>/dev/null; then
    kill "$REGISTRY_PID"
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
  # Overlay mounts left by buildah or Slipway would keep the work directory busy.
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    buildah_ rm -a >/dev/null 2>&1 || true
    buildah_ umount -a >/dev/null 2>&1 || true
    { grep -o " $WORK/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] || rm -rf --one-file-system "$WORK"
  fi
}
