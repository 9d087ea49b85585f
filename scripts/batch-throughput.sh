#!/usr/bin/env bash
# End-to-end throughput of 'filigrane batch embed' against the physical limit, in one run on one disk:
#   1. a generated archive (default 48 series of 40x512x512 signed 16-bit: 1.0 GB of pixel data, 1920 files);
#   2. cp -r of it on the same disk (with and without a final sync: batch syncs every file it writes);
#   3. filigrane batch embed with 1 and 2 workers (backend auto = vector), its read/engine/write breakdown;
#   4. the engine alone on one of the volumes in memory (filigrane bench, warm, best of 3).
# usage: scripts/batch-throughput.sh [WORKDIR] [SERIES] [SLICES]     (WORKDIR default /tmp/filigrane-throughput)
# COLD=1 (root only) empties the page cache before every timed step, as for an archive larger than memory: then
# cp and the batch both read from the disk.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
W=${1:-/tmp/filigrane-throughput}; N=${2:-48}; S=${3:-40}
F="$ROOT/filigrane"
mkdir -p "$W"; cd "$W"
if [ ! -f archive.done ]; then
  rm -rf archive; /usr/bin/python3 "$ROOT/scripts/gen-archive.py" archive "$N" "$S" 512 512 16 signed --studies 8
  touch archive.done
fi
[ -f key ] || "$F" keygen -o key >/dev/null
bytes=$(du -sb archive | cut -f1); mb=$(echo "$bytes / 1000000" | bc -l)
pixels=$((N * S * 512 * 512))
echo "$(date -u '+%F %T UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)$([ "${COLD:-0}" = 1 ] && echo ', page cache emptied before each step')"
echo "archive: $N series x $S slices 512x512 signed 16-bit, $(printf %.1f "$mb") MB on disk, $pixels pixels"
sync
cold() { if [ "${COLD:-0}" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi; }
t() { local t0 t1; cold; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
rm -rf copy; tc=$(t cp -r archive copy); rm -rf copy
tcs=$(t bash -c 'cp -r archive copy && sync'); rm -rf copy
printf "cp -r: %.2f s = %.1f MB/s; cp -r + sync: %.2f s = %.1f MB/s\n" "$tc" "$(echo "$mb / $tc" | bc -l)" \
  "$tcs" "$(echo "$mb / $tcs" | bc -l)"
for workers in 1 2; do
  rm -rf out ledger.db
  sync; cold
  t0=$(date +%s.%N)
  # FILIGRANE_JFR=1: a JFR recording of each run (batch-N.jfr), to see where the time goes.
  jfr=""; [ "${FILIGRANE_JFR:-0}" = 1 ] && jfr="-XX:StartFlightRecording=filename=$W/batch-$workers.jfr,settings=profile"
  JAVA_TOOL_OPTIONS="$jfr" "$F" batch embed archive -o out --key-file key --recipient partner --ledger ledger.db \
    --workers $workers -q 2>/dev/null | tee batch-$workers.txt
  t1=$(date +%s.%N); tb=$(echo "$t1 - $t0" | bc -l)
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  # The rate after warm-up (JIT, caches): bytes of the series that finished in the run's second half over the time
  # between the middle series' finish and the last one's, from the report's 'finished' times.
  /usr/bin/python3 - out/.filigrane-batch/report-0-of-1.jsonl "$mb" "$tc" "$tcs" <<'PY'
import json, sys
from datetime import datetime
report, total_mb, tc, tcs = sys.argv[1], *map(float, sys.argv[2:])
rows = sorted((datetime.fromisoformat(r["finished"].replace("Z", "+00:00")), r["fileBytes"])
              for r in map(json.loads, open(report)) if r["ok"])
half = len(rows) // 2
span = (rows[-1][0] - rows[half][0]).total_seconds()
if span > 0:
    rate = sum(b for _, b in rows[half + 1:]) / 1e6 / span
    print(f"  after warm-up (the last {len(rows) - half - 1} series): {rate:.1f} MB/s = "
          f"{100 * rate / (total_mb / tc):.0f}% of cp -r, {100 * rate / (total_mb / tcs):.0f}% of cp -r + sync")
PY
  printf "batch embed, %d worker(s): %.2f s wall (JVM start included) = %.1f MB/s = %.0f%% of cp -r, %.0f%% of cp -r + sync\n" \
    "$workers" "$tb" "$(echo "$mb / $tb" | bc -l)" "$(echo "100 * $tc / $tb" | bc -l)" "$(echo "100 * $tcs / $tb" | bc -l)"
done
rm -rf out
first=$(ls -d archive/*/* | head -1)
echo "engine alone, in memory, on $first:"
"$F" bench "$first" --backend vector,reference --runs 3 2>/dev/null | grep -v WARNING
