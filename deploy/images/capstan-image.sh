#!/usr/bin/env bash
# Builds the Capstan image, capstan/capstan:dev, without any registry: a root filesystem holding
#   /opt/java                 a Java runtime cut down by jlink from the local JDK to the modules the
#                             jar needs (jdeps on the jar, plus the few it loads by reflection), with
#                             the glibc and zlib files it links against copied from this machine
#   /opt/capstan/capstan.jar  the launcher jar, cli/target/capstan-cli.jar (built first if missing)
#   /bin/capstan              the wrapper, on PATH and the ENTRYPOINT: `docker run IMAGE get ns`
#   /bin/busybox              Debian's busybox-static, with a link per applet (sh, ls, wget, nc, ...)
#   /var/lib/capstan          the working directory; mount a volume here for a server's data
# imported with `docker import`, then prints the image's size. Every role runs from it, with host
# networking so that its ports are the host's (deploy/compose/compose.yaml):
#   docker run --rm --network host capstan/capstan:dev version
#   docker run -d --network host -v capstan-1:/var/lib/capstan capstan/capstan:dev server --name server-1 \
#     --data-dir /var/lib/capstan/data --client-config /var/lib/capstan/config
# Does nothing when the image is present, was built by this recipe and holds the same jar (the
# jar's SHA-256 is a label); --force rebuilds.
# Usage: deploy/images/capstan-image.sh [--force]
# Env:   IMAGE (default capstan/capstan:dev), JAVA_HOME (default: the JDK of the java on PATH),
#        BUSYBOX (default: busybox on PATH, else /bin/busybox), JAR (default cli/target/capstan-cli.jar)
set -euo pipefail

root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
image=${IMAGE:-capstan/capstan:dev}
recipe=1 # bump when the image's layout changes, so existing copies are rebuilt
jar=${JAR:-$root_dir/cli/target/capstan-cli.jar}
# Loaded by name at run time, so jdeps cannot see them: the EC and other crypto providers,
# sun.misc.Unsafe (netty, protobuf), JMX and the platform MXBeans (Micrometer's JVM meters), DNS
# lookups through JNDI, and zip file systems.
extra_modules=jdk.crypto.ec,jdk.crypto.cryptoki,jdk.unsupported,jdk.management,jdk.naming.dns,jdk.zipfs

if [ ! -f "$jar" ]; then
  echo "building $jar ..." >&2
  (cd "$root_dir" && mvn -B -o -q package -DskipTests -pl cli -am) >&2
fi
jar_sha=$(sha256sum "$jar" | cut -d' ' -f1)

if [ "${1:-}" != "--force" ] &&
  [ "$(docker image inspect --format '{{ index .Config.Labels "io.capstan.recipe" }}/{{ index .Config.Labels "io.capstan.jar-sha256" }}' "$image" 2>/dev/null)" = "$recipe/$jar_sha" ]; then
  echo "$image is present (recipe $recipe, jar $jar_sha)"
  exit 0
fi

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
for tool in jlink jdeps; do
  if [ ! -x "$java_home/bin/$tool" ]; then
    echo "no $tool in $java_home/bin: a full JDK 17 is needed (set JAVA_HOME)" >&2
    exit 1
  fi
done
if [ ! -d "$java_home/jmods" ]; then
  echo "no $java_home/jmods: jlink needs the JDK's jmods (Debian: openjdk-17-jdk-headless)" >&2
  exit 1
fi
busybox=${BUSYBOX:-$(command -v busybox || echo /bin/busybox)}
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "no static busybox at $busybox: install it with apt-get install busybox-static" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/opt/capstan" "$rootfs/var/lib/capstan" "$rootfs/root"
chmod 1777 "$rootfs/tmp"

