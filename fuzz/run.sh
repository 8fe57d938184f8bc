#!/usr/bin/env bash
# Builds and runs the fuzz targets with libFuzzer. Needs a nightly toolchain
# (`rustup toolchain install nightly`) and a C++ compiler; cargo-fuzz is not needed (the flags
# below are the ones `cargo fuzz build` passes). Not run in CI.
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]   (default 300)
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-300}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
cargo +nightly build --release --target "$triple" --bins
for t in activity factor_set plan; do
    mkdir -p "corpus/$t" "artifacts/$t"
    # Seeds: the bad-input corpus and the shipped examples.
    case "$t" in
        activity) cp ../tests/corpus/activity/*.csv ../examples/nhs-trust/*.csv "corpus/$t/" ;;
        factor_set) cp ../tests/corpus/factors/*.toml ../tests/fixtures/factors/*.toml "corpus/$t/" ;;
        plan) cp ../tests/corpus/plan/*.toml ../examples/nhs-trust/plan.toml "corpus/$t/" 2>/dev/null || cp ../examples/nhs-trust/plan.toml "corpus/$t/" ;;
    esac
    echo "== $t: ${secs}s"
    "$CARGO_TARGET_DIR/$triple/release/$t" "corpus/$t" -max_total_time="$secs" \
        -artifact_prefix="artifacts/$t/" -max_len=4096 -print_final_stats=1 2>&1 | tail -n 15
done
