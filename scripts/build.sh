#!/usr/bin/env bash
# build.sh — configure and build Hamyari with CMake (warnings are errors).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/build.sh [--sanitize] [--build-dir DIR] [--help]

Configures and builds build/hamyari and the C tests (RelWithDebInfo, -DHY_WERROR=ON).

  --sanitize        build with AddressSanitizer and UndefinedBehaviorSanitizer
                    (-DHY_SANITIZE=address,undefined; default folder build-asan)
  --build-dir DIR   build in DIR (default build, or build-asan with --sanitize)
  --help            show this text

Environment: JOBS (parallel compile jobs, default: number of cores), CC (the C compiler).
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SANITIZE=0
DIR=
while (($#)); do
    case "$1" in
    --sanitize) SANITIZE=1 ;;
    --build-dir)
        [ $# -ge 2 ] || { echo "build.sh: --build-dir needs a folder" >&2; exit 2; }
        DIR=$2
        shift
        ;;
    --build-dir=*) DIR=${1#--build-dir=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$DIR" ]; then
    if [ "$SANITIZE" -eq 1 ]; then DIR=$ROOT/build-asan; else DIR=$ROOT/build; fi
fi
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

args=(-S "$ROOT" -B "$DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHY_WERROR=ON)
if [ "$SANITIZE" -eq 1 ]; then
    args+=(-DHY_SANITIZE=address,undefined)
else
    args+=(-DHY_SANITIZE=)
fi

echo "build: configuring $DIR$([ "$SANITIZE" -eq 1 ] && echo ' (ASan+UBSan)')" >&2
cmake --log-level=WARNING "${args[@]}"
echo "build: compiling with $JOBS jobs" >&2
# CMake's Makefile generator prints "[ NN%] Building …" lines: that is the progress.
cmake --build "$DIR" -j "$JOBS"
echo "build: done: $DIR/hamyari" >&2
