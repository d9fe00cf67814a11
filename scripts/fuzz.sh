#!/usr/bin/env bash
# fuzz.sh — build the libFuzzer targets (tests/fuzz/) with clang and run them for a while each.
set -euo pipefail

ALL_TARGETS=(form fields phone cookie utf8 route csv forecast tree origin)
# Seeds kept elsewhere in the repository, read besides tests/fuzz/corpus/<target>/.
declare -A EXTRA_SEEDS=([tree]=src/cli/trees)

usage() {
    cat <<EOF
Usage: scripts/fuzz.sh [SECONDS] [TARGET...] [--help]

Configures a clang build with -DHY_FUZZ=ON and ASan+UBSan in build-fuzz/, builds the fuzz
targets, then runs each for SECONDS (default 60) with libFuzzer's -max_total_time.

Targets: ${ALL_TARGETS[*]} (default: all), each fuzz_<target> in tests/fuzz/.

Each run reads tests/fuzz/corpus/<target>/ (never written; for tree also the sample trees of
src/cli/trees/) and keeps the new inputs it finds
in build-fuzz/corpus-new/<target>/. It prints, per target, the executions, the coverage
(libFuzzer's "cov" edges) at start and at end, and the new inputs kept. A crash, leak,
sanitizer report or broken invariant stops that target; its input is saved in
build-fuzz/crashes/<target>/ and this script exits 1 after running the others. To keep a
crash as a regression input, copy it into tests/fuzz/corpus/<target>/ once the bug is fixed:
CTest's fuzz_replay_<target> then replays it in every build.

  --help   show this text

Environment: JOBS (parallel compile jobs, default: number of cores); FUZZ_BUILD_DIR (default
build-fuzz); FUZZ_ARGS (more libFuzzer flags, e.g. "-max_len=8192").
EOF
}

SECS=60
SECS_SET=
TARGETS=()
while (($#)); do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *)
        if [[ "$1" =~ ^[0-9]+$ ]] && [ -z "$SECS_SET" ] && ((${#TARGETS[@]} == 0)); then
            SECS=$1
            SECS_SET=1
        else
            ok=0
            for t in "${ALL_TARGETS[@]}"; do [ "$t" = "$1" ] && ok=1; done
            if [ "$ok" -eq 0 ]; then
                echo "fuzz.sh: unknown target '$1' (targets: ${ALL_TARGETS[*]})" >&2
                exit 2
            fi
            TARGETS+=("$1")
        fi
        ;;
    esac
    shift
done
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")
((SECS > 0)) || { echo "fuzz.sh: SECONDS must be at least 1" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}")
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
command -v clang >/dev/null || { echo "fuzz.sh: clang not found (apt-get install clang)" >&2; exit 2; }

echo "fuzz: configuring $BUILD (clang, HY_FUZZ=ON, ASan+UBSan)" >&2
cmake --log-level=WARNING -S "$ROOT" -B "$BUILD" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHY_FUZZ=ON -DHY_SANITIZE=address,undefined >&2
echo "fuzz: building ${TARGETS[*]} with $JOBS jobs" >&2
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]/#/fuzz_}" >&2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

FAILED=()
SUMMARY=()
for t in "${TARGETS[@]}"; do
    exe=$BUILD/tests/fuzz/fuzz_$t
    seeds=$ROOT/tests/fuzz/corpus/$t
    new=$BUILD/corpus-new/$t
    crashes=$BUILD/crashes/$t
    log=$BUILD/fuzz-$t.log
    mkdir -p "$new" "$crashes"
    extra=()
    [ -n "${EXTRA_SEEDS[$t]:-}" ] && extra=("$ROOT/${EXTRA_SEEDS[$t]}")
    dict=()
    [ -f "$ROOT/tests/fuzz/$t.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$t.dict")
    echo "fuzz: $t for ${SECS}s (log: $log)" >&2
    rc=0
    # The first corpus folder is where libFuzzer writes new inputs; the seeds are only read.
    # shellcheck disable=SC2086
    "$exe" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "${dict[@]}" ${FUZZ_ARGS:-} "$new" "$seeds" "${extra[@]}" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    newunits=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
    cov0=$(grep -m1 -E '(INITED|INIT) .*cov: ' "$log" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    cov1=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    line=$(printf '%-7s %12s execs %8s/s  cov %5s -> %-5s  %4s new inputs' "$t" "${execs:-?}" \
        "${rate:-?}" "${cov0:-?}" "${cov1:-?}" "${newunits:-?}")
    if [ "$rc" -ne 0 ]; then
        art=$(grep -o "Test unit written to [^ ]*" "$log" | tail -n 1 | sed 's/Test unit written to //')
        line="$line  CRASH (exit $rc): ${art:-see $log}"
        FAILED+=("$t")
        grep -m 5 -E 'ERROR: |runtime error|invariant failed|SUMMARY' "$log" >&2 || true
    fi
    echo "$line"
    SUMMARY+=("$line")
done

echo
echo "=== fuzz summary (${SECS}s per target; new inputs in $BUILD/corpus-new/)"
for l in "${SUMMARY[@]}"; do echo "  $l"; done
if ((${#FAILED[@]})); then
    echo "fuzz: crashes in: ${FAILED[*]} (inputs in $BUILD/crashes/)" >&2
    exit 1
fi
