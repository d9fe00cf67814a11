#!/usr/bin/env bash
# deps.sh — install what building, running and testing Hamyari needs on Debian 12.
#
# Idempotent and quick when everything is present: apt runs only for packages that are missing,
# `npm ci` only when node_modules/ is missing or older than package-lock.json, and the web
# front-end's vendor files are refreshed by scripts/build-web.mjs (which rewrites only what changed).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/deps.sh [--no-npm] [--help]

Installs the Debian packages Hamyari needs (compiler, CMake, libmicrohttpd, SQLite, libpq,
jansson, libsodium, md4c, zlib, cmocka, PostgreSQL 15 with PostGIS, Node.js, Chromium; cppcheck,
clang-tidy, valgrind and nginx-light for the checks and the proxy test; osmium-tool and tilemaker
for the street map pipeline, scripts/osm-tiles.sh), then
the npm packages of package-lock.json, then copies the front-end's libraries into web/vendor/.
Packages already installed are left alone; apt-get runs only when something is missing.
Installing needs root.

  --no-npm   skip `npm ci` and scripts/build-web.mjs
  --help     show this text
EOF
}

NPM=1
for a in "$@"; do
    case "$a" in
    --no-npm) NPM=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deps.sh: unknown option '$a' (see --help)" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'deps: %s\n' "$*" >&2; }

PACKAGES=(
    build-essential cmake pkg-config clang
    libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libjansson-dev libsodium-dev
    libmd4c-dev libmd4c-html0-dev zlib1g-dev libcmocka-dev
    postgresql-15 postgresql-15-postgis-3 postgresql-client-15
    chromium ca-certificates git
    cppcheck clang-tidy valgrind nginx-light
    osmium-tool tilemaker
)
# Debian 12's nodejs is v18, which is enough (node --test, global fetch). A newer Node that is
# already installed (e.g. from NodeSource, which bundles npm) is kept.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ "$status" == ii* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
    say "installing ${#missing[@]} Debian package(s): ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        say "installing packages needs root; run: sudo $0"
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    say "all ${#PACKAGES[@]} Debian packages present"
fi

if [ "$NPM" -eq 1 ]; then
    cd "$ROOT"
    if [ ! -f package.json ]; then
        say "no package.json yet: skipping npm"
    else
        if [ ! -f package-lock.json ]; then
            if [ ! -d node_modules ]; then
                say "no package-lock.json: npm install"
                npm install --no-audit --no-fund --loglevel=error
            fi
        elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] ||
            [ ! -f node_modules/.package-lock.json ] ||
            [ package-lock.json -nt node_modules/.package-lock.json ]; then
            say "npm ci (node_modules missing or older than package-lock.json)"
            npm ci --no-audit --no-fund --loglevel=error
            touch node_modules
        else
            say "node_modules up to date"
        fi
        if [ -f scripts/build-web.mjs ]; then
            say "copying front-end libraries into web/vendor/"
            node scripts/build-web.mjs --quiet
        fi
        if [ -f scripts/build-data.mjs ]; then
            say "building data/ (common-password list)"
            node scripts/build-data.mjs --quiet
        fi
    fi
fi
