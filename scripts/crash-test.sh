#!/usr/bin/env bash
# crash-test.sh — kill -9 the server again and again under a write load, and prove that no
# acknowledged help request is ever lost.
#
# Starts `hamyari serve` on a SQLite file and a load generator (scripts/crash-load.mjs) that asks
# for help as fast as it can and records the id of every request the server answered 201. Each
# round waits until the server answers, lets the load run a random 50–450 ms, kills the server
# with SIGKILL, and then checks the file with the sqlite3 client: every acknowledged id is in
# help_requests and PRAGMA integrity_check says ok. The server is restarted on the same file and
# the next round begins. Prints "acknowledged but lost: L of N" and exits 1 if L > 0 or a check
# failed.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/crash-test.sh [--rounds N] [--quick] [--bin PATH] [--keep]

  --rounds N   kill -9 rounds (default 300)
  --quick      20 rounds (what scripts/test.sh runs)
  --bin PATH   the hamyari binary (default build/hamyari, or $HAMYARI_BIN)
  --keep       keep the temporary folder (database, logs, acknowledged ids)
  --help       show this text

Needs node and the sqlite3 command-line client. Last line: "acknowledged but lost: L of N".
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=300
BIN=${HAMYARI_BIN:-$ROOT/build/hamyari}
KEEP=0
while (($#)); do
    case "$1" in
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
    --rounds=*) ROUNDS=${1#--rounds=} ;;
    --quick) ROUNDS=20 ;;
    --bin) BIN=${2:?--bin needs a path}; shift ;;
    --bin=*) BIN=${1#--bin=} ;;
    --keep) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "crash-test: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -gt 0 ] || { echo "crash-test: --rounds takes a positive number" >&2; exit 2; }
[ -x "$BIN" ] || { echo "crash-test: no binary at $BIN (build first, or give --bin)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "crash-test: needs the sqlite3 client (apt-get install sqlite3)" >&2; exit 2; }

DIR=$(mktemp -d /tmp/hamyari-crash.XXXXXX)
DB=$DIR/crash.db
ACK=$DIR/acknowledged
: >"$ACK"
SERVER_PID=
LOAD_PID=
cleanup() {
    local rc=$?
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    if [ "$KEEP" -eq 1 ] || [ "$rc" -ne 0 ]; then
        echo "crash-test: files kept in $DIR" >&2
    else
        rm -rf "$DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port of 127.0.0.1, kept for every restart so that the load generator finds the server.
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

start_server() {
    "$BIN" serve --listen "127.0.0.1:$PORT" --db "sqlite:$DB" --web "$ROOT/web" --access-log off \
        --rate-form-ip 100000000 --notify-interval 3600 >>"$DIR/server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 200); do
        if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then return 0; fi
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "crash-test: the server exited on start" >&2; tail -n 20 "$DIR/server.log" >&2; return 1; }
        sleep 0.05
    done
    echo "crash-test: the server did not answer within 10 s" >&2
    return 1
}

echo "crash-test: $ROUNDS rounds of kill -9 under a write load ($BIN, $DIR)"
"$BIN" migrate --db "sqlite:$DB" >/dev/null 2>>"$DIR/server.log"
start_server
node "$ROOT/scripts/crash-load.mjs" "$PORT" "$ACK" 8 2>>"$DIR/load.log" &
LOAD_PID=$!

T0=$SECONDS
LOST=0
BAD_INTEGRITY=0
for round in $(seq 1 "$ROUNDS"); do
    # Let the load run a random while (it keeps going during restarts too).
    sleep "0.$(printf '%03d' $((50 + RANDOM % 400)))"
    kill -9 "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    sleep 0.05 # an answer read just before the kill is recorded by now
    sort -u "$ACK" >"$DIR/ack.sorted"
    sqlite3 -batch "$DB" "SELECT id FROM help_requests" | sort -u >"$DIR/stored.sorted"
    missing=$(comm -23 "$DIR/ack.sorted" "$DIR/stored.sorted" | wc -l)
    integrity=$(sqlite3 -batch "$DB" "PRAGMA integrity_check" | head -n 1)
    if [ "$missing" -ne 0 ] || [ "$integrity" != ok ]; then
        echo "crash-test: round $round: $missing acknowledged requests missing, integrity: $integrity" >&2
        comm -23 "$DIR/ack.sorted" "$DIR/stored.sorted" | head -n 5 >&2
        LOST=$((LOST > missing ? LOST : missing))
        [ "$integrity" = ok ] || BAD_INTEGRITY=$((BAD_INTEGRITY + 1))
    fi
    if ((round % 25 == 0)) || [ "$round" -eq "$ROUNDS" ]; then
        echo "  round $round/$ROUNDS: $(wc -l <"$DIR/ack.sorted") acknowledged so far, all present, integrity $integrity ($((SECONDS - T0)) s)"
    fi
    start_server
done
kill "$LOAD_PID" 2>/dev/null || true
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=
# The final state, after the last restart, with the server stopped cleanly.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
sort -u "$ACK" >"$DIR/ack.sorted"
sqlite3 -batch "$DB" "SELECT id FROM help_requests" | sort -u >"$DIR/stored.sorted"
FINAL_MISSING=$(comm -23 "$DIR/ack.sorted" "$DIR/stored.sorted" | wc -l)
LOST=$((LOST > FINAL_MISSING ? LOST : FINAL_MISSING))
N=$(wc -l <"$DIR/ack.sorted")
STORED=$(wc -l <"$DIR/stored.sorted")
cat "$DIR/load.log" >&2 || true
echo "crash-test: $ROUNDS kill -9 rounds in $((SECONDS - T0)) s; $STORED requests stored (the rest were killed before their answer)"
echo "crash-test: integrity_check failures: $BAD_INTEGRITY"
echo "acknowledged but lost: $LOST of $N"
[ "$LOST" -eq 0 ] && [ "$BAD_INTEGRITY" -eq 0 ] && [ "$N" -gt 0 ]
