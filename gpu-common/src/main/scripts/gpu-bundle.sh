#!/usr/bin/env bash
# Builds, on a CPU machine with JDK 25 and Maven access, a self-contained bundle that runs the CUDA backend's
# tests and benchmark on a GPU machine that has only an NVIDIA driver (CUDA 13): no JDK, Maven or network.
#
#   gpu-common/src/main/scripts/gpu-bundle.sh [OUT_DIR]      (default OUT_DIR: gpu-common/target)
#
# Produces OUT_DIR/specula-gpu/ and OUT_DIR/specula-gpu.tar.gz containing:
#   runtime/            a jlink-ed Java 25 runtime (java.se, jdk.incubator.vector, jdk.unsupported, ...)
#   lib/                the engine and command-line jars and their runtime jars (jcuda + linux-x86_64 natives,
#                       picocli, ...), test jars
#   gpu-common/         the compiled tests, CUDA sources, PTX and scripts (the tests' working directory)
#   shared/             stories260K model and golden output, when ../shared has them
#   run-gpu-tests.sh    JUnit console run of the CUDA tests (or: all) with XML reports
#   run-bench.sh        writes ~1.1B-parameter random Llama models (F16, Q8_0), runs CudaBench on each, and the
#                       PyTorch eager baseline when python3 with torch is present
#   bench_pytorch.py    the PyTorch eager baseline
# The first run needs Maven Central for junit-platform-console-standalone; later runs work offline (-o).
set -euo pipefail

module="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
root="$(dirname "$module")"
out="${1:-$module/target}"
bundle="$out/specula-gpu"

if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/jlink" ]]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1)"
fi
[[ -x "$JAVA_HOME/bin/jlink" ]] || { echo "gpu-bundle: needs a JDK 25 with jlink (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME

mvn=("$root/mvnw" -B -q ${MAVEN_OFFLINE:+-o})
junit_version="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml" | head -n 1)"

echo "gpu-bundle: building gpu-common and the command line (tests compiled, not run) ..."
(cd "$root" && "${mvn[@]}" -pl cli -am -DskipTests package)

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/gpu-common/src/main" "$bundle/shared/models"

