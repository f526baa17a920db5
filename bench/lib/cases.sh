# shellcheck shell=bash
# bench/lib/cases.sh — the benchmark cases. Sourced by bench/run.

# The base images each example builds FROM, and the source file a one-line edit touches.
declare -A EXAMPLE_BASES=([go-web]="golang" [c-static]="gcc" [node-ts]="node" [test-stage]="golang busybox"
  [large]="busybox" [multiplatform]="golang debian-multiplatform")
declare -A EXAMPLE_EDIT=([go-web]="main.go" [c-static]="hello.c" [node-ts]="src/index.ts" [test-stage]="main.go")
readonly BUILDERS=(slipway buildkit buildah)

# One build of CONTEXT tagged bench/NAME:BUILDER, timed as CASE.
build_with() { # BUILDER CASE NAME CONTEXT
  local builder=$1 case=$2 name=$3 ctx=$4 tag=bench/$3:$1
  case $builder in
    slipway) measure "$case" slipway "$SLIPWAY" --root "$WORK/slipway/$name" build --progress plain -t "$tag" "$ctx" ;;
    buildkit) measure "$case" buildkit "${DOCKER_CMD[@]}" build --progress plain --network=host -t "$tag" "$ctx" ;;
    buildah)
      measure "$case" buildah env TMPDIR="$WORK/buildah/tmp" buildah --root "$WORK/buildah/root" \
        --runroot "$WORK/buildah/runroot" bud --isolation chroot --layers --network=host --pull-never \
        -t "$tag" "$ctx"
      ;;
  esac
}

# Empties a builder's cache and its bench images, keeping the base images (for a cold build).
reset_builder() { # BUILDER NAME
  local id
  case $1 in
    slipway)
      # shellcheck disable=SC2086 # a space-separated list of names
      slipway_store "$WORK/slipway/$2" ${EXAMPLE_BASES[$2]}
      ;;
    buildkit)
      docker_ images -q --filter 'reference=bench/*' | sort -u | xargs -r "$DOCKER" -H "$DOCKER_HOST_URL" rmi -f >/dev/null
      docker_ builder prune -af >/dev/null
      ;;
    buildah)
      buildah_ rm -a >/dev/null
      for _ in 1 2 3; do
        id=$(buildah_ images -a -q --no-trunc | sort -u | comm -23 - <(printf '%s\n' "${BUILDAH_KEEP[@]}" | sort -u))
        [ -n "$id" ] || break
        # shellcheck disable=SC2086
        buildah_ rmi -f $id >/dev/null 2>&1 || true
      done
      rm -rf --one-file-system "$WORK/buildah/tmp"
      mkdir -p "$WORK/buildah/tmp"
      ;;
  esac
}

# A private copy of an example for one builder, without the "# syntax=" directive: dockerd's BuildKit would
# fetch that frontend image from Docker Hub, which is unreachable here (and the other two ignore it).
example_copy() { # EXAMPLE BUILDER
  local dst=$WORK/ctx/$2/$1
  rm -rf "$dst"
  mkdir -p "$(dirname "$dst")"
  cp -a "$REPO/examples/$1" "$dst"
  sed -i '/^# *syntax=/d' "$dst"/Dockerfile*
  printf '%s\n' "$dst"
}

# Cold, no-op rebuild and one-line-edit rebuild of an example, the builders interleaved run by run.
case_example() { # EXAMPLE
  local ex=$1 b i
  declare -A ctx=()
  for b in "${BUILDERS[@]}"; do ctx[$b]=$(example_copy "$ex" "$b"); done
  for i in $(seq "$COLD_RUNS"); do
    for b in "${BUILDERS[@]}"; do
      reset_builder "$b" "$ex"
      build_with "$b" "$ex cold" "$ex" "${ctx[$b]}"
    done
  done
  for i in $(seq "$RUNS"); do
    for b in "${BUILDERS[@]}"; do build_with "$b" "$ex no-op" "$ex" "${ctx[$b]}"; done
  done
  for i in $(seq "$COLD_RUNS"); do
    for b in "${BUILDERS[@]}"; do
      printf '\n// bench edit %s\n' "$i" >>"${ctx[$b]}/${EXAMPLE_EDIT[$ex]}"
      build_with "$b" "$ex edit" "$ex" "${ctx[$b]}"
    done
  done
  for b in "${BUILDERS[@]}"; do image_size "$ex" "$b"; done
}

# The large context: >= 50,000 files, >= 1 GB, half of it excluded by .dockerignore. bench/large-context.sh
# (Slipway alone, its context index) makes a similar context of sparse files; this one writes real bytes, since
# the peers copy and Slipway hashes what is included.
large_context() { # DIR
  local dir=$1
  large_context_inline "$dir"
  printf 'FROM busybox:1.35\nCOPY . /ctx\n' >"$dir/Dockerfile"
}

