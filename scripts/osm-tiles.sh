#!/usr/bin/env bash
# osm-tiles.sh — a street map for Hamyari from OpenStreetMap data: cut an extract with
# osmium-tool, build vector tiles with tilemaker (profile: deploy/tiles/), check the result.
# Serve it with `hamyari serve --tiles FILE.mbtiles`. See docs/maps.md.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/osm-tiles.sh [options] INPUT

Builds vector map tiles (an MBTiles file) from OpenStreetMap data, for `hamyari serve --tiles`.

INPUT is an OpenStreetMap file osmium reads: a download such as iran-latest.osm.pbf, or an
.osm XML file. Steps, each reported as it starts and ends:
  1. osmium extract cuts the area of --bbox out of INPUT (or, without --bbox, copies it whole
     and reads its bounds) into a PBF file;
  2. tilemaker turns it into vector tiles, zoom 4 to 14 (layers: streets with names, places,
     water, parks, borders; names in Persian and English where OpenStreetMap has them);
  3. the file is checked: it opens as MBTiles, holds tiles, and says format=pbf.

Options:
  --bbox W,S,E,N   the area to keep, in degrees (e.g. 51.0,35.5,51.7,35.9 for Tehran)
  --out FILE       the MBTiles file to write (default: map.mbtiles); replaced if it exists
  --threads N      tilemaker threads (default 1: a small machine stays usable)
  --keep           keep the intermediate PBF file next to --out
  -h, --help       show this text

Needs osmium-tool and tilemaker (Debian 12 packages; scripts/deps.sh installs them) and
sqlite3. A province of a few hundred MB of PBF takes minutes and a few GB of memory.
EOF_USAGE
}

BBOX="" OUT="map.mbtiles" THREADS=1 KEEP=0 INPUT=""
while (($#)); do
    case "$1" in
    --bbox) BBOX=${2:?--bbox needs W,S,E,N}; shift 2 ;;
    --out) OUT=${2:?--out needs a file name}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a number}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "osm-tiles: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) [[ -z "$INPUT" ]] || { echo "osm-tiles: one INPUT only (see --help)" >&2; exit 2; }
       INPUT=$1; shift ;;
    esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROFILE="$ROOT/deploy/tiles"
say() { printf 'osm-tiles: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

[[ -n "$INPUT" ]] || { usage >&2; exit 2; }
[[ -r "$INPUT" ]] || fail "cannot read $INPUT"
[[ "$THREADS" =~ ^[1-9][0-9]?$ ]] || fail "--threads must be a whole number from 1 to 99"
if [[ -n "$BBOX" ]]; then
    num='-?[0-9]+(\.[0-9]+)?'
    [[ "$BBOX" =~ ^$num,$num,$num,$num$ ]] || fail "--bbox must be W,S,E,N in degrees, e.g. 51.0,35.5,51.7,35.9"
    IFS=, read -r w s e n <<<"$BBOX"
    awk -v w="$w" -v s="$s" -v e="$e" -v n="$n" 'BEGIN { exit !(w >= -180 && e <= 180 && w < e && s >= -90 && n <= 90 && s < n) }' ||
        fail "--bbox must have -180 <= W < E <= 180 and -90 <= S < N <= 90"
fi
for tool in osmium tilemaker sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: run scripts/deps.sh (Debian: osmium-tool, tilemaker, sqlite3)"
done

OUT_DIR=$(cd "$(dirname "$OUT")" && pwd) || fail "no folder for $OUT"
OUT="$OUT_DIR/$(basename "$OUT")"
WORK=$(mktemp -d "$OUT_DIR/.osm-tiles.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
EXTRACT="$WORK/extract.osm.pbf"
START=$SECONDS

say "1/3 cutting the extract from $INPUT${BBOX:+ (bbox $BBOX)}"
if [[ -n "$BBOX" ]]; then
    osmium extract --bbox "$BBOX" --set-bounds --strategy complete_ways --overwrite \
        --progress -o "$EXTRACT" "$INPUT"
else
    osmium cat --overwrite --progress -o "$EXTRACT" "$INPUT"
    # tilemaker needs the bounds: those the file declares, else those of its data.
    BBOX=$(osmium fileinfo -e -g data.bbox "$EXTRACT" | tr -d '()' | tr -s ' ' ',')
    [[ -n "$BBOX" && "$BBOX" != *nan* ]] || fail "$INPUT holds no nodes"
fi
say "1/3 done: $(du -h "$EXTRACT" | cut -f1) of PBF, $(osmium fileinfo -e -g data.count.ways "$EXTRACT") ways"

say "2/3 building vector tiles with tilemaker ($THREADS thread(s))"
tilemaker --input "$EXTRACT" --output "$WORK/map.mbtiles" --bbox "$BBOX" \
    --config "$PROFILE/config.json" --process "$PROFILE/process.lua" --threads "$THREADS" >&2
say "2/3 done"

say "3/3 checking the tiles"
tiles=$(sqlite3 "$WORK/map.mbtiles" 'SELECT count(*) FROM tiles')
format=$(sqlite3 "$WORK/map.mbtiles" "SELECT value FROM metadata WHERE name = 'format'")
zooms=$(sqlite3 "$WORK/map.mbtiles" 'SELECT min(zoom_level) || "-" || max(zoom_level) FROM tiles')
((tiles > 0)) || fail "tilemaker wrote no tile: is the area inside the extract?"
[[ "$format" == pbf ]] || fail "the tiles are '$format', not pbf"
mv -f "$WORK/map.mbtiles" "$OUT"
if ((KEEP)); then mv -f "$EXTRACT" "${OUT%.mbtiles}.osm.pbf"; fi
say "3/3 done: $tiles tiles, zoom $zooms, in $OUT ($(du -h "$OUT" | cut -f1), $((SECONDS - START)) s)"
say "serve them with: hamyari serve --tiles $OUT"
