#!/usr/bin/env bash
# The whole command as users run it, beside a bare one-thread csv ByteRecord parse of the
# same file, interleaved (the machine has slow phases), best of N.
#
#   benches/whole-command.sh [ROWS...]        default: 1000000
#   N=7 THREADS=2 benches/whole-command.sh 1000000 10000000
#
# For each size it prints one Markdown table row per variant: rows/s, MB/s, peak RSS
# (/usr/bin/time -v "Maximum resident set size") and the ratio bare parse time / ghg time
# (1.0 or more: ghg runs at the speed of reading the file).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-5}"
THREADS="${THREADS:-2}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000)
cargo build --release --quiet --bin ghg --example generate_rows --example bare_parse
T="${CARGO_TARGET_DIR:-target}/release"
DIR="${BENCH_DIR:-${TMPDIR:-/tmp}}"

# Prints "seconds peak_kb" for one run of the command given: the wall time to the
# nanosecond clock (`time -v` rounds it to 10 ms, a tenth of a 1 M-row run), the peak RSS
# from `time -v`.
measure() {
    local log t0 t1
    log=$(mktemp)
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>/dev/null
    t1=$(date +%s%N)
    awk -F': ' -v ns="$((t1 - t0))" '/Maximum resident set size/ { kb = $2 }
                END { printf "%.4f %d\n", ns / 1e9, kb }' "$log"
    rm -f "$log"
}

echo "| rows | variant | bare parse (1 thread) | ghg, $THREADS threads | rows/s | MB/s | peak RSS | ratio |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for rows in "${SIZES[@]}"; do
    file="$DIR/ghg-bench-$rows.csv"
    [ -s "$file" ] || "$T/examples/generate_rows" "$rows" "$file"
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
    for variant in no-upstream upstream; do
        extra=()
        [ "$variant" = no-upstream ] && extra=(--no-upstream)
        best_bare=999999 best_ghg=999999 rss=0
        for _ in $(seq "$N"); do
            read -r s _ < <(measure "$T/examples/bare_parse" "$file")
            best_bare=$(awk -v a="$best_bare" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
            read -r s kb < <(measure "$T/ghg" inventory "$file" --factors desnz-2025 \
                "${extra[@]}" --format json -j "$THREADS")
            best_ghg=$(awk -v a="$best_ghg" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
            rss=$(( kb > rss ? kb : rss ))
        done
        awk -v r="$rows" -v v="$variant" -v bp="$best_bare" -v g="$best_ghg" -v mb="$mb" \
            -v kb="$rss" 'BEGIN {
            printf "| %d | %s | %.3f s | %.3f s | %.2f M | %.0f | %.0f MB | %.2f |\n",
                r, v, bp, g, r / g / 1e6, mb / g, kb / 1024, bp / g }'
    done
done
