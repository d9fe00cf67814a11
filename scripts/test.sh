#!/usr/bin/env bash
# test.sh — install, build and run every test; Quick start command 2, and what .ci/run runs.
#
# Phases: dependencies → build → a throwaway PostgreSQL cluster → C tests (ctest; the store
# conformance suite on SQLite and on PostgreSQL) → HTTP API tests (node --test tests/api/, once
# per store) → browser tests (tests/e2e/, when there are any) → the same C and API tests again
# with an AddressSanitizer+UBSan build. Ends with one line: "N passed, N failed, N skipped".
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/test.sh [--quick] [--only sqlite|postgres] [--help]

Installs what is missing (scripts/deps.sh), builds (scripts/build.sh), runs the static checks
(scripts/lint.sh: banned functions, SQL built with printf, cppcheck, clang-tidy), starts a
throwaway PostgreSQL cluster (scripts/pg-cluster.sh; stopped and removed on exit), then runs:
  - the C unit and store conformance tests (ctest), the store tests on both backends;
  - the HTTP API tests (node --test tests/api/) against SQLite and against PostgreSQL;
  - the browser tests (node --test tests/e2e/), if there are any;
  - the C and API tests again with an AddressSanitizer + UndefinedBehaviorSanitizer build.
Failing tests are listed with their messages above a table of the phases;
the last line counts every test of every phase: "N passed, N failed, N skipped".
Exits 0 only when nothing failed. Logs and TAP files go to test-output/.

  --quick                 skip the sanitizer phase
  --only sqlite|postgres  test one store only (the browser tests run with sqlite only)
  --help                  show this text

Environment: JOBS (parallel jobs, default: number of cores); BUILD_DIR and ASAN_BUILD_DIR
(default build and build-asan); HY_TEST_VERBOSE=1 (echo the servers' stderr in API tests).
EOF
}

