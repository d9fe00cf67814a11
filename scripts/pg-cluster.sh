#!/usr/bin/env bash
# pg-cluster.sh — a throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-cluster.sh start DIR   create DIR, initdb into DIR/data, start the server on a free
#                                     port of 127.0.0.1 (socket in DIR); prints its libpq URI
#   scripts/pg-cluster.sh stop DIR    stop it (fast) and remove DIR
#
# The only line on stdout is the URI, e.g. postgres://hamyari_test@127.0.0.1:54012/postgres
# (superuser hamyari_test, trust authentication); progress goes to stderr. The cluster trades
# durability for speed (fsync=off): never keep anything in it.
#
# PostgreSQL refuses to run as root: as root, the server runs as the system user hamyari-test
# (created if missing), which then owns DIR.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
RUN_USER=hamyari-test
ROLE=hamyari_test
MARKER=.hamyari-pg-cluster

usage() {
    cat <<EOF
usage: $0 start DIR    start a throwaway PostgreSQL 15 cluster in DIR (must not exist or be
                       empty) and print its URI
       $0 stop DIR     stop the cluster started in DIR and remove DIR
       $0 --help       show this text

environment: PG_BIN (default /usr/lib/postgresql/15/bin)
EOF
}

say() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Runs a command as the cluster's owner: ourselves, or hamyari-test when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$RUN_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    if ! id -u "$RUN_USER" >/dev/null 2>&1; then
        say "creating system user $RUN_USER"
        # Another start may have created it meanwhile: only fail if it still does not exist.
        useradd --system --no-create-home --user-group --shell /usr/sbin/nologin \
            --home-dir /nonexistent "$RUN_USER" 2>/dev/null || id -u "$RUN_USER" >/dev/null
    fi
}

# A TCP port of 127.0.0.1 nobody listens on now (the server may still lose a race for it;
# start() then tries another). Taken below the kernel's ephemeral range, where an outgoing
# connection's local port (invisible to the probe below) could make bind() fail.
free_port() {
    local port low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$low" -gt 11000 ] 2>/dev/null || low=32768
    for _ in $(seq 1 50); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# On a failed start: stop the server if it runs, and remove what start() made.
START_DIR=
START_MADE_DIR=0
start_failed() {
    local rc=$?
    [ "$rc" -ne 0 ] && [ -n "$START_DIR" ] || return 0
    if [ -f "$START_DIR/data/postmaster.pid" ]; then
        as_owner "$PG_BIN/pg_ctl" stop -D "$START_DIR/data" -m immediate >/dev/null 2>&1 || true
    fi
    if [ "$START_MADE_DIR" -eq 1 ]; then
        rm -rf -- "$START_DIR"
    else
        find "$START_DIR" -mindepth 1 -delete 2>/dev/null || true
    fi
    say "cleaned up $START_DIR"
}

start() {
    local dir=$1
    [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL binaries in $PG_BIN (apt-get install postgresql-15)"
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        die "$dir exists and is not empty"
    fi
    [ -e "$dir" ] || START_MADE_DIR=1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    START_DIR=$dir
    trap start_failed EXIT
    touch "$dir/$MARKER"
    ensure_user
    if [ "$(id -u)" -eq 0 ]; then
        chown -R "$RUN_USER:" "$dir"
        chmod 700 "$dir"
        as_owner test -w "$dir" ||
            die "$RUN_USER cannot write to $dir (is a parent directory closed to others?)"
    fi
    if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
        say "warning: PostGIS for PostgreSQL 15 is not installed (postgresql-15-postgis-3);" \
            "migrations will fail"
    fi

    say "initdb into $dir/data"
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U "$ROLE" --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    cat >>"$dir/data/postgresql.conf" <<EOF

# pg-cluster.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF

    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port) || die "no free port found"
        say "starting on 127.0.0.1:$port (attempt $attempt)"
        if as_owner "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-p $port" >&2; then
            break
        fi
        # Lost the race for the port? Then the log says so and we try another one.
        if ! grep -q 'could not bind\|Address already in use' "$dir/postgres.log" 2>/dev/null ||
            [ "$attempt" -eq 5 ]; then
            tail -n 20 "$dir/postgres.log" >&2 2>/dev/null || true
            die "the server did not start"
        fi
        : >"$dir/postgres.log"
    done

    for _ in $(seq 1 100); do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$ROLE" -d postgres -t 1; then
            local url="postgres://$ROLE@127.0.0.1:$port/postgres"
            echo "$url" >"$dir/url"
            START_DIR=
            say "ready"
            echo "$url"
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$dir/postgres.log" >&2 2>/dev/null || true
    die "the server did not become ready in 10 s"
}

stop() {
    local dir=$1
    [ -d "$dir" ] || die "$dir does not exist"
    # Refuse to remove a directory this script did not make.
    [ -f "$dir/$MARKER" ] || die "$dir was not made by $0; not touching it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        say "stopping the server in $dir/data"
        as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >&2 ||
            say "pg_ctl stop failed; removing $dir anyway"
    fi
    rm -rf -- "$dir"
    say "removed $dir"
}

case "${1:-}" in
-h | --help | help)
    usage
    ;;
start | stop)
    if [ $# -ne 2 ] || [ -z "$2" ]; then
        usage >&2
        exit 2
    fi
    "$1" "$2"
    ;;
*)
    usage >&2
    exit 2
    ;;
esac
