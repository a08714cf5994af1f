#!/usr/bin/env bash
# Builds capstan/busybox:test, the local image the Docker tests run, without any registry: a root
# filesystem holding the static busybox of Debian's busybox-static (/bin/busybox) and a link in /bin
# for each of its applets (sh, sleep, httpd, nc, dd, ps, ...), imported with `docker import`.
# Does nothing when the image is present and was built by this recipe (its io.capstan.recipe label).
#
# Used by .ci/run and by the kubelet's Docker tests (DockerTestSupport), so the recipe lives here only.
# Usage: deploy/images/busybox-test-image.sh [--force]
# Env:   IMAGE (default capstan/busybox:test), BUSYBOX (default: busybox on PATH, else /bin/busybox)
set -euo pipefail

image=${IMAGE:-capstan/busybox:test}
recipe=1 # bump when the image's contents change, so existing copies are rebuilt

if [ "${1:-}" != "--force" ] &&
  [ "$(docker image inspect --format '{{ index .Config.Labels "io.capstan.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
  echo "$image is present (recipe $recipe)"
  exit 0
fi

busybox=${BUSYBOX:-$(command -v busybox || echo /bin/busybox)}
if [ ! -x "$busybox" ]; then
  echo "no busybox at $busybox: install the static one with apt-get install busybox-static" >&2
  exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
  echo "$busybox is dynamically linked and cannot run alone in an image: install busybox-static" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

tar -C "$root" -c . | docker import \
  --change "LABEL io.capstan.recipe=$recipe" \
  --change "ENV PATH=/bin" \
  --message "capstan test image: static busybox, recipe $recipe" \
  - "$image" >/dev/null
echo "built $image (recipe $recipe) from $busybox"