QUICK=0
ONLY=
while (($#)); do
    case "$1" in
    --quick) QUICK=1 ;;
    --only)
        [ $# -ge 2 ] || { echo "test.sh: --only needs sqlite or postgres" >&2; exit 2; }
        ONLY=$2
        shift
        ;;
    --only=*) ONLY=${1#--only=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$ONLY" in "" | sqlite | postgres) ;; *) echo "test.sh: --only takes sqlite or postgres" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export JOBS
BUILD_DIR=$(realpath -m "${BUILD_DIR:-$ROOT/build}")
ASAN_BUILD_DIR=$(realpath -m "${ASAN_BUILD_DIR:-$ROOT/build-asan}")
OUT=$ROOT/test-output
rm -rf "$OUT"
mkdir -p "$OUT"

START=$SECONDS
PHASE_START=$SECONDS
PASSED=0
FAILED=0
SKIPPED=0
RESULTS=() # one line per phase, printed at the end
FAILURES= # the failing tests and their messages, printed above the summary

phase() {
    PHASE_START=$SECONDS
    printf '\n=== [%4ss] %s\n' "$((SECONDS - START))" "$*"
}

# record NAME PASSED FAILED SKIPPED — adds a phase's counts to the totals.
record() {
    PASSED=$((PASSED + $2))
    FAILED=$((FAILED + $3))
    SKIPPED=$((SKIPPED + $4))
    RESULTS+=("$(printf '%-34s %4d passed %4d failed %4d skipped %5ss' "$1" "$2" "$3" "$4" "$((SECONDS - PHASE_START))")")
    printf -- '--- %s: %d passed, %d failed, %d skipped (%ss)\n' "$1" "$2" "$3" "$4" "$((SECONDS - PHASE_START))"
}

summary() {
    [ -n "$FAILURES" ] && printf '\n=== what failed%s\n' "$FAILURES"
    printf '\n=== summary after %ss (logs in test-output/)\n' "$((SECONDS - START))"
    local r
    for r in "${RESULTS[@]}"; do printf '  %s\n' "$r"; done
    printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
}

PG_DIR=
cleanup() {
    local rc=$?
    if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
        bash scripts/pg-cluster.sh stop "$PG_DIR" >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "test.sh: interrupted" >&2; exit 130' INT TERM

# ---------------------------------------------------------------- helpers

# run_ctest NAME BUILD_DIR — runs the C tests of a build and records ctest's counts.
run_ctest() {
    local name=$1 dir=$2 junit=$OUT/ctest-$(basename "$2").xml
    local -a exclude=()
    [ "$ONLY" = sqlite ] && exclude=(-E '^store_postgres$')
    [ "$ONLY" = postgres ] && exclude=(-E '^store_sqlite$')
    if [ ! -f "$dir/CTestTestfile.cmake" ]; then
        record "$name" 0 1 0
        return
    fi
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 600 \
        --output-junit "$junit" "${exclude[@]}" 2>&1 | tee "$OUT/ctest-$(basename "$dir").log" || true
    if [ ! -s "$junit" ]; then
        echo "test.sh: ctest wrote no results" >&2
        record "$name" 0 1 0
        return
    fi
    # <testsuite … tests="N" failures="N" disabled="N" skipped="N" …>
    local attrs tests failures disabled skipped
    attrs=$(tr '\n' ' ' <"$junit" | grep -o '<testsuite [^>]*>' | head -n 1)
    tests=$(sed -n 's/.*[[:space:]]tests="\([0-9]*\)".*/\1/p' <<<"$attrs")
    failures=$(sed -n 's/.*[[:space:]]failures="\([0-9]*\)".*/\1/p' <<<"$attrs")
    disabled=$(sed -n 's/.*[[:space:]]disabled="\([0-9]*\)".*/\1/p' <<<"$attrs")
    skipped=$(sed -n 's/.*[[:space:]]skipped="\([0-9]*\)".*/\1/p' <<<"$attrs")
    tests=${tests:-0} failures=${failures:-0} disabled=${disabled:-0} skipped=${skipped:-0}
    if [ "$failures" -gt 0 ]; then
        FAILURES+="$(printf '\n--- %s: failing tests (whole log: %s)\n' "$name" "$OUT/ctest-$(basename "$dir").log")"
        FAILURES+=$'\n'"$(grep -E '\[  FAILED  \]|\[  ERROR   \]|Failure!|^[[:space:]]*[0-9]+ - ' \
            "$OUT/ctest-$(basename "$dir").log" | head -n 40 || true)"
    fi
    record "$name" $((tests - failures - disabled - skipped)) "$failures" $((skipped + disabled))
}

# run_node NAME TAP_FILE NODE_ARGS… — runs node --test with the spec reporter on the terminal
# and TAP into a file, and records the counts of TAP's closing "# pass N" etc. lines.
run_node() {
    local name=$1 tap=$2
    shift 2
    local rc=0
    node --test --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$tap" "$@" 2>&1 |
        tee "${tap%.tap}.log" || rc=$?
    local pass fail cancelled skip todo
    pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1)
    fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1)
    cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1)
    skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1)
    todo=$(sed -n 's/^# todo \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -n 1)
    if [ -z "$pass" ]; then
        echo "test.sh: node --test gave no summary (exit $rc)" >&2
        record "$name" 0 1 0
        return
    fi
    fail=$((${fail:-0} + ${cancelled:-0}))
    # A run that failed without a failing test (e.g. a file that does not load) still fails.
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
    # The reporter's list of failing tests, with their messages, is repeated above the summary
    # (the part of a long log a reader, or CI, sees first).
    if [ "$fail" -gt 0 ]; then
        FAILURES+="$(printf '\n--- %s: failing tests (whole log: %s)\n' "$name" "${tap%.tap}.log")"
        FAILURES+=$'\n'"$(sed -n '/^✖ failing tests:/,$p' "${tap%.tap}.log" | sed 1d | grep -v '^[[:space:]]*at ' | head -n 60 || true)"
    fi
    record "$name" "$pass" "$fail" $((${skip:-0} + ${todo:-0}))
}

api_files() { find tests/api -maxdepth 1 -name '*.test.mjs' | sort; }
e2e_files() { [ -d tests/e2e ] && find tests/e2e -name '*.test.mjs' -not -path '*/node_modules/*' | sort; }