echo "gpu-bundle: collecting jars ..."
cp "$module"/target/gpu-common-*.jar "$root"/cli/target/cli-*.jar "$root"/cli/target/lib/*.jar "$bundle/lib/"
(cd "$root" && "${mvn[@]}" -pl gpu-common dependency:copy-dependencies -DincludeScope=test \
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian \
    -DoutputDirectory="$bundle/lib")
(cd "$root" && "${mvn[@]}" -pl gpu-common dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
    -DoutputDirectory="$bundle/lib")
mv "$bundle/lib/junit-platform-console-standalone-$junit_version.jar" "$bundle/lib/junit-console.jar"

echo "gpu-bundle: tests, CUDA sources and PTX ..."
cp -r "$module/target/test-classes" "$bundle/gpu-common/test-classes"
cp -r "$module/src/main/cuda" "$module/src/main/scripts" "$bundle/gpu-common/src/main/"
mkdir -p "$bundle/gpu-common/src/main/resources/dev/specula/engine/kernel"
cp -r "$module/src/main/resources/dev/specula/engine/kernel/cuda" "$bundle/gpu-common/src/main/resources/dev/specula/engine/kernel/"
cp "$module/src/main/scripts/bench_pytorch.py" "$bundle/"
for shared in "$root/../shared" "$root/shared"; do
  if [[ -d "$shared/models/stories260K" ]]; then
    cp -r "$shared/models/stories260K" "$bundle/shared/models/"
    break
  fi
done

echo "gpu-bundle: jlink ..."
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.incubator.vector,jdk.unsupported,jdk.zipfs,jdk.management \
    --strip-debug --no-header-files --no-man-pages --compress zip-6 --output "$bundle/runtime"

cat > "$bundle/env.sh" <<'EOF'
# Sourced by the run scripts: the bundled runtime and class path.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java=("$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)
engine_cp="$(ls "$here"/lib/*.jar | grep -v junit-console | tr '\n' ':')"
EOF

cat > "$bundle/run-gpu-tests.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the CUDA backend's tests (every kernel against the CPU oracle, device sampling, memory accounting,
# stories260K golden output and block-vs-steps through CUDA) plus backend selection.
#   ./run-gpu-tests.sh [REPORT_DIR]        CUDA tests; reports (JUnit XML) in REPORT_DIR (default ./reports)
#   ALL=1 ./run-gpu-tests.sh [REPORT_DIR]  the whole gpu-common suite
# Exit status 0 only when every test passed; a CUDA test skipped for lack of a device is reported as skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
reports="$(realpath -m "${1:-$here/reports}")"
if [[ -n "${ALL:-}" ]]; then
  select=(--scan-class-path "$here/gpu-common/test-classes")
else
  select=(--select-package dev.specula.engine.kernel.cuda --select-class dev.specula.engine.kernel.BackendsTest)
fi
cd "$here/gpu-common" # the tests find ../shared and src/main/... from here
exec "${java[@]}" -jar "$here/lib/junit-console.jar" execute --disable-banner --details=tree \
    --class-path "$here/gpu-common/test-classes:$engine_cp" "${select[@]}" --reports-dir "$reports" --fail-if-no-tests
EOF

cat > "$bundle/run-bench.sh" <<'EOF'
#!/usr/bin/env bash
# GPU benchmark: writes ~1.1B-parameter Llama models with random weights (dim 2048, 16 layers, 32 heads on 8
# KV heads, FFN 8192, vocab 32000; F16 and Q8_0) unless present, runs CudaBench on each (decode tok/s against
# the device bandwidth bound, verify-block times), then the same architecture in PyTorch eager if available.
#   ./run-bench.sh [WORK_DIR]   (models are written to WORK_DIR, default ./models)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
work="$(realpath -m "${1:-$here/models}")"
mkdir -p "$work"
shape=(--dim 2048 --hidden-dim 8192 --layers 16 --heads 32 --kv-heads 8 --vocab 32000 --context 2048)
for type in F16 Q8_0; do
  model="$work/llama-1b-random-$type.gguf"
  if [[ ! -f "$model" ]]; then
    "${java[@]}" -Xmx24g -cp "$engine_cp" dev.specula.cli.SpeculaMain random-model --out "$model" \
        "${shape[@]}" --type "$type" --seed 1
  fi
  echo "=== specula cuda, $type ==="
  "${java[@]}" -Xmx8g -cp "$engine_cp" dev.specula.cli.CudaBench --model "$model" \
      --prompt-tokens 64 --decode-tokens 128 --max-k 8 --repeats 10
done
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  echo "=== pytorch eager, float16 (no Q8_0 equivalent in eager PyTorch) ==="
  python3 "$here/bench_pytorch.py" --dtype float16 --prompt-tokens 64 --decode-tokens 128 --max-k 8 --repeats 10
else
  echo "=== pytorch eager skipped: python3 with CUDA-enabled torch not found ==="
fi
EOF
chmod +x "$bundle"/*.sh

cat > "$bundle/README.txt" <<EOF
Specula GPU bundle, built $(date -u +%Y-%m-%dT%H:%MZ) from $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown).
Needs only an x86_64 Linux machine with an NVIDIA driver for CUDA 13 (libcuda.so.1); no JDK, Maven or network.
  ./run-gpu-tests.sh [REPORT_DIR]   CUDA tests (ALL=1 for the whole gpu-common suite)
  ./run-bench.sh [WORK_DIR]         decode/verify benchmark of ~1.1B random Llama models (F16, Q8_0) + PyTorch
EOF

echo "gpu-bundle: packing ..."
tar -C "$out" -czf "$out/specula-gpu.tar.gz" specula-gpu
du -sh "$bundle" "$out/specula-gpu.tar.gz"
echo "gpu-bundle: done: $out/specula-gpu.tar.gz (unpack on the GPU machine and run specula-gpu/run-gpu-tests.sh)"