# 30,000 files in kept/ and 30,000 in ignored/ (.dockerignore), 4 to 32 KiB each, 1.1 GB in all; the content is
# half random, half repeated, so layer compression has some but not all of its usual effect.
large_context_inline() { # DIR
  local dir=$1
  log "generating the large context in $dir (60,000 files, ~1.1 GB)"
  mkdir -p "$dir"
  perl -e '
    use strict; my $dir = shift; srand(42);
    my $pool = join("", map { chr(int(rand(256))) } 1 .. (1 << 20));
    for my $top ("kept", "ignored") {
      for my $d (0 .. 299) {
        my $sub = sprintf("%s/%s/d%03d", $dir, $top, $d); system("mkdir", "-p", $sub) == 0 or die;
        for my $f (0 .. 99) {
          my $size = 4096 + int(rand(28673));
          my $half = int($size / 2); my $off = int(rand((1 << 20) - $half));
          open(my $fh, ">", sprintf("%s/f%03d.dat", $sub, $f)) or die;
          print $fh substr($pool, $off, $half), ("x" x ($size - $half)); close($fh);
        }
      }
    }' "$dir"
  printf 'ignored/\n' >"$dir/.dockerignore"
}

case_large() {
  local b i dir=$WORK/ctx/large
  large_context "$dir"
  log "large context: $(find "$dir" -type f | wc -l) files, $(du -sh "$dir" | cut -f1)"
  for b in "${BUILDERS[@]}"; do
    reset_builder "$b" large
    build_with "$b" "large cold" large "$dir"
  done
  for i in $(seq "$RUNS"); do
    for b in "${BUILDERS[@]}"; do build_with "$b" "large no-op" large "$dir"; done
  done
  for b in "${BUILDERS[@]}"; do image_size large "$b"; done
}

# A cold pull of the golang builder image into empty stores, alone and as the first step of a build whose only
# RUN is `true` (which makes every builder unpack the image). Runs last: it empties dockerd's image store.
case_pull() {
  local ref=$REGISTRY/${BASE_TAG[golang]} dir=$WORK/ctx/pull b root
  mkdir -p "$dir"
  printf 'FROM %s\nRUN true\n' "$ref" >"$dir/Dockerfile"
  for b in "${BUILDERS[@]}"; do
    docker_empty
    root=$WORK/pull/$b-only
    rm -rf --one-file-system "$WORK/pull"
    settle
    mkdir -p "$root"
    case $b in
      slipway) measure "pull golang" slipway "$SLIPWAY" --root "$root" pull -q "$ref" ;;
      buildkit) measure "pull golang" buildkit "${DOCKER_CMD[@]}" pull -q "$ref" ;;
      buildah)
        measure "pull golang" buildah buildah --root "$root" --runroot "$root.run" pull -q --tls-verify=false "$ref"
        buildah --root "$root" --runroot "$root.run" rmi -a -f >/dev/null 2>&1 || true
        ;;
    esac
  done
  for b in "${BUILDERS[@]}"; do
    docker_empty
    root=$WORK/pull/$b-build
    rm -rf --one-file-system "$WORK/pull"
    settle
    mkdir -p "$root"
    case $b in
      slipway) measure "pull golang + RUN true" slipway "$SLIPWAY" --root "$root" build --progress plain "$dir" ;;
      buildkit) measure "pull golang + RUN true" buildkit "${DOCKER_CMD[@]}" build --progress plain --network=host "$dir" ;;
      buildah)
        measure "pull golang + RUN true" buildah buildah --root "$root" --runroot "$root.run" bud \
          --isolation chroot --network=host --tls-verify=false "$dir"
        buildah --root "$root" --runroot "$root.run" rm -a >/dev/null 2>&1 || true
        buildah --root "$root" --runroot "$root.run" rmi -a -f >/dev/null 2>&1 || true
        ;;
    esac
  done
  rm -rf --one-file-system "$WORK/pull"
}

# Lets the filesystem forget what was just deleted. Without a journal, ext4 will not reuse an inode freed in the
# last ~30 s and scans past each one (find_inode_bit/recently_deleted), so the builder that unpacks right after
# another's 20,000 files were removed pays seconds for that scan; every builder gets the same quiet start.
settle() {
  sync
  sleep "${BENCH_SETTLE_SECONDS:-40}"
}

# Removes every image and all build cache from the benchmark's dockerd.
docker_empty() {
  docker_ images -aq | sort -u | xargs -r "$DOCKER" -H "$DOCKER_HOST_URL" rmi -f >/dev/null 2>&1 || true
  docker_ builder prune -af >/dev/null
}

# The final image as shipped: each builder pushes bench/NAME:BUILDER to the local registry (gzip layers), and
# the size is the sum of the manifest's layer sizes. SIZE["NAME|BUILDER"] = "BYTES LAYERS".
declare -A SIZE=()
image_size() { # NAME BUILDER
  local name=$1 b=$2 dest=$REGISTRY/bench-$1:$2 manifest
  case $b in
    slipway) "$SLIPWAY" --root "$WORK/slipway/$name" tag "bench/$name:$b" "$dest" >/dev/null &&
      "$SLIPWAY" --root "$WORK/slipway/$name" push -q "$dest" >/dev/null ;;
    buildkit) docker_ tag "bench/$name:$b" "$dest" && docker_ push -q "$dest" >/dev/null ;;
    buildah) buildah_ push -q --tls-verify=false "bench/$name:$b" "docker://$dest" >/dev/null ;;
  esac 2>>"$WORK/logs/push.log" || { SIZE["$name|$b"]="FAIL"; return 0; }
  manifest=$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/bench-$name/manifests/$b")
  SIZE["$name|$b"]=$(jq -r '"\([.layers[].size] | add // 0) \(.layers | length)"' <<<"$manifest")
}
