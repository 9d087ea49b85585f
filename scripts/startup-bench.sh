#!/usr/bin/env bash
# Start-up of one-shot commands on a built tree (issue 12, item 5), through the ./filigrane wrapper as a user runs it:
#   --version; embed of a small series (16 slices of 256x256, 8-bit; backend auto = reference) with --no-ledger and
#   with a SQLite ledger; verify of the embedded copy. Each under every setting in MODES (environment assignments
#   for the wrapper), interleaved, RUNS times each; wall, user and system seconds from /usr/bin/time.
# usage: scripts/startup-bench.sh [WORKDIR] [RUNS]      (WORKDIR default /tmp/filigrane-startup, RUNS default 5)
#   MODES="FILIGRANE_LEAN=1 FILIGRANE_LEAN=0" (default: the lean JVM for small jobs against the full JVM),
#   e.g. MODES="FILIGRANE_AOT=1 FILIGRANE_AOT=0" for the AOT cache against none; a mode TREE=DIR runs DIR's
#   ./filigrane instead (another built checkout, e.g. an export of main: before and after in the same rounds).
#   PERF=1 (when perf is installed): RUNS more runs of each command and mode under `perf record -F 999`, giving the
#   median CPU milliseconds of the JVM's main thread (the critical path on an idle machine), of the JIT's threads,
#   of the wrapper's own processes (bash, find, dpkg-query, ...) and of the rest, from the samples of each thread.
# The first call builds the jar and the AOT caches if they are stale (not timed). Note the load average it prints:
# on a shared 2-core machine the wall times follow the load; user + system is the CPU the command needed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
W=${1:-/tmp/filigrane-startup}; N=${2:-5}
read -r -a MODES <<< "${MODES:-FILIGRANE_LEAN=1 FILIGRANE_LEAN=0}"
F="$ROOT/filigrane"
mkdir -p "$W"; cd "$W"
if [ ! -f small8.done ]; then
  rm -rf small8; /usr/bin/python3 "$ROOT/scripts/gen-archive.py" small8 1 16 256 256 8 --studies 1 >/dev/null
  touch small8.done
fi
S=small8/study000/series000
[ -f key ] || "$F" keygen -o key >/dev/null 2>&1
wrapper() { # mode -> the wrapper it runs
  case "$1" in TREE=*) echo "${1#TREE=}/filigrane" ;; *) echo "$F" ;; esac
}
for m in "${MODES[@]}"; do   # builds the jar and each mode's AOT cache when stale
  env "$m" "$(wrapper "$m")" --version >/dev/null 2>&1
  env "$m" "$(wrapper "$m")" embed $S --recipient r -o "marked-$$" --key-file key --no-ledger -q >/dev/null 2>&1
  rm -rf "marked-$$"
done
rm -rf marked; "$F" embed $S --recipient r -o marked --key-file key --no-ledger -q >/dev/null 2>&1
echo "$(date -u '+%F %T UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -)"
COMMANDS=("--version" "embed --no-ledger" "embed, SQLite ledger" "verify")
command_line() { # label -> the wrapper's arguments
  case "$1" in
    --version) echo "--version" ;;
    "embed --no-ledger") echo "embed $S --recipient r -o out --key-file key --no-ledger -q" ;;
    "embed, SQLite ledger") echo "embed $S --recipient r -o out --key-file key --ledger ledger.db -q" ;;
    verify) echo "verify marked --public-key key.pub -q" ;;
  esac
}
declare -A times
for i in $(seq "$N"); do
  for m in "${MODES[@]}"; do
    for c in "${COMMANDS[@]}"; do
      rm -rf out ledger.db
      # shellcheck disable=SC2046
      env "$m" /usr/bin/time -o time.txt -f "%e %U %S" "$(wrapper "$m")" $(command_line "$c") >/dev/null 2>&1 \
        || { echo "$c ($m) failed" >&2; exit 1; }
      times["$c|$m"]+="$(cat time.txt);"
    done
  done
done
declare -A threads
if [ "${PERF:-0}" = 1 ] && command -v perf >/dev/null; then
  for i in $(seq "$N"); do
    for m in "${MODES[@]}"; do
      for c in "${COMMANDS[@]}"; do
        rm -rf out ledger.db
        # shellcheck disable=SC2046
        env "$m" perf record -q -F 999 -o perf.data -- "$(wrapper "$m")" $(command_line "$c") >/dev/null 2>&1 || true
        # Samples per thread at 999 Hz = CPU milliseconds: the busiest thread named java is the JVM's main thread.
        threads["$c|$m"]+=$(perf script -i perf.data -F comm,tid 2>/dev/null | awk '
          { comm = $1; for (i = 2; i < NF; i++) comm = comm " " $i; n[$NF] += 1; name[$NF] = comm }
          END { for (t in n) if (name[t] == "java" && n[t] > main) main = n[t]
                for (t in n) { c = name[t]
                  if (c == "java" && n[t] == main) continue
                  if (c ~ /^C[12] Compiler/) jit += n[t]
                  else if (c ~ /^(bash|filigrane|find|awk|sed|tr|dirname|dpkg-query|cut|env|time)$/) wrapper += n[t]
                  else other += n[t] }
                printf "%d %d %d %d;", main, jit, wrapper, other }')
      done
    done
  done
  rm -f perf.data
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${COMMANDS[@]}"; do
  for m in "${MODES[@]}"; do
    echo "$c|$m|${times["$c|$m"]}|${threads["$c|$m"]:-}"
  done
done | /usr/bin/python3 -c '
import sys, statistics
print("%-22s %-24s %-26s %9s  %s" % ("command", "mode", "wall s: min / median / max", "CPU s", "perf ms (median): main / JIT / wrapper / rest"))
for line in sys.stdin:
    label, mode, runs, perf = line.rstrip("\n").split("|")
    t = [list(map(float, r.split())) for r in runs.split(";") if r.strip()]
    w = sorted(x[0] for x in t)
    c = statistics.median(x[1] + x[2] for x in t)
    p = [list(map(int, r.split())) for r in perf.split(";") if r.strip()]
    pm = " / ".join("%d" % statistics.median(x[i] for x in p) for i in range(4)) if p else ""
    print("%-22s %-24s %5.2f / %5.2f / %5.2f %14.2f  %s" % (label, mode, w[0], statistics.median(w), w[-1], c, pm))'
rm -rf out marked ledger.db time.txt
