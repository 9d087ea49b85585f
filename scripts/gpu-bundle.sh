#!/usr/bin/env bash
# Packs what a lent GPU machine (no Java, no registry) needs to run the OpenCL conformance tests and the JMH
# benchmarks: a jlink'ed JDK 25 runtime, the built jars and two scripts, in .gpu/ (ignored by git, < 64 MiB).
# Then, with the device tool: carry .gpu and run `.gpu/run-tests.sh` and `.gpu/run-bench.sh` there.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

./mvnw -B -q -DskipTests -pl gpu-opencl,bench -am package
./mvnw -B -q -pl gpu-opencl dependency:copy-dependencies -DincludeScope=test -DoutputDirectory=target/gpu-lib
./mvnw -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
  -DoutputDirectory=gpu-opencl/target/gpu-lib -N

rm -rf .gpu && mkdir -p .gpu/lib
jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.xml,jdk.incubator.vector \
  --strip-native-debug-symbols=exclude-debuginfo-files --strip-java-debug-attributes --no-header-files \
  --no-man-pages --compress=zip-9 --output .gpu/runtime
cp gpu-opencl/target/gpu-opencl-*.jar gpu-opencl/target/gpu-lib/*.jar .gpu/lib/
cp gpu-opencl/target/test-classes -r .gpu/test-classes
cp bench/target/benchmarks.jar .gpu/

cat > .gpu/run-tests.sh <<'RUN'
#!/usr/bin/env bash
# OpenCL conformance and pipeline tests on the device's OpenCL platform (NVIDIA registers itself through
# /etc/OpenCL/vendors; add an ICD file naming libnvidia-opencl.so.1 if none is there).
set -uo pipefail
cd "$(dirname "$0")"
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ] && ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 >/dev/null 2>&1; then
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
CP="test-classes:$(ls lib/*.jar | grep -v console-standalone | tr '\n' ':')"
# Heap flags as in gpu-opencl/pom.xml: a pre-touched fixed heap keeps ResourceHygieneTest's native-memory figure honest.
CI=true runtime/bin/java --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dfiligrane.roundTrips=200 \
  -jar lib/junit-platform-console-standalone-*.jar execute -cp "$CP" --select-package org.filigrane.opencl \
  --details=summary --disable-banner "$@"
RUN
cat > .gpu/run-bench.sh <<'RUN'
#!/usr/bin/env bash
# JMH on the device: OpenCL and the CPU backends side by side; the CSV lands in $OUT when the device tool sets it.
set -uo pipefail
cd "$(dirname "$0")"
out="${OUT:-.}/jmh-gpu.csv"
runtime/bin/java -jar benchmarks.jar -jvm "$PWD/runtime/bin/java" -rf csv -rff "$out" "$@"
RUN
chmod +x .gpu/run-tests.sh .gpu/run-bench.sh
du -sh .gpu
