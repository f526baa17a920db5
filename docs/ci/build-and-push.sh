#!/usr/bin/env bash
# The CI job's build steps (docs/ci.md): log in to the registry, then build the app for every platform and push
# one image index, with the build cache kept in the same registry so a job on a fresh runner reuses it.
#
# Environment: REGISTRY (where images go: HOST[:PORT][/NAMESPACE]), REGISTRY_USER, REGISTRY_PASSWORD, IMAGE_TAG
# (the commit SHA); optional APP (default: app), CONTEXT (default: .), PLATFORMS (default:
# linux/amd64,linux/arm64), SLIPWAY (default: slipway on PATH).
set -euo pipefail
: "${REGISTRY:?set REGISTRY, e.g. ghcr.io/OWNER}" "${REGISTRY_USER:?}" "${REGISTRY_PASSWORD:?}" "${IMAGE_TAG:?}"
app=${APP:-app}
slipway=${SLIPWAY:-slipway}

# The password goes through stdin, never the command line (which other processes can read).
printf '%s\n' "$REGISTRY_PASSWORD" | "$slipway" login --username "$REGISTRY_USER" --password-stdin "${REGISTRY%%/*}"

# Stages FROM --platform=$BUILDPLATFORM run natively; every other RUN for arm64 goes through QEMU.
"$slipway" build --progress plain \
  --platform "${PLATFORMS:-linux/amd64,linux/arm64}" \
  -t "$REGISTRY/$app:$IMAGE_TAG" --push \
  --cache-to "type=registry,ref=$REGISTRY/$app:buildcache,mode=max" \
  --cache-from "type=registry,ref=$REGISTRY/$app:buildcache" \
  "${CONTEXT:-.}"