# The modules the jar's classes refer to; the shaded jar holds multi-release classes and optional
# integrations whose own dependencies are absent, hence --ignore-missing-deps.
echo "finding the jar's modules with jdeps ..." >&2
modules=$("$java_home/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$jar" 2>"$work/jdeps.log") || {
  cat "$work/jdeps.log" >&2
  echo "jdeps failed on $jar" >&2
  exit 1
}
modules=$(echo "$modules,$extra_modules" | tr ',' '\n' | awk 'NF && !seen[$0]++' | paste -sd, -)
echo "jlink --add-modules $modules" >&2
"$java_home/bin/jlink" \
  --module-path "$java_home/jmods" \
  --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$rootfs/opt/java"
# Class data sharing: a faster start for the client verbs (-Xshare:auto uses it when it matches).
"$rootfs/opt/java/bin/java" -Xshare:dump >/dev/null 2>&1 || echo "no CDS archive (java -Xshare:dump failed); start is slower" >&2

# The runtime's binaries are linked against this machine's glibc and zlib: copy every library they
# load, at the same path, with the dynamic loader. AWT's libraries (java.desktop comes in for
# java.beans) are left out with what they link: nothing here draws, and they are never loaded.
{
  find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -regex '.*/lib\(awt\|awt_xawt\|awt_headless\|jawt\|fontmanager\|jsound\|splashscreen\|lcms\|javajpeg\|mlib_image\)\.so' -print0 |
    xargs -0 ldd 2>/dev/null | awk '/=> \// {print $3} /^\s*\/.*ld-linux/ {print $1}'
} | sort -u | while read -r lib; do
  [ -e "$lib" ] || continue
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
if [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$rootfs/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$rootfs/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
fi
# netty's native transport and JNA unpack their own libraries at run time; they need libgcc_s too.
for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
  if [ -e "$lib" ]; then
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
    break
  fi
done

cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
cp "$jar" "$rootfs/opt/capstan/capstan.jar"

# The same choice of JVM options as bin/capstan: a role gets a server heap, a client verb a fast start.
cat >"$rootfs/bin/capstan" <<'EOF'
#!/bin/sh
# capstan in the Capstan image: every role (server, controller-manager, kubelet) and every client verb.
# JVM options: $CAPSTAN_JAVA_OPTS for the roles, $CAPSTAN_CLI_JAVA_OPTS for the client verbs.
case "${1:-}" in
  server|controller-manager|kubelet) java_opts="${CAPSTAN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}" ;;
  *) java_opts="${CAPSTAN_CLI_JAVA_OPTS:--Xms16m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}" ;;
esac
# shellcheck disable=SC2086
exec /opt/java/bin/java $java_opts -jar /opt/capstan/capstan.jar "$@"
EOF
chmod 755 "$rootfs/bin/capstan"

echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"

version=$(cd "$root_dir" && git describe --always --dirty 2>/dev/null || echo unknown)
tar -C "$rootfs" -c . | docker import \
  --change "LABEL io.capstan.recipe=$recipe" \
  --change "LABEL io.capstan.jar-sha256=$jar_sha" \
  --change "LABEL org.opencontainers.image.revision=$version" \
  --change "ENV PATH=/bin:/opt/java/bin" \
  --change "ENV JAVA_HOME=/opt/java" \
  --change "ENV HOME=/root" \
  --change "ENV CAPSTAN_CONFIG=/var/lib/capstan/config" \
  --change "WORKDIR /var/lib/capstan" \
  --change 'ENTRYPOINT ["/bin/capstan"]' \
  --change 'CMD ["--help"]' \
  --message "capstan image: jlink'd Java runtime, capstan.jar $jar_sha, static busybox; recipe $recipe" \
  - "$image" >/dev/null
size=$(docker image inspect --format '{{.Size}}' "$image")
echo "built $image (recipe $recipe, revision $version): $((size / 1024 / 1024)) MiB ($size bytes)"
echo "  java runtime $(du -sh "$rootfs/opt/java" | cut -f1), jar $(du -sh "$jar" | cut -f1), modules: $modules"
