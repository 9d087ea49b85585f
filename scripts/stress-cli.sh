#!/usr/bin/env bash
# Stress the filigrane command: RUNS command runs (default 200) on the demo's sample series, CONCURRENCY at a time
# (default 4), backends auto/reference/vector/opencl in turn. Fails when any run crashes (exit >= 128, e.g. 139 =
# SIGSEGV, 134 = SIGABRT), leaves an hs_err file, or exits with another code than expected.
# Usage: scripts/stress-cli.sh [RUNS] [CONCURRENCY]   (build first: ./mvnw -B -o -pl cli -am package -DskipTests)
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-200}
CONC=${2:-4}
JAR=cli/target/filigrane-cli.jar
[ -f "$JAR" ] || { echo "stress-cli: $JAR missing; build it first (./mvnw -B -o -pl cli -am package -DskipTests)" >&2; exit 2; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
W=$(mktemp -d "${TMPDIR:-/tmp}/filigrane-stress.XXXXXX")
cli() { (cd "$W" && "$JAVA" -XX:ErrorFile="$W/hs_err_pid%p.log" --enable-native-access=ALL-UNNAMED \
    --add-modules jdk.incubator.vector -cp "$OLDPWD/$JAR:$OLDPWD/cli/target/lib/*" org.filigrane.cli.Main "$@"); }
cli keygen -o "$W/issuer.key" >/dev/null || { echo "stress-cli: keygen failed" >&2; exit 1; }
cli demo --dir "$W/demo" --slices 8 --size 96 --backend reference >/dev/null \
    || { echo "stress-cli: demo failed" >&2; exit 1; }
SERIES="$W/demo/original"
cli embed -q --backend reference --key-file "$W/issuer.key" --recipient base -o "$W/base" "$SERIES" >/dev/null \
    || { echo "stress-cli: base embed failed" >&2; exit 1; }
BACKENDS=(auto reference vector opencl)
: > "$W/results"
one() {
    local i=$1 b=${BACKENDS[$(( $1 % 4 ))]} expect=0 code
    case $(( i % 5 )) in
        0|1) cli embed -q --backend "$b" --key-file "$W/issuer.key" --recipient "r$i" -o "$W/e$i" "$SERIES" \
                >"$W/log$i" 2>&1 ;;
        2) cli verify -q --backend "$b" --public-key "$W/issuer.pub" "$W/base" >"$W/log$i" 2>&1 ;;
        3) cli restore -q --backend "$b" --public-key "$W/issuer.pub" -o "$W/r$i" "$W/base" >"$W/log$i" 2>&1 ;;
        4) cli capacity --backend "$b" "$SERIES" >"$W/log$i" 2>&1 ;;
    esac
    code=$?
    echo "$i $b $code $expect" >> "$W/results"
}
start=$(date +%s)
for ((i = 0; i < RUNS; i++)); do
    one "$i" &
    if (( (i + 1) % CONC == 0 )); then wait; fi
done
wait
end=$(date +%s)
crashes=$(awk '$3 >= 128' "$W/results" | wc -l)
wrong=$(awk '$3 != $4' "$W/results" | wc -l)
hs=$(ls "$W"/hs_err_pid*.log 2>/dev/null | wc -l)
total=$(wc -l < "$W/results")
echo "stress-cli: $total runs ($CONC at a time) in $((end - start)) s: $crashes crash(es) (exit >= 128), $wrong unexpected exit code(s), $hs hs_err file(s); per backend:"
for b in "${BACKENDS[@]}"; do
    echo "  $b: $(awk -v b="$b" '$2 == b' "$W/results" | wc -l) runs, $(awk -v b="$b" '$2 == b && $3 != $4' "$W/results" | wc -l) unexpected"
done
if (( crashes + wrong + hs > 0 )); then
    awk '$3 != $4 {print "  run " $1 " (" $2 "): exit " $3}' "$W/results" | head -20
    for f in $(awk '$3 != $4 {print $1}' "$W/results" | head -3); do echo "--- log of run $f:"; tail -5 "$W/log$f"; done
    echo "stress-cli: FAILED (work directory kept: $W)"
    exit 1
fi
rm -rf "$W"
echo "stress-cli: OK"
