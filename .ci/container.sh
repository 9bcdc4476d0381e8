#!/usr/bin/env bash
# Builds deploy/Dockerfile into localhost/devdocs-review:ci with buildah, for
# tests/integration/test_container.py. Run by .ci/run before the tests (as root on Debian).
#
# No Docker engine runs here and Docker Hub is out of reach, so:
#   - buildah (Debian package) builds without a daemon: vfs storage, chroot isolation;
#   - the base image is Debian bookworm made by debootstrap from Debian's mirror (python3.11,
#     venv, ca-certificates), imported as localhost/devdocs-base:bookworm and passed to the
#     Dockerfile as BASE_IMAGE (the default, python:3.11-slim, is what a normal build uses);
#   - the host's CA bundle is mounted read-only into the build so pip reaches PyPI through
#     whatever TLS setup the host has.
# The rootfs is cached in $DEVDOCS_CI_CACHE (default /var/cache/devdocs-ci): about a minute the
# first time, nothing after. Exit status: 0 built, 1 failed (the container tests then fail in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

export STORAGE_DRIVER=vfs
IMAGE=localhost/devdocs-review:ci
BASE=localhost/devdocs-base:bookworm
CACHE=${DEVDOCS_CI_CACHE:-/var/cache/devdocs-ci}
ROOTFS=$CACHE/rootfs-bookworm

if ! command -v buildah >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    if [ "$(id -u)" != "0" ]; then
        echo "container: buildah/debootstrap missing and this is not root" >&2
        exit 1
    fi
    echo "container: installing buildah and debootstrap from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null
fi

if [ ! -x "$ROOTFS/usr/bin/python3" ]; then
    echo "container: debootstrap bookworm (python3, venv) into $ROOTFS"
    rm -rf "$ROOTFS.tmp"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates \
        bookworm "$ROOTFS.tmp" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
    rm -rf "$ROOTFS.tmp/var/cache/apt/archives"/*.deb
    mv "$ROOTFS.tmp" "$ROOTFS"
fi

if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
    echo "container: importing $ROOTFS as $BASE"
    ctr=$(buildah from scratch)
    mnt=$(buildah mount "$ctr")
    cp -a "$ROOTFS/." "$mnt/"
    buildah umount "$ctr" >/dev/null
    buildah commit -q "$ctr" "$BASE" >/dev/null
    buildah rm "$ctr" >/dev/null
fi

ca=/etc/ssl/certs/ca-certificates.crt
mounts=()
[ -f "$ca" ] && mounts=(--volume "$ca:$ca:ro")
echo "container: building deploy/Dockerfile as $IMAGE"
buildah bud --quiet --format docker --isolation chroot --pull=never --layers=false "${mounts[@]}" \
    --build-arg BASE_IMAGE="$BASE" -f deploy/Dockerfile -t "$IMAGE" . >"$CACHE/build.log" 2>&1 \
    || { tail -30 "$CACHE/build.log" >&2; exit 1; }
echo "container: built $IMAGE ($(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE" | cut -c1-12))"
