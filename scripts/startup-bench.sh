#!/usr/bin/env bash
# Start-up of one-shot commands on a built tree (issue 12, item 5), through the ./filigrane wrapper as a user runs it:
#   --version; embed of a small series (16 slices of 256x256, 8-bit; backend auto = reference) with --no-ledger and
#   with a SQLite ledger; verify of the embedded copy. Each with the AOT cache (default) and without
#   (FILIGRANE_AOT=0), interleaved, RUNS times each; wall, user and system seconds from /usr/bin/time.
# usage: scripts/startup-bench.sh [WORKDIR] [RUNS]      (WORKDIR default /tmp/filigrane-startup, RUNS default 5)
# The first call builds the jar and the AOT cache if they are stale (not timed). Note the load average it prints:
# on a shared 2-core machine the wall times follow the load; user + system is the CPU the command needed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
W=${1:-/tmp/filigrane-startup}; N=${2:-5}
F="$ROOT/filigrane"
mkdir -p "$W"; cd "$W"
if [ ! -f small8.done ]; then
  rm -rf small8; /usr/bin/python3 "$ROOT/scripts/gen-archive.py" small8 1 16 256 256 8 --studies 1 >/dev/null
  touch small8.done
fi
S=small8/study000/series000
[ -f key ] || "$F" keygen -o key >/dev/null 2>&1
"$F" --version >/dev/null 2>&1    # builds the jar and the AOT cache when stale
rm -rf marked; "$F" embed $S --recipient r -o marked --key-file key --no-ledger -q >/dev/null 2>&1
echo "$(date -u '+%F %T UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -)"
declare -A times
once() { # label, then the command; records "wall user sys"
  local label=$1; shift
  /usr/bin/time -o time.txt -f "%e %U %S" "$@" >/dev/null 2>&1 || { echo "$label failed" >&2; exit 1; }
  times[$label]+="$(cat time.txt);"
}
for i in $(seq "$N"); do
  for aot in 1 0; do
    export FILIGRANE_AOT=$aot
    once "--version aot=$aot" "$F" --version
    rm -rf out; once "embed --no-ledger aot=$aot" "$F" embed $S --recipient r -o out --key-file key --no-ledger -q
    rm -rf out ledger.db; once "embed, SQLite ledger aot=$aot" "$F" embed $S --recipient r -o out --key-file key \
      --ledger ledger.db -q
    once "verify aot=$aot" "$F" verify marked --public-key key.pub -q
  done
done
unset FILIGRANE_AOT
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for label in "--version aot=1" "--version aot=0" "embed --no-ledger aot=1" "embed --no-ledger aot=0" \
    "embed, SQLite ledger aot=1" "embed, SQLite ledger aot=0" "verify aot=1" "verify aot=0"; do
  echo "$label|${times[$label]}"
done | /usr/bin/python3 -c '
import sys, statistics
print("%-30s %-28s %s" % ("command", "wall s: min / median / max", "user+sys s: median"))
for line in sys.stdin:
    label, runs = line.rstrip("\n").split("|")
    t = [list(map(float, r.split())) for r in runs.split(";") if r.strip()]
    w = sorted(x[0] for x in t)
    c = statistics.median(x[1] + x[2] for x in t)
    print("%-30s %5.2f / %5.2f / %5.2f %20.2f" % (label, w[0], statistics.median(w), w[-1], c))'
rm -rf out marked ledger.db time.txt
