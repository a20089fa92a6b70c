#!/usr/bin/env bash
# Builds Specula's container image without any image registry: a distroless-style root file system made
# here (a jlink-ed Java 25 runtime, the shared libraries it needs copied from this host, the application,
# the bundled model family, a non-root user) is packed into a reproducible tarball and imported with
# `docker import`. One image for every role: `docker run IMAGE router|verifier|drafter --config FILE`.
#
#   docker/build-image.sh [--tag specula:0.1.0] [--no-build]
#
# Uses the Maven build's output (cli/target/classes + cli/target/lib, made by `./specula build`, which runs
# first unless --no-build). The root tarball is bit-for-bit reproducible from the same inputs (sorted
# entries, fixed times and owners); an image whose label names the tarball's digest is reused as it is.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="specula:0.1.0"
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "build-image.sh: unknown option '$1' (expected: --tag NAME:TAG, --no-build)" >&2; exit 2 ;;
  esac
done

# The modules the services need (jdeps over cli/target/lib, less javassist's agent and debugger modules
# java.instrument, jdk.attach and jdk.jdi): the Vector API; java.management (the engine); java.desktop for
# java.beans (Jinjava's chat templates; headless); the JNDI and JDBC types libraries name; JFR for profiling;
# jdk.httpserver for the Prometheus metrics endpoint (telemetry.prometheusPort) and java.net.http for the OTLP
# exporter's JDK HTTP sender (telemetry.otlpEndpoint), both found by reflection or service loading, not by jdeps.
modules="java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.httpserver,jdk.incubator.vector,jdk.jfr,jdk.unsupported"
uid=10001
out="$root/target/image"

if [[ $build -eq 1 ]]; then
  "$root/specula" build
fi
for needed in "$root/cli/target/classes" "$root/cli/target/lib"; do
  [[ -d "$needed" ]] || { echo "build-image.sh: $needed missing (expected: the Maven build's output; run ./specula build)" >&2; exit 1; }
done
source_java_home="$("$root/specula" java-home)"
command -v docker >/dev/null || { echo "build-image.sh: docker not found on PATH" >&2; exit 1; }

# 1. The Java runtime, made again only when the JDK or the module list changed.
runtime_key="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$source_java_home/release") $modules"
if [[ ! -f "$out/jre.key" || "$(cat "$out/jre.key")" != "$runtime_key" ]]; then
  rm -rf "$out/jre" && mkdir -p "$out"
  "$source_java_home/bin/jlink" --add-modules "$modules" --output "$out/jre" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6
  echo "$runtime_key" > "$out/jre.key"
fi

# 2. The root file system.
rootfs="$out/rootfs"
rm -rf "$rootfs" && mkdir -p "$rootfs"/{opt/specula,etc,tmp}
cp -a "$out/jre" "$rootfs/opt/java"
cp -a "$root/cli/target/lib" "$rootfs/opt/specula/lib"
cp -a "$root/cli/target/classes" "$rootfs/opt/specula/classes"
mkdir -p "$rootfs/opt/specula/models"
cp -a "$root"/models/*.gguf "$root/models/README.md" "$rootfs/opt/specula/models/"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nspecula:x:%d:%d:specula:/tmp:/sbin/nologin\n' $uid $uid > "$rootfs/etc/passwd"
printf 'root:x:0:\nspecula:x:%d:\n' $uid > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"

# The shared libraries of the runtime and of JCuda's driver binding (extracted from its jar at run time),
# as this Debian host has them; libcuda itself comes from the NVIDIA container runtime on GPU nodes.
jcuda_dir="$out/jcuda" && rm -rf "$jcuda_dir" && mkdir -p "$jcuda_dir"
(cd "$jcuda_dir" && "$source_java_home/bin/jar" --extract --file "$root"/cli/target/lib/jcuda-natives-*-linux-x86_64.jar)
libraries="$( { find "$rootfs/opt/java" -name '*.so' -o -path '*/bin/java'; find "$jcuda_dir" -name 'libJCudaDriver*.so'; } \
  | xargs -r ldd 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | sort -u)"
for library in $libraries; do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done
# The loader as programs name it (/lib64/ld-linux-x86-64.so.2), whether or not ldd showed that path.
mkdir -p "$rootfs/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"

# 3. A reproducible tarball: sorted names, one fixed time, numeric owners (root, the app's files read-only).
tarball="$out/rootfs.tar"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$rootfs" -cf "$tarball" .
digest="$(sha256sum "$tarball" | cut -c1-64)"

if [[ "$(docker image inspect --format '{{index .Config.Labels "dev.specula.rootfs"}}' "$tag" 2>/dev/null || true)" == "$digest" ]]; then
  echo "build-image.sh: $tag is up to date (root file system sha256 $digest)"
  exit 0
fi

# 4. The image: the role is the command. The JVM sizes its heap from the container's memory limit
# (JDK_JAVA_OPTIONS, which a deployment may replace; weights are memory-mapped outside the heap).
java_options="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss4m \
-XX:-UsePerfData -Djava.awt.headless=true -Djava.io.tmpdir=/tmp -Dspecula.home=/opt/specula"
entrypoint="[\"/opt/java/bin/java\""
for option in $java_options; do entrypoint+=",\"$option\""; done
entrypoint+=",\"-cp\",\"/opt/specula/classes:/opt/specula/lib/*\",\"dev.specula.cli.SpeculaMain\",\"serve\"]"
docker import \
  --change "ENTRYPOINT $entrypoint" \
  --change 'CMD ["all"]' \
  --change "USER $uid:$uid" \
  --change 'WORKDIR /tmp' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=50' \
  --change 'EXPOSE 50051 50052 50053' \
  --change "LABEL dev.specula.rootfs=$digest" \
  --change 'LABEL org.opencontainers.image.title=specula' \
  "$tarball" "$tag" >/dev/null
echo "build-image.sh: built $tag (root file system sha256 $digest, $(du -h "$tarball" | cut -f1))"
