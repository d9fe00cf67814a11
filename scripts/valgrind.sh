#!/usr/bin/env bash
# valgrind.sh — the C tests and a short HTTP run under valgrind: no memory errors, no leaks.
set -euo pipefail

usage() {
    cat <<'EOF2'
Usage: scripts/valgrind.sh [--build-dir DIR] [--store sqlite|postgres] [--no-api] [API_TEST…]

Runs under valgrind --leak-check=full (errors and definite/indirect leaks fail):
  1. every C unit test and the SQLite store tests of the build (ctest's list; the PostgreSQL
     ones need a cluster and are left to --store postgres runs of the API tests);
  2. a few HTTP test files (default: health, json-body, malformed, lifecycle, static,
     library) with HAMYARI_BIN=tests/valgrind-wrap.sh, so that every server they start runs
     under valgrind and must exit 0 without leaks after SIGTERM.
Valgrind's reports go to test-output/valgrind/. Takes a few minutes, so scripts/test.sh does not
run it; run it before a release or after touching memory handling.

  --build-dir DIR   a build without sanitizers (default build; built when missing)
  --store S         the store for the HTTP tests (default sqlite; postgres needs
                    HY_TEST_PG_URL, e.g. from scripts/pg-cluster.sh start DIR)
  --no-api          only the C tests
  API_TEST…         HTTP test files to run instead of the default list
EOF2
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=$ROOT/build
STORE=sqlite
API=1
FILES=()
while (($#)); do
    case "$1" in
    --build-dir) BUILD_DIR=$2; shift ;;
    --build-dir=*) BUILD_DIR=${1#--build-dir=} ;;
    --store) STORE=$2; shift ;;
    --store=*) STORE=${1#--store=} ;;
    --no-api) API=0 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "valgrind.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) FILES+=("$1") ;;
    esac
    shift
done
command -v valgrind >/dev/null || { echo "valgrind.sh: apt-get install valgrind" >&2; exit 2; }
BUILD_DIR=$(realpath -m "$BUILD_DIR")
if grep -q 'HY_SANITIZE:STRING=.\+' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "valgrind.sh: $BUILD_DIR is a sanitizer build; give a plain one" >&2
    exit 2
fi
[ -x "$BUILD_DIR/hamyari" ] || bash scripts/build.sh --build-dir "$BUILD_DIR"
OUT=$ROOT/test-output/valgrind
rm -rf "$OUT"
mkdir -p "$OUT"
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes
    --suppressions="$ROOT/tests/valgrind.supp")
START=$SECONDS
FAILED=()

# 1. The C tests: ctest's own commands, each run under valgrind.
mapfile -t TESTS < <(ctest --test-dir "$BUILD_DIR" --show-only=json-v1 | node -e '
  const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const t of j.tests) {
    if (/postgres/.test(t.name) || /^fuzz_/.test(t.name) && !/replay/.test(t.name)) continue;
    const wd = (t.properties || []).find((p) => p.name === "WORKING_DIRECTORY");
    console.log([t.name, wd ? wd.value : ".", ...t.command].join("\t"));
  }')
for line in "${TESTS[@]}"; do
    IFS=$'\t' read -r -a cmd <<<"$line"
    name=${cmd[0]}
    rc=0
    (cd "${cmd[1]}" && CMOCKA_MESSAGE_OUTPUT=STDOUT "${VG[@]}" --log-file="$OUT/$name.log" "${cmd[@]:2}") \
        >"$OUT/$name.out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
        printf 'valgrind: %-32s ok\n' "$name"
    else
        printf 'valgrind: %-32s FAILED (exit %d; %s)\n' "$name" "$rc" "test-output/valgrind/$name.log"
        FAILED+=("$name")
    fi
done

# 2. HTTP tests with every server under valgrind.
if [ "$API" -eq 1 ]; then
    if ((${#FILES[@]} == 0)); then
        for f in health json-body malformed lifecycle static library; do
            [ -f "tests/api/$f.test.mjs" ] && FILES+=("tests/api/$f.test.mjs")
        done
    fi
    rc=0
    HAMYARI_BIN=$ROOT/tests/valgrind-wrap.sh VALGRIND_HAMYARI=$BUILD_DIR/hamyari \
        VALGRIND_LOG_DIR=$OUT HY_TEST_STORE=$STORE HY_TEST_START_TIMEOUT_MS=120000 \
        node --test --test-concurrency=2 "${FILES[@]}" >"$OUT/api.log" 2>&1 || rc=$?
    grep -E '^# (pass|fail|skipped)' "$OUT/api.log" | sed 's/^/valgrind: api /' || true
    # Every server's report: anything in it is an error or a leak.
    bad=$(find "$OUT" -name 'vg-*.log' -size +0 | sort)
    if [ "$rc" -ne 0 ] || [ -n "$bad" ]; then
        echo "valgrind: API tests FAILED (exit $rc; test-output/valgrind/api.log)"
        for f in $bad; do echo "--- $f"; head -n 60 "$f"; done
        FAILED+=(api)
    else
        echo "valgrind: API tests ok (${#FILES[@]} files)"
    fi
fi

echo "valgrind: $((SECONDS - START))s; reports in test-output/valgrind/"
if ((${#FAILED[@]})); then
    echo "valgrind: failed: ${FAILED[*]}"
    exit 1
fi
echo "valgrind: clean"
