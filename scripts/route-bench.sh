#!/usr/bin/env bash
# Throughput of `filigrane route` against sending the same series straight to Orthanc, in the same run
# (router/src/test/java/org/filigrane/router/RouterBenchmark.java). Needs Orthanc and dcmtk (scripts/setup.sh).
#   scripts/route-bench.sh [instances per series, default 100] [image size, default 128] [backend, default vector]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl router -am test -Dtest=RouterBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfiligrane.bench=true -Dfiligrane.bench.instances="${1:-100}" -Dfiligrane.bench.size="${2:-128}" \
  -Dfiligrane.bench.backend="${3:-vector}"
cat router/target/route-bench.md
