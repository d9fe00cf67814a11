#!/usr/bin/env bash
# valgrind-wrap.sh — runs hamyari under valgrind; set HAMYARI_BIN to this file to run the HTTP
# tests that way (scripts/valgrind.sh does). Memory errors and leaks (definite or indirect)
# make the process exit with 99, which the harness reports as a failed stop.
#   VALGRIND_HAMYARI  the real binary (default build/hamyari)
#   VALGRIND_LOG_DIR  where each process writes its report, vg-PID.log (default: stderr)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${VALGRIND_HAMYARI:-$ROOT/build/hamyari}
log=()
if [ -n "${VALGRIND_LOG_DIR:-}" ]; then log=(--log-file="$VALGRIND_LOG_DIR/vg-%p.log"); fi
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \
    --suppressions="$ROOT/tests/valgrind.supp" "${log[@]}" "$BIN" "$@"