# run_api NAME BINARY STORE TAG — the HTTP API tests against one store (TAG names the TAP file).
run_api() {
    local name=$1 bin=$2 store=$3 tag=$4
    local -a files
    mapfile -t files < <(api_files)
    if ((${#files[@]} == 0)); then
        record "$name" 0 0 0
        return
    fi
    HAMYARI_BIN=$bin HY_TEST_STORE=$store run_node "$name" "$OUT/api-$tag-$store.tap" \
        --test-concurrency="$JOBS" "${files[@]}"
}

stores() {
    if [ -n "$ONLY" ]; then echo "$ONLY"; else printf 'sqlite\npostgres\n'; fi
}

# ---------------------------------------------------------------- phases

# Everything runs inside main(), which bash reads whole before running it: editing this file
# while a run is under way does not derail that run.
main() {

    phase "dependencies (scripts/deps.sh)"
    if ! bash scripts/deps.sh; then
        record "dependencies" 0 1 0
        summary
        exit 1
    fi

    phase "build (scripts/build.sh)"
    BUILD_OK=1
    if bash scripts/build.sh --build-dir "$BUILD_DIR" 2>&1 | tee "$OUT/build.log"; then
        record "build" 0 0 0
    else
        BUILD_OK=0
        record "build" 0 1 0
    fi

    # The server must build warning-free with clang too (gcc builds everything else).
    phase "clang build, warnings as errors"
    CLANG_DIR=${CLANG_BUILD_DIR:-$ROOT/build-clang}
    if CC=clang cmake --log-level=WARNING -S "$ROOT" -B "$CLANG_DIR" -DHY_WERROR=ON -DHY_TESTS=OFF \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo 2>&1 | tee "$OUT/build-clang.log" &&
        cmake --build "$CLANG_DIR" -j "${JOBS:-2}" --target hamyari 2>&1 | tee -a "$OUT/build-clang.log"; then
        record "clang build" 1 0 0
    else
        record "clang build" 0 1 0
    fi

    phase "static checks (scripts/lint.sh)"
    if bash scripts/lint.sh --build-dir "$BUILD_DIR" 2>&1 | tee "$OUT/lint.log"; then
        record "lint" 1 0 0
    else
        record "lint" 0 1 0
    fi

    PG_URL=
    if [ "$ONLY" != sqlite ]; then
        phase "PostgreSQL: a throwaway cluster (scripts/pg-cluster.sh)"
        PG_DIR=$(mktemp -d /tmp/hamyari-pg.XXXXXX)
        if PG_URL=$(bash scripts/pg-cluster.sh start "$PG_DIR"); then
            echo "cluster at $PG_URL"
            record "postgres cluster" 0 0 0
        else
            PG_URL=
            record "postgres cluster" 0 1 0
        fi
    fi
    if [ -n "$PG_URL" ]; then export HY_TEST_PG_URL=$PG_URL; else unset HY_TEST_PG_URL; fi

    if [ "$BUILD_OK" -eq 1 ]; then
        phase "C tests (ctest)"
        run_ctest "C tests" "$BUILD_DIR"

        for store in $(stores); do
            phase "HTTP API tests on $store (node --test tests/api/)"
            if [ "$store" = postgres ] && [ -z "$PG_URL" ]; then
                echo "no PostgreSQL cluster: not run"
                record "API tests ($store)" 0 1 0
                continue
            fi
            run_api "API tests ($store)" "$BUILD_DIR/hamyari" "$store" build
        done

        if [ "$ONLY" != postgres ]; then
            mapfile -t E2E < <(e2e_files || true)
            if ((${#E2E[@]})); then
                phase "browser tests (node --test tests/e2e/)"
                # Two files at a time: the browser tests mostly wait for pages to settle
                # (25.7 min for two at a time against 34–35 min for one, on two cores).
                HAMYARI_BIN=$BUILD_DIR/hamyari run_node "browser tests" "$OUT/e2e.tap" \
                    --test-concurrency=2 "${E2E[@]}"
            else
                echo
                echo "(no browser tests in tests/e2e/ yet)"
            fi
            phase "crash test: kill -9 under a write load (scripts/crash-test.sh --quick)"
            if bash scripts/crash-test.sh --quick --bin "$BUILD_DIR/hamyari" 2>&1 | tee "$OUT/crash-test.log"; then
                record "crash test (kill -9)" 1 0 0
            else
                record "crash test (kill -9)" 0 1 0
            fi
        fi
    fi

    if [ "$QUICK" -eq 0 ]; then
        phase "sanitizer build (scripts/build.sh --sanitize)"
        ASAN_OK=1
        if bash scripts/build.sh --sanitize --build-dir "$ASAN_BUILD_DIR" 2>&1 | tee "$OUT/build-asan.log"; then
            record "sanitizer build" 0 0 0
        else
            ASAN_OK=0
            record "sanitizer build" 0 1 0
        fi
        if [ "$ASAN_OK" -eq 1 ]; then
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
            export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
            export HY_TEST_START_TIMEOUT_MS=60000
            phase "C tests under ASan+UBSan (ctest)"
            run_ctest "C tests (sanitizers)" "$ASAN_BUILD_DIR"
            for store in $(stores); do
                phase "HTTP API tests on $store under ASan+UBSan"
                if [ "$store" = postgres ] && [ -z "$PG_URL" ]; then
                    echo "no PostgreSQL cluster: not run"
                    record "API tests ($store, sanitizers)" 0 1 0
                    continue
                fi
                run_api "API tests ($store, sanitizers)" "$ASAN_BUILD_DIR/hamyari" "$store" asan
            done
            unset ASAN_OPTIONS UBSAN_OPTIONS
        fi
    fi

    summary
    [ "$FAILED" -eq 0 ]
}

main
