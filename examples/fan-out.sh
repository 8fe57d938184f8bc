#!/usr/bin/env bash
# A national run fanned out over one machine's cores with GNU parallel (xargs -P if parallel
# is absent), one `ghg inventory` per input file, then merged into the inventory one run over
# every file gives:
#
#   examples/fan-out.sh OUT_DIR FILE.csv...
#
# Each part is an ordinary run directory (verify it with `ghg verify`); `ghg merge` refuses
# parts made with different options or factor sets. GHG (the binary) and GHG_ARGS (options
# every part shares, e.g. "--factors desnz-2025") may be set.
set -euo pipefail
out="$1"
shift
ghg="${GHG:-ghg}"
args="${GHG_ARGS:---factors desnz-2025}"
parts="$out.parts"
mkdir -p "$parts"
n=0
for f in "$@"; do
    n=$((n + 1))
    printf '%s\t%s\n' "$(printf 'part-%05d' "$n")" "$f"
done >"$parts/list.tsv"
run_part() { # NAME FILE
    # shellcheck disable=SC2086 # GHG_ARGS is a list of options
    "$ghg" inventory $args --allow-rejects --format json --out "$parts/$1" "$2" >/dev/null
}
export -f run_part
export ghg args parts
if command -v parallel >/dev/null; then
    parallel --colsep '\t' --halt now,fail=1 run_part {1} {2} <"$parts/list.tsv"
else
    tr '\t' '\n' <"$parts/list.tsv" | xargs -d '\n' -n 2 -P "$(nproc)" bash -c 'run_part "$0" "$1"'
fi
# Parts in input order, so the merged ledger and notes read as one run's.
cut -f1 "$parts/list.tsv" | sed "s|^|$parts/|" | xargs -d '\n' "$ghg" merge --out "$out"
