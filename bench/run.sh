#!/usr/bin/env bash
# Builds the JMH benchmarks and prints the comparison table (megapixels per second, speedup over the reference,
# fraction of the memory-copy rate measured in the same run).
#   bench/run.sh                    every benchmark, both volumes (about 10 minutes on 2 cores)
#   bench/run.sh -p volume=256x256x48/12 'KernelBench'     any JMH arguments: a filter, -p, -f, -wi, -i ...
#   bench/run.sh --table results.csv                      only print the table of an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."

find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64)
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/javac" ] || continue
    local v
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$d"; return 0; fi
  done
  return 1
}

table() {
  # JMH CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: backend","Param: volume"
  awk -F, '
    function unq(s) { gsub(/"/, "", s); return s }
    function pixels(v,   d) { split(v, d, /[x\/]/); return d[1] * d[2] * d[3] }
    { sub(/\r$/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) { h = unq($i); if (h ~ /backend/) bc = i; if (h ~ /volume/) vc = i } next }
    {
      name = unq($1); sub(/.*\./, "", name); ms = unq($5) + 0; err = unq($6) + 0
      be = bc ? unq($bc) : ""; vol = vc ? unq($vc) : ""
      if (name == "memcpy") { mem[vol] = ms; next }
      if (name == "memcpySingleThread") { mem1[vol] = ms; next }
      if (name == "copyKernel" || name == "upload" || name == "download") { cl[vol, name] = ms; clv[vol] = 1; next }
      key = vol SUBSEP name
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      t[key, be] = ms; e[key, be] = err
    }
    END {
      printf "| volume | operation | reference MP/s | vector MP/s | vector ms (±99.9%%) | speedup | vector / memcpy rate | opencl MP/s | opencl speedup |\n"
      printf "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
      for (i = 1; i <= n; i++) {
        split(order[i], k, SUBSEP); vol = k[1]; op = k[2]; px = pixels(vol)
        r = t[order[i], "reference"]; v = t[order[i], "vector"]; o = t[order[i], "opencl"]
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", vol, op,
          r ? sprintf("%.1f", px / r / 1000) : "-", v ? sprintf("%.1f", px / v / 1000) : "-",
          v ? sprintf("%.2f ± %.2f", v, e[order[i], "vector"]) : "-",
          (r && v) ? sprintf("%.1fx", r / v) : "-",
          (v && mem[vol]) ? sprintf("%.2f", mem[vol] / v) : "-",
          o ? sprintf("%.1f", px / o / 1000) : "-", (r && o) ? sprintf("%.1fx", r / o) : "-"
      }
      for (vol in mem) printf "| %s | memcpy, all cores (baseline) | | %.1f | %.2f | | 1.00 | | |\n", vol, pixels(vol) / mem[vol] / 1000, mem[vol]
      for (vol in clv) for (j = 1; j <= 3; j++) {
        nm = j == 1 ? "copyKernel" : (j == 2 ? "upload" : "download")
        if ((vol, nm) in cl) printf "| %s | OpenCL %s (device baseline) | | | | | | %.1f | |\n", vol, nm, pixels(vol) / cl[vol, nm] / 1000
      }
      for (vol in mem1) printf "| %s | memcpy, one thread | | %.1f | %.2f | | %.2f | | |\n", vol, pixels(vol) / mem1[vol] / 1000, mem1[vol], mem[vol] / mem1[vol]
    }' "$1"
}

if [ "${1:-}" = "--table" ]; then table "$2"; exit 0; fi

if ! JDK=$(find_jdk25); then
  echo "bench/run.sh needs a JDK 25 (or later); set JAVA_HOME to one" >&2
  exit 3
fi
export JAVA_HOME="$JDK"
export PATH="$JAVA_HOME/bin:$PATH"

./mvnw -B -q -pl bench -am package -DskipTests
out=bench/target/jmh-results.csv
java -jar bench/target/benchmarks.jar -rf csv -rff "$out" "$@"
echo
table "$out" | tee bench/target/table.md
