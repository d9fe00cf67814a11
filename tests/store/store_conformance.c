/* store_conformance.c — one contract, two stores.
 *
 *   store_conformance sqlite     each test on a fresh temporary SQLite file
 *   store_conformance postgres   each test on a fresh database of the cluster at HY_TEST_PG_URL
 *                                (a libpq URI of a superuser; see scripts/pg-cluster.sh);
 *                                exits 77 (skipped) when the variable is not set. The databases
 *                                sort text by ICU's en-US collation when the server has it (as
 *                                a production database would by its locale), so that code
 *                                relying on byte order without asking for it shows up
 *
 * The tests talk to the store only through hy_db_open / hy_db_run / the ops table, so the same
 * code checks both backends. A few PostgreSQL-only tests (reconnection, password hygiene) skip
 * themselves under SQLite. libpq is used directly only to create and drop the test databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "store/pg/migrations_pg.h"
#include "store/sqlite/migrations_sqlite.h"
#include "store/requests.h"
#include "store/store.h"

static bool g_pg;            /* which backend this run checks */
static const char *g_pg_url; /* HY_TEST_PG_URL */
static PGconn *g_maint;      /* maintenance connection: CREATE / DROP DATABASE */
static bool g_icu;           /* the server has ICU collations */

struct fx {
    hy_db *db;
    char path[64];   /* SQLite: the temporary file */
    char dbname[64]; /* PostgreSQL: the fresh database */
};

/* ---- PostgreSQL helpers ---- */

static void quiet(void *arg, const char *message) {}

/* Runs one maintenance statement; false (and a message) on failure. */
static bool maint_exec(const char *sql, int nparams, const char *const *params) {
    PGresult *res = PQexecParams(g_maint, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) print_error("%s: %s", sql, PQerrorMessage(g_maint));
    PQclear(res);
    return ok;
}

/* CREATE DATABASE / DROP DATABASE take an identifier, which cannot be a bound parameter: the
 * names here are ours (letters, digits, '_'), quoted anyway. */
static bool maint_ddl(const char *before, const char *name, const char *after) {
    char *ident = PQescapeIdentifier(g_maint, name, strlen(name));
    if (!ident) return false;
    size_t n = strlen(before) + strlen(ident) + strlen(after) + 1;
    char *sql = malloc(n);
    bool ok = false;
    if (sql) {
        snprintf(sql, n, "%s%s%s", before, ident, after);
        ok = maint_exec(sql, 0, NULL);
    }
    free(sql);
    PQfreemem(ident);
    return ok;
}

/* A malloc()ed copy of the libpq URI `uri` naming database `dbname` instead of its own: the
 * path after the authority is replaced (or added), the query (?host=/tmp/x&port=…) is kept.
 *   postgres://u@127.0.0.1:5432/postgres     → postgres://u@127.0.0.1:5432/NEW
 *   postgres://u@/postgres?host=/tmp/x       → postgres://u@/NEW?host=/tmp/x
 *   postgres://u@h?port=5433                 → postgres://u@h/NEW?port=5433 */
static char *uri_with_dbname(const char *uri, const char *dbname) {
    const char *p = strstr(uri, "://");
    if (!p) return NULL;
    p += 3;
    const char *path = p + strcspn(p, "/?"); /* the authority holds neither */
    const char *query = path + strcspn(path, "?");
    size_t head = (size_t)(path - uri), n = head + 1 + strlen(dbname) + strlen(query) + 1;
    char *out = malloc(n);
    if (!out) return NULL;
    snprintf(out, n, "%.*s/%s%s", (int)head, uri, dbname, query);
    return out;
}

/* The dbname libpq reads from `uri`, malloc()ed, or NULL. */
static char *uri_dbname(const char *uri) {
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    char *name = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val) name = strdup(o->val);
    PQconninfoFree(opts);
    return name;
}

/* ---- fixtures ---- */

/* The helper above, on the URI shapes it must handle. */
static void test_uri_with_dbname(void **state) {
    static const char *const cases[][2] = {
        {"postgres://u@127.0.0.1:5432/postgres", "postgres://u@127.0.0.1:5432/NEW"},
        {"postgres://u@/postgres?host=/tmp/x&port=5433", "postgres://u@/NEW?host=/tmp/x&port=5433"},
        {"postgresql://u@h?port=5433", "postgresql://u@h/NEW?port=5433"},
        {"postgres://u:p%2Fw@[::1]:5/db%20x", "postgres://u:p%2Fw@[::1]:5/NEW"},
        {"postgres://", "postgres:///NEW"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = uri_with_dbname(cases[i][0], "NEW");
        assert_non_null(got);
        assert_string_equal(got, cases[i][1]);
        char *name = uri_dbname(got);
        assert_non_null(name);
        assert_string_equal(name, "NEW");
        free(name);
        free(got);
    }
}

/* A fresh, empty store and a hy_db opened on it. */
static int setup_empty(void **state) {
    static int counter;
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    char *url = NULL;
    if (g_pg) {
        snprintf(f->dbname, sizeof f->dbname, "hy_conf_%ld_%d", (long)getpid(), ++counter);
        if (!maint_ddl("CREATE DATABASE ", f->dbname,
                       g_icu ? " TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu "
                               "ICU_LOCALE 'en-US' LC_COLLATE 'C' LC_CTYPE 'C'"
                             : " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")) {
            f->dbname[0] = '\0';
            goto fail;
        }
        url = uri_with_dbname(g_pg_url, f->dbname);
        char *check = url ? uri_dbname(url) : NULL;
        bool same = check && strcmp(check, f->dbname) == 0;
        free(check);
        if (!same) {
            print_error("cannot point HY_TEST_PG_URL at database %s\n", f->dbname);
            goto fail;
        }
    } else {
        snprintf(f->path, sizeof f->path, "/tmp/hy-conformance-XXXXXX");
        int fd = mkstemp(f->path);
        if (fd < 0) {
            f->path[0] = '\0';
            goto fail;
        }
        close(fd);
        size_t n = strlen(f->path) + 8;
        url = malloc(n);
        if (!url) goto fail;
        snprintf(url, n, "sqlite:%s", f->path);
    }
    char *err = NULL;
    if (hy_db_open(url, &f->db, &err) < 0) {
        print_error("hy_db_open: %s\n", err ? err : "?");
        free(err);
        goto fail;
    }
    free(url);
    *state = f;
    return 0;
fail:
    free(url);
    *state = f;
    return -1;
}

static int teardown(void **state) {
    struct fx *f = *state;
    if (!f) return 0;
    hy_db_close(f->db);
    int r = 0;
    if (f->dbname[0] && !maint_ddl("DROP DATABASE ", f->dbname, " WITH (FORCE)")) r = -1;
    if (f->path[0]) {
        char side[80];
        unlink(f->path);
        snprintf(side, sizeof side, "%s-wal", f->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", f->path);
        unlink(side);
    }
    free(f);
    return r;
}

static hy_store *conn(struct fx *f) {
    hy_store *s = hy_db_conn(f->db);
    assert_non_null(s);
    return s;
}

/* The URL the fixture's db was opened with, malloc()ed. */
static char *fx_url(const struct fx *f) {
    if (g_pg) return uri_with_dbname(g_pg_url, f->dbname);
    size_t n = strlen(f->path) + 8;
    char *url = malloc(n);
    if (url) snprintf(url, n, "sqlite:%s", f->path);
    return url;
}

static int newest_version(void) {
    return g_pg ? hy_pg_migrations[hy_pg_migrations_count - 1].version
                : hy_sqlite_migrations[hy_sqlite_migrations_count - 1].version;
}

/* A fresh store brought to the newest schema. */
static int setup_migrated(void **state) {
    if (setup_empty(state) < 0) return -1;
    struct fx *f = *state;
    hy_store *s = hy_db_conn(f->db);
    int v = 0;
    if (!s || s->ops->migrate(s, &v) != HY_DB_ONE || v != newest_version()) {
        print_error("migrate failed\n");
        return -1;
    }
    return 0;
}

/* ---- small transaction bodies ---- */

/* Checks that `key` holds exactly `want` (or is absent when want is NULL). */
static void assert_meta(struct fx *f, const char *key, const char *want) {
    hy_store *s = conn(f);
    char *got = (char *)"untouched";
    int r = s->ops->meta_get(s, key, &got);
    if (!want) {
        assert_int_equal(r, HY_DB_NONE);
        assert_string_equal(got, "untouched"); /* ret_ params untouched when nothing found */
        return;
    }
    assert_int_equal(r, HY_DB_ONE);
    assert_int_equal(strlen(got), strlen(want));
    assert_memory_equal(got, want, strlen(want));
    free(got);
}

struct kv {
    const char *key, *value;
};

static int tx_set(hy_store *s, void *ctx) {
    const struct kv *kv = ctx;
    return s->ops->meta_set(s, kv->key, kv->value);
}

static int tx_delete(hy_store *s, void *ctx) {
    const struct kv *kv = ctx;
    return s->ops->meta_delete(s, kv->key);
}

/* Read-modify-write of the number kept under meta "counter". */
static int tx_increment(hy_store *s, void *ctx) {
    char *v = NULL;
    int r = s->ops->meta_get(s, "counter", &v);
    if (r < 0) return r;
    long n = r == HY_DB_ONE ? strtol(v, NULL, 10) : 0;
    free(v);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", n + 1);
    return s->ops->meta_set(s, "counter", buf);
}

static void set_meta(struct fx *f, const char *key, const char *value) {
    struct kv kv = {key, value};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_set, &kv), HY_DB_ONE);
}

/* ---- the tests ---- */

/* PostgreSQL carries every numbered step SQLite has, and no other (SQLite is where new steps
 * usually appear first, so this is checked in the PostgreSQL run). */
static void test_pg_migrations_match_sqlite(void **state) {
    if (!g_pg) skip();
    size_t n = hy_pg_migrations_count > hy_sqlite_migrations_count ? hy_pg_migrations_count
                                                                   : hy_sqlite_migrations_count;
    for (size_t i = 0; i < n; i++) {
        int sq = i < hy_sqlite_migrations_count ? hy_sqlite_migrations[i].version : 0;
        int pg = i < hy_pg_migrations_count ? hy_pg_migrations[i].version : 0;
        if (sq != pg)
            fail_msg("migration #%zu: SQLite has step %d, PostgreSQL step %d (0 = none)", i + 1, sq,
                     pg);
    }
}

static void test_migrate_idempotent(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    int v = -1;
    assert_int_equal(s->ops->schema_version(s, &v), HY_DB_ONE);
    assert_int_equal(v, 0);
    int v1 = -1, v2 = -1;
    assert_int_equal(s->ops->migrate(s, &v1), HY_DB_ONE);
    assert_int_equal(v1, newest_version());
    assert_int_equal(s->ops->migrate(s, &v2), HY_DB_ONE);
    assert_int_equal(v2, v1);
    assert_int_equal(s->ops->schema_version(s, &v), HY_DB_ONE);
    assert_int_equal(v, v1);
    assert_false(s->ops->in_transaction(s));
}

struct migrator {
    hy_db *db;
    pthread_barrier_t *go;
    int status, version;
};

static void *migrator_main(void *arg) {
    struct migrator *m = arg;
    hy_store *s = hy_db_conn(m->db);
    pthread_barrier_wait(m->go);
    m->status = s ? s->ops->migrate(s, &m->version) : HY_DB_HARD;
    hy_db_release(m->db);
    return NULL;
}

/* Several processes starting at once: every migrate succeeds and agrees on the version. */
static void test_migrate_concurrent(void **state) {
    struct fx *f = *state;
    enum { N = 4 };
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N);
    struct migrator m[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        m[i] = (struct migrator){f->db, &go, 99, -1};
        assert_int_equal(pthread_create(&t[i], NULL, migrator_main, &m[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < N; i++) {
        assert_int_equal(m[i].status, HY_DB_ONE);
        assert_int_equal(m[i].version, newest_version());
    }
}

static int tx_schema_version(hy_store *s, void *ctx) { return s->ops->schema_version(s, ctx); }

static void test_schema_version(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    int v = -1;
    assert_int_equal(hy_db_run(f->db, HY_TX_READ, tx_schema_version, &v), HY_DB_ONE);
    assert_int_equal(v, 0);
    int migrated = -1;
    assert_int_equal(s->ops->migrate(s, &migrated), HY_DB_ONE);
    v = -1;
    assert_int_equal(hy_db_run(f->db, HY_TX_READ, tx_schema_version, &v), HY_DB_ONE);
    assert_int_equal(v, migrated);
    v = -1;
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_schema_version, &v), HY_DB_ONE);
    assert_int_equal(v, migrated);
}

static void test_meta(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    assert_meta(f, "absent", NULL);
    set_meta(f, "demo_loaded", "1");
    assert_meta(f, "demo_loaded", "1");
    set_meta(f, "demo_loaded", "0"); /* overwrite */
    assert_meta(f, "demo_loaded", "0");
    set_meta(f, "empty", "");
    assert_meta(f, "empty", "");
    /* Outside a transaction too (autocommit). */
    assert_int_equal(s->ops->meta_set(s, "other", "x"), HY_DB_ONE);
    assert_meta(f, "other", "x");
    struct kv kv = {"demo_loaded", NULL};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_delete, &kv), HY_DB_ONE);
    assert_meta(f, "demo_loaded", NULL);
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_delete, &kv), HY_DB_NONE);
    assert_int_equal(s->ops->meta_delete(s, "never-there"), HY_DB_NONE);
    assert_meta(f, "other", "x");
    assert_meta(f, "empty", "");
}

static int tx_write_then_abort(hy_store *s, void *ctx) {
    int r = s->ops->meta_set(s, "a", "1");
    if (r < 0) return r;
    r = s->ops->meta_set(s, "b", "2");
    if (r < 0) return r;
    return HY_DB_ABORT;
}

static void test_abort_writes_nothing(void **state) {
    struct fx *f = *state;
    uint64_t retries = hy_db_retries(f->db);
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_write_then_abort, NULL), HY_DB_ABORT);
    assert_false(conn(f)->ops->in_transaction(conn(f)));
    assert_meta(f, "a", NULL);
    assert_meta(f, "b", NULL);
    assert_int_equal(hy_db_retries(f->db), retries);
    /* The connection is usable afterwards. */
    set_meta(f, "a", "after");
    assert_meta(f, "a", "after");
}

struct flaky {
    int attempts;
};

/* Writes, then fails softly on its first two attempts. */
static int tx_flaky(hy_store *s, void *ctx) {
    struct flaky *fl = ctx;
    fl->attempts++;
    int r = tx_increment(s, NULL);
    if (r < 0) return r;
    char buf[16];
    snprintf(buf, sizeof buf, "%d", fl->attempts);
    r = s->ops->meta_set(s, "attempt", buf);
    if (r < 0) return r;
    return fl->attempts <= 2 ? HY_DB_SOFT : HY_DB_ONE;
}

static void test_soft_is_retried(void **state) {
    struct fx *f = *state;
    uint64_t retries = hy_db_retries(f->db);
    struct flaky fl = {0};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_flaky, &fl), HY_DB_ONE);
    assert_int_equal(fl.attempts, 3);
    assert_int_equal(hy_db_retries(f->db) - retries, 2);
    assert_meta(f, "counter", "1"); /* the two failed attempts left nothing */
    assert_meta(f, "attempt", "3");
    assert_false(conn(f)->ops->in_transaction(conn(f)));
}

struct always_soft {
    int attempts;
    long sleep_ms;
};

static int tx_always_soft(hy_store *s, void *ctx) {
    struct always_soft *a = ctx;
    a->attempts++;
    if (a->sleep_ms) {
        struct timespec ts = {a->sleep_ms / 1000, (a->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return HY_DB_SOFT;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The runner gives up after HY_TX_RETRIES attempts, or once HY_TX_RETRY_MS have passed. */
static void test_retry_budget(void **state) {
    struct fx *f = *state;
    uint64_t retries = hy_db_retries(f->db);
    struct always_soft quick = {0, 0};
    double t0 = now_s();
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_always_soft, &quick), HY_DB_SOFT);
    double quick_s = now_s() - t0;
    assert_int_equal(quick.attempts, HY_TX_RETRIES);
    assert_int_equal(hy_db_retries(f->db) - retries, HY_TX_RETRIES - 1);
    assert_true(quick_s < HY_TX_RETRY_MS / 1000.0);
    /* Slow attempts (a lock wait, a reconnection) use up the time first. */
    struct always_soft slow = {0, 450};
    t0 = now_s();
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_always_soft, &slow), HY_DB_SOFT);
    double slow_s = now_s() - t0;
    assert_true(slow.attempts >= 3 && slow.attempts <= 5);
    assert_true(slow_s < HY_TX_RETRY_MS / 1000.0 + 1.0); /* + the attempt under way */
    print_message("    %d quick attempts in %.3f s, %d slow ones in %.3f s\n", quick.attempts,
                  quick_s, slow.attempts, slow_s);
    assert_false(conn(f)->ops->in_transaction(conn(f)));
}

struct tls_user {
    hy_db *db;
    pthread_barrier_t *b;
    int rounds, ok;
};

/* Uses each db the main thread opens, and never releases it: every closed db leaves a stale
 * slot in this thread's table. */
static void *tls_user_main(void *arg) {
    struct tls_user *t = arg;
    for (int i = 0; i < t->rounds; i++) {
        pthread_barrier_wait(t->b); /* main has opened t->db */
        struct kv kv = {"tls", "x"};
        if (hy_db_conn(t->db) && hy_db_run(t->db, HY_TX_WRITE, tx_set, &kv) == HY_DB_ONE) t->ok++;
        pthread_barrier_wait(t->b); /* main closes it now */
    }
    return NULL;
}

/* A db closed while another thread still holds a thread-local reference to it: the next db
 * (often at the same address) must not be handed the dead connection, and the stale slots
 * must not run out. */
static void test_db_stale_thread_slots(void **state) {
    struct fx *f = *state;
    char *url = fx_url(f);
    assert_non_null(url);
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, 2);
    struct tls_user t = {.b = &b, .rounds = 7};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, tls_user_main, &t), 0);
    for (int i = 0; i < t.rounds; i++) {
        char *err = NULL;
        if (hy_db_open(url, &t.db, &err) < 0) fail_msg("hy_db_open: %s", err ? err : "?");
        pthread_barrier_wait(&b);
        pthread_barrier_wait(&b);
        t.db = hy_db_close(t.db);
    }
    pthread_join(th, NULL);
    pthread_barrier_destroy(&b);
    free(url);
    assert_int_equal(t.ok, t.rounds);
}

enum { WORKERS = 8, INCREMENTS = 50 };

struct worker {
    hy_db *db;
    pthread_barrier_t *go;
    int done, exhausted, hard, no_conn;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    if (!hy_db_conn(w->db)) w->no_conn = 1; /* connect before the race starts */
    pthread_barrier_wait(w->go);
    /* A run that used up all its retries (HY_DB_SOFT) changed nothing: count it and go on. */
    while (!w->no_conn && w->done < INCREMENTS && w->hard == 0 && w->exhausted < 1000) {
        int r = hy_db_run(w->db, HY_TX_WRITE, tx_increment, NULL);
        if (r >= 0)
            w->done++;
        else if (r == HY_DB_SOFT)
            w->exhausted++;
        else
            w->hard++;
    }
    hy_db_release(w->db);
    return NULL;
}

/* Lost updates would leave the counter below the number of committed increments. */
static void test_concurrent_increments(void **state) {
    struct fx *f = *state;
    uint64_t retries = hy_db_retries(f->db);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, WORKERS);
    struct worker w[WORKERS];
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        w[i] = (struct worker){.db = f->db, .go = &go};
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    int exhausted = 0;
    for (int i = 0; i < WORKERS; i++) {
        assert_int_equal(w[i].no_conn, 0);
        assert_int_equal(w[i].hard, 0);
        assert_int_equal(w[i].done, INCREMENTS);
        exhausted += w[i].exhausted;
    }
    print_message("    %d transactions, %llu retries, %d runs out of retries\n",
                  WORKERS * INCREMENTS, (unsigned long long)(hy_db_retries(f->db) - retries),
                  exhausted);
    char want[16];
    snprintf(want, sizeof want, "%d", WORKERS * INCREMENTS);
    assert_meta(f, "counter", want);
}

static void test_read_cannot_write(void **state) {
    struct fx *f = *state;
    set_meta(f, "ro", "before");
    struct kv set = {"ro", "after"}, add = {"ro-new", "x"}, del = {"ro", NULL};
    assert_true(hy_db_run(f->db, HY_TX_READ, tx_set, &set) < 0);
    assert_true(hy_db_run(f->db, HY_TX_READ, tx_set, &add) < 0);
    assert_true(hy_db_run(f->db, HY_TX_READ, tx_delete, &del) < 0);
    assert_false(conn(f)->ops->in_transaction(conn(f)));
    assert_meta(f, "ro", "before");
    assert_meta(f, "ro-new", NULL);
    /* Reads still work, and so do writes in a write transaction. */
    set_meta(f, "ro", "after");
    assert_meta(f, "ro", "after");
}

static void test_integrity(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    char *report = NULL;
    assert_int_equal(s->ops->integrity_check(s, &report), HY_DB_ONE);
    assert_non_null(report);
    assert_string_equal(report, "ok");
    free(report);
}

static void test_utf8(void **state) {
    struct fx *f = *state;
    static const char *const texts[] = {
        "همیاری", "می\u200cخواهم کمک کنم", /* with a zero-width non-joiner */
        "سلام 🤝 — ۱۲۳ ٤٥٦ «نقل‌قول» ك ي ی", /* emoji, digits, Arabic
                                                                           kaf/yeh vs Persian */
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        set_meta(f, "name", texts[i]);
        assert_meta(f, "name", texts[i]);
        set_meta(f, texts[i], "persian key");
        assert_meta(f, texts[i], "persian key");
    }
}

/* ---- accounts (ABI 2) ----
 *
 * Every test below runs on both backends and checks exact values; test_accounts_transcript
 * additionally runs one script of calls on a SQLite store and on the PostgreSQL store within
 * the same process and requires the two transcripts to be identical, and
 * test_accounts_schema_matches compares the two schemas table by table. */

/* Ids are 32 lowercase hex digits in production. A few here carry capitals so that ordering by
 * id shows whether it is byte order (as SQLite compares) or a language's collation. */
#define ID_MARYAM "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define ID_REZA "1b2c3d4e5f60718293a4b5c6d7e8f90a"
#define ID_SARA "2c3d4e5f60718293a4b5c6d7e8f90a1b"
#define ID_NEW "3d4e5f60718293a4b5c6d7e8f90a1b2c"
#define ID_DUP1 "4e5f60718293a4b5c6d7e8f90a1b2c3d"
#define ID_DUP2 "5f60718293a4b5c6d7e8f90a1b2c3d4e"
#define ID_NOBODY "ffffffffffffffffffffffffffffffff"

static const char *const HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

static struct hy_user mk_user(const char *id, const char *email, const char *phone,
                              const char *name, const char *role, const char *status,
                              int64_t created) {
    struct hy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.id, sizeof u.id, "%s", id);
    u.email = email;
    u.phone = phone;
    u.name = name;
    u.password_hash = HASH;
    u.role = role;
    u.status = status;
    u.language = "fa";
    u.created_at = created;
    u.updated_at = created;
    return u;
}

static void assert_str_or_null(const char *got, const char *want, const char *what) {
    if (!want && !got) return;
    if (!want || !got || strcmp(got, want) != 0)
        fail_msg("%s: got %s%s%s, want %s%s%s", what, got ? "\"" : "", got ? got : "NULL",
                 got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

static void assert_user_equal(const struct hy_user *got, const struct hy_user *want) {
    assert_string_equal(got->id, want->id);
    assert_str_or_null(got->email, want->email, "email");
    assert_str_or_null(got->phone, want->phone, "phone");
    assert_str_or_null(got->name, want->name, "name");
    assert_str_or_null(got->password_hash, want->password_hash, "password_hash");
    assert_str_or_null(got->role, want->role, "role");
    assert_str_or_null(got->status, want->status, "status");
    assert_str_or_null(got->language, want->language ? want->language : "fa", "language");
    assert_int_equal(got->created_at, want->created_at);
    assert_int_equal(got->updated_at, want->updated_at);
}

static void begin_write(hy_store *s) { assert_int_equal(s->ops->begin(s, HY_TX_WRITE), HY_DB_ONE); }
static void begin_read(hy_store *s) { assert_int_equal(s->ops->begin(s, HY_TX_READ), HY_DB_ONE); }
static void commit(hy_store *s) {
    assert_int_equal(s->ops->commit(s), HY_DB_ONE);
    assert_false(s->ops->in_transaction(s));
}

static void insert_user(struct fx *f, const struct hy_user *u, const struct hy_volunteer *v) {
    hy_store *s = conn(f);
    begin_write(s);
    assert_int_equal(s->ops->user_insert(s, u, v), HY_DB_ONE);
    commit(s);
}

static void assert_user_stored(struct fx *f, const struct hy_user *want) {
    hy_store *s = conn(f);
    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    struct hy_user got;
    assert_int_equal(s->ops->user_get(s, want->id, a, &got), HY_DB_ONE);
    assert_user_equal(&got, want);
    hy_arena_free(a);
}

static void assert_no_user(struct fx *f, const char *id) {
    hy_store *s = conn(f);
    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    struct hy_user got;
    memset(&got, 0x5a, sizeof got);
    struct hy_user before = got;
    assert_int_equal(s->ops->user_get(s, id, a, &got), HY_DB_NONE);
    assert_memory_equal(&got, &before, sizeof got); /* untouched */
    hy_arena_free(a);
}

/* The statuses one insert attempt ended with, for a transaction body. */
struct insert_tx {
    const struct hy_user *u;
    const struct hy_volunteer *v;
};

static int tx_insert(hy_store *s, void *ctx) {
    const struct insert_tx *t = ctx;
    return s->ops->user_insert(s, t->u, t->v);
}

/* The ABI 2 table is complete. */
static void test_accounts_ops_complete(void **state) {
    struct fx *f = *state;
    const struct hy_store_ops *o = hy_db_ops(f->db);
    assert_true(o->abi >= HY_STORE_ABI);
    bool complete = o->user_insert && o->user_get && o->user_by_login && o->user_list &&
                    o->user_set_status && o->user_set_role && o->user_set_password &&
                    o->volunteer_get && o->session_insert && o->session_get && o->session_touch &&
                    o->session_delete && o->session_delete_user && o->token_insert &&
                    o->token_get && o->rate_hit && o->rate_clear && o->audit_insert &&
                    o->audit_list && o->reset_insert && o->reset_take && o->outbox_insert &&
                    o->outbox_list && o->user_set_profile && o->reset_revoke_user &&
                    o->reset_outbox_expire && o->token_list && o->token_revoke && o->token_last_used && o->token_touch &&
                    o->token_revoke_user;
    if (!complete) fail_msg("the %s store leaves an accounts function NULL", o->name);
}

static void test_user_insert_get(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user maryam = mk_user(ID_MARYAM, "maryam@example.org", "+989121234567",
                                    "مریم رضایی\u200cنژاد", "volunteer", "pending", 1700000000);
    struct hy_volunteer vm = {.has_area = true,
                              .lat = 35.6892,
                              .lon = 51.389,
                              .radius_km = 7.5,
                              .skills = "[\"پزشکی\",\"رانندگی\"]",
                              .languages = "[\"fa\",\"en\"]",
                              .availability = "عصرها، پنج‌شنبه و جمعه",
                              .consent_at = 1700000050,
                              .consent_version = "2025-11-27"};
    struct hy_user reza =
        mk_user(ID_REZA, NULL, "+989351112233", "رضا", "coordinator", "approved", 1700000100);
    reza.password_hash = NULL;
    reza.language = "en";
    struct hy_user sara =
        mk_user(ID_SARA, "sara@example.org", NULL, "Sara", "volunteer", "approved", 1700000200);
    /* No language (the store's default is fa), and a profile without area or texts. */
    sara.language = NULL;
    struct hy_volunteer vs = {.has_area = false, .radius_km = 5};
    begin_write(s);
    assert_int_equal(s->ops->user_insert(s, &maryam, &vm), HY_DB_ONE);
    assert_int_equal(s->ops->user_insert(s, &reza, NULL), HY_DB_ONE);
    assert_int_equal(s->ops->user_insert(s, &sara, &vs), HY_DB_ONE);
    commit(s);

    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    begin_read(s);
    struct hy_user got;
    assert_int_equal(s->ops->user_get(s, ID_MARYAM, a, &got), HY_DB_ONE);
    assert_user_equal(&got, &maryam);
    assert_int_equal(s->ops->user_get(s, ID_REZA, a, &got), HY_DB_ONE);
    assert_user_equal(&got, &reza);
    assert_null(got.email);
    assert_null(got.password_hash);
    assert_int_equal(s->ops->user_get(s, ID_SARA, a, &got), HY_DB_ONE);
    assert_user_equal(&got, &sara);
    assert_null(got.phone);
    assert_string_equal(got.language, "fa");

    /* By login: e-mail or phone. */
    assert_int_equal(s->ops->user_by_login(s, "maryam@example.org", a, &got), HY_DB_ONE);
    assert_user_equal(&got, &maryam);
    assert_int_equal(s->ops->user_by_login(s, "+989121234567", a, &got), HY_DB_ONE);
    assert_user_equal(&got, &maryam);
    assert_int_equal(s->ops->user_by_login(s, "+989351112233", a, &got), HY_DB_ONE);
    assert_user_equal(&got, &reza);
    assert_int_equal(s->ops->user_by_login(s, "sara@example.org", a, &got), HY_DB_ONE);
    assert_user_equal(&got, &sara);
    memset(&got, 0x5a, sizeof got);
    struct hy_user before = got;
    assert_int_equal(s->ops->user_by_login(s, "nobody@example.org", a, &got), HY_DB_NONE);
    assert_int_equal(s->ops->user_by_login(s, "MARYAM@example.org", a, &got), HY_DB_NONE);
    assert_int_equal(s->ops->user_get(s, ID_NOBODY, a, &got), HY_DB_NONE);
    assert_memory_equal(&got, &before, sizeof got);

    /* Volunteer profiles, with and without a home area. */
    struct hy_volunteer v;
    assert_int_equal(s->ops->volunteer_get(s, ID_MARYAM, a, &v), HY_DB_ONE);
    assert_string_equal(v.user_id, ID_MARYAM);
    assert_true(v.has_area);
    assert_true(v.lat == 35.6892 && v.lon == 51.389 && v.radius_km == 7.5); /* exact */
    assert_string_equal(v.skills, vm.skills);
    assert_string_equal(v.languages, vm.languages);
    assert_string_equal(v.availability, vm.availability);
    assert_int_equal(v.consent_at, 1700000050);
    assert_string_equal(v.consent_version, "2025-11-27");
    assert_int_equal(s->ops->volunteer_get(s, ID_SARA, a, &v), HY_DB_ONE);
    assert_string_equal(v.user_id, ID_SARA);
    assert_false(v.has_area);
    assert_true(v.lat == 0 && v.lon == 0 && v.radius_km == 5);
    assert_string_equal(v.skills, "[]");
    assert_string_equal(v.languages, "[]");
    assert_string_equal(v.availability, "");
    assert_int_equal(v.consent_at, 0); /* none recorded */
    assert_null(v.consent_version);
    memset(&v, 0x5a, sizeof v);
    struct hy_volunteer vbefore = v;
    assert_int_equal(s->ops->volunteer_get(s, ID_REZA, a, &v), HY_DB_NONE); /* no profile */
    assert_int_equal(s->ops->volunteer_get(s, ID_NOBODY, a, &v), HY_DB_NONE);
    assert_memory_equal(&v, &vbefore, sizeof v);
    commit(s);
    hy_arena_free(a);
}

struct dup_tx {
    int attempts;
    int r_email, r_phone, r_id, r_both, r_new;
};

/* Four inserts that collide with stored users (each with a profile), one that does not, and
 * a meta write: the collisions must leave the transaction usable. */
static int tx_duplicates(hy_store *s, void *ctx) {
    struct dup_tx *d = ctx;
    d->attempts++;
    struct hy_volunteer v = {.has_area = true, .lat = 1, .lon = 2, .radius_km = 3};
    struct hy_user same_email =
        mk_user(ID_DUP1, "maryam@example.org", "+989120000001", "x", "volunteer", "pending", 1);
    struct hy_user same_phone =
        mk_user(ID_DUP2, "other@example.org", "+989121234567", "y", "volunteer", "pending", 2);
    struct hy_user same_id =
        mk_user(ID_REZA, "new@example.org", "+989120000003", "z", "admin", "approved", 3);
    struct hy_user same_both =
        mk_user(ID_DUP1, "sara@example.org", "+989121234567", "w", "volunteer", "pending", 4);
    struct hy_user fresh =
        mk_user(ID_NEW, "new@example.org", "+989120000004", "تازه", "volunteer", "pending", 5);
    if ((d->r_email = s->ops->user_insert(s, &same_email, &v)) < 0) return d->r_email;
    if ((d->r_phone = s->ops->user_insert(s, &same_phone, &v)) < 0) return d->r_phone;
    if ((d->r_id = s->ops->user_insert(s, &same_id, &v)) < 0) return d->r_id;
    if ((d->r_both = s->ops->user_insert(s, &same_both, NULL)) < 0) return d->r_both;
    if ((d->r_new = s->ops->user_insert(s, &fresh, NULL)) < 0) return d->r_new;
    return s->ops->meta_set(s, "after_duplicates", "yes");
}

static void test_user_duplicates(void **state) {
    struct fx *f = *state;
    struct hy_user maryam = mk_user(ID_MARYAM, "maryam@example.org", "+989121234567", "مریم",
                                    "volunteer", "pending", 100);
    struct hy_user reza =
        mk_user(ID_REZA, NULL, "+989351112233", "رضا", "coordinator", "approved", 200);
    struct hy_user sara =
        mk_user(ID_SARA, "sara@example.org", NULL, "Sara", "volunteer", "approved", 300);
    insert_user(f, &maryam, NULL);
    insert_user(f, &reza, NULL);
    insert_user(f, &sara, NULL);

    struct dup_tx d = {0};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_duplicates, &d), HY_DB_ONE);
    assert_int_equal(d.attempts, 1);
    assert_int_equal(d.r_email, HY_DB_NONE);
    assert_int_equal(d.r_phone, HY_DB_NONE);
    assert_int_equal(d.r_id, HY_DB_NONE);
    assert_int_equal(d.r_both, HY_DB_NONE);
    assert_int_equal(d.r_new, HY_DB_ONE);
    assert_meta(f, "after_duplicates", "yes"); /* the transaction committed its other work */

    assert_no_user(f, ID_DUP1);
    assert_no_user(f, ID_DUP2);
    assert_user_stored(f, &maryam);
    assert_user_stored(f, &reza); /* not overwritten by the insert with its id */
    assert_user_stored(f, &sara);
    struct hy_user fresh =
        mk_user(ID_NEW, "new@example.org", "+989120000004", "تازه", "volunteer", "pending", 5);
    assert_user_stored(f, &fresh);
    /* No profile was inserted for a row that was not: not for the refused ids, and not for
     * reza, whose id the colliding insert carried. */
    hy_store *s = conn(f);
    hy_arena *a = hy_arena_new(0);
    struct hy_volunteer v;
    assert_int_equal(s->ops->volunteer_get(s, ID_DUP1, a, &v), HY_DB_NONE);
    assert_int_equal(s->ops->volunteer_get(s, ID_DUP2, a, &v), HY_DB_NONE);
    assert_int_equal(s->ops->volunteer_get(s, ID_REZA, a, &v), HY_DB_NONE);
    hy_arena_free(a);

    /* Outside an explicit transaction too. */
    assert_int_equal(s->ops->user_insert(s, &maryam, NULL), HY_DB_NONE);
    assert_false(s->ops->in_transaction(s));
}

struct signup {
    hy_db *db;
    pthread_barrier_t *go;
    struct hy_user u;
    struct hy_volunteer v;
    int status;
};

static void *signup_main(void *arg) {
    struct signup *g = arg;
    hy_store *s = hy_db_conn(g->db);
    pthread_barrier_wait(g->go);
    struct insert_tx t = {&g->u, &g->v};
    g->status = s ? hy_db_run(g->db, HY_TX_WRITE, tx_insert, &t) : HY_DB_HARD;
    hy_db_release(g->db);
    return NULL;
}

/* People signing up with the same phone at the same moment: exactly one wins, the others
 * learn that the phone is taken (never a hard error), and only the winner has a profile. */
static void test_user_insert_race(void **state) {
    struct fx *f = *state;
    enum { N = 6 };
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N);
    struct signup g[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        char id[HY_ID_LEN + 1];
        snprintf(id, sizeof id, "%032x", 0xabc0 + i);
        g[i] = (struct signup){.db = f->db, .go = &go, .status = 99};
        g[i].u = mk_user(id, NULL, "+989121234567", "همزمان", "volunteer", "pending", i);
        g[i].v = (struct hy_volunteer){.has_area = true, .lat = i, .lon = i, .radius_km = 5};
        assert_int_equal(pthread_create(&t[i], NULL, signup_main, &g[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    int won = -1, lost = 0;
    for (int i = 0; i < N; i++) {
        if (g[i].status == HY_DB_ONE) {
            assert_int_equal(won, -1);
            won = i;
        } else {
            assert_int_equal(g[i].status, HY_DB_NONE);
            lost++;
        }
    }
    assert_true(won >= 0);
    assert_int_equal(lost, N - 1);
    assert_user_stored(f, &g[won].u);
    hy_store *s = conn(f);
    hy_arena *a = hy_arena_new(0);
    for (int i = 0; i < N; i++) {
        struct hy_volunteer v;
        assert_int_equal(s->ops->volunteer_get(s, g[i].u.id, a, &v),
                         i == won ? HY_DB_ONE : HY_DB_NONE);
    }
    hy_arena_free(a);
}

/* Rows the schema's CHECK and NOT NULL constraints refuse: a hard error in both stores, and
 * nothing stored. */
static void test_user_constraints(void **state) {
    struct fx *f = *state;
    struct hy_user bad[] = {
        mk_user(ID_DUP1, NULL, NULL, "no contact", "volunteer", "pending", 1),
        mk_user(ID_DUP1, "a@example.org", NULL, "bad role", "superuser", "pending", 1),
        mk_user(ID_DUP1, "a@example.org", NULL, "bad status", "volunteer", "deleted", 1),
        mk_user(ID_DUP1, "a@example.org", NULL, NULL, "volunteer", "pending", 1),
        mk_user(ID_DUP1, "a@example.org", NULL, "no role", NULL, "pending", 1),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct insert_tx t = {&bad[i], NULL};
        assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_insert, &t), HY_DB_HARD);
        assert_false(conn(f)->ops->in_transaction(conn(f)));
    }
    /* Numbers SQLite cannot store faithfully (NaN becomes NULL there) are refused by both. */
    struct hy_user ok = mk_user(ID_DUP1, "a@example.org", NULL, "ok", "volunteer", "pending", 1);
    struct hy_volunteer nan_area = {.has_area = true, .lat = NAN, .lon = 51, .radius_km = 5};
    struct hy_volunteer inf_radius = {.has_area = false, .radius_km = INFINITY};
    struct insert_tx t1 = {&ok, &nan_area}, t2 = {&ok, &inf_radius};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_insert, &t1), HY_DB_HARD);
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_insert, &t2), HY_DB_HARD);
    assert_no_user(f, ID_DUP1);
    /* The connection is fine afterwards. */
    struct insert_tx good = {&ok, NULL};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_insert, &good), HY_DB_ONE);
    assert_user_stored(f, &ok);
    /* A read transaction cannot insert. */
    struct hy_user other = mk_user(ID_DUP2, "b@example.org", NULL, "ro", "volunteer", "pending", 1);
    struct insert_tx ro = {&other, NULL};
    assert_true(hy_db_run(f->db, HY_TX_READ, tx_insert, &ro) < 0);
    assert_no_user(f, ID_DUP2);
}

/* Users for the list tests: ties on created_at, and ids whose byte order differs from a
 * language's order ("B…" < "a…" in bytes, not in en-US). */
static const struct {
    const char *id, *email, *phone, *role, *status;
    int64_t created;
} list_users[] = {
    {"a0000000000000000000000000000001", "u1@example.org", NULL, "volunteer", "pending", 500},
    {"B0000000000000000000000000000002", NULL, "+989120000002", "volunteer", "approved", 500},
    {"b0000000000000000000000000000003", "u3@example.org", "+989120000003", "coordinator",
     "approved", 500},
    {"A0000000000000000000000000000004", "u4@example.org", NULL, "volunteer", "pending", 700},
    {"00000000000000000000000000000005", "u5@example.org", NULL, "admin", "approved", 300},
    {"c0000000000000000000000000000006", NULL, "+989120000006", "volunteer", "suspended", 500},
    {"_0000000000000000000000000000007", "u7@example.org", NULL, "volunteer", "pending", 700},
    {"z0000000000000000000000000000008", "u8@example.org", NULL, "editor", "approved", 100},
    {"Z0000000000000000000000000000009", "u9@example.org", NULL, "volunteer", "approved", 900},
};
#define N_LIST_USERS (sizeof list_users / sizeof list_users[0])

/* Names "کاربر i", kept here so that records can point at them. */
static char list_names[N_LIST_USERS][32];

static struct hy_user list_user(size_t i) {
    snprintf(list_names[i], sizeof list_names[i], "کاربر %zu", i);
    return mk_user(list_users[i].id, list_users[i].email, list_users[i].phone, list_names[i],
                   list_users[i].role, list_users[i].status, list_users[i].created);
}

static int cmp_list_order(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (list_users[a].created != list_users[b].created)
        return list_users[a].created > list_users[b].created ? -1 : 1;
    return strcmp(list_users[a].id, list_users[b].id); /* bytes, as memcmp */
}

/* The indices of list_users matching the filter, in the contract's order. */
static size_t expected_list(const char *role, const char *status, size_t *out) {
    size_t n = 0;
    for (size_t i = 0; i < N_LIST_USERS; i++)
        if ((!role || strcmp(role, list_users[i].role) == 0) &&
            (!status || strcmp(status, list_users[i].status) == 0))
            out[n++] = i;
    qsort(out, n, sizeof *out, cmp_list_order);
    return n;
}

static void insert_list_users(struct fx *f) {
    hy_store *s = conn(f);
    begin_write(s);
    for (size_t i = 0; i < N_LIST_USERS; i++) {
        struct hy_user u = list_user(i);
        assert_int_equal(s->ops->user_insert(s, &u, NULL), HY_DB_ONE);
    }
    commit(s);
}

static void test_user_list(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    insert_list_users(f);
    static const char *const filters[][2] = {
        {NULL, NULL},    {"volunteer", NULL},    {NULL, "approved"}, {"volunteer", "pending"},
        {"admin", NULL}, {"admin", "suspended"}, {"nobody", NULL},
    };
    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    begin_read(s);
    for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
        size_t want[N_LIST_USERS] = {0};
        size_t nwant = expected_list(filters[k][0], filters[k][1], want);
        /* Everything at once (limit 0 = the default of 50). */
        struct hy_user_filter flt = {filters[k][0], filters[k][1], 0, 0};
        struct hy_user *users = NULL;
        size_t total = 999;
        int n = s->ops->user_list(s, &flt, a, &users, &total);
        assert_int_equal(n, nwant);
        assert_int_equal(total, nwant);
        assert_non_null(users);
        for (size_t i = 0; i < nwant; i++) {
            struct hy_user u = list_user(want[i]);
            assert_user_equal(&users[i], &u);
        }
        /* Page by page, two at a time: the same rows in the same order, the same total. */
        size_t seen = 0;
        for (size_t off = 0; off <= nwant + 2; off += 2) {
            struct hy_user_filter page = {filters[k][0], filters[k][1], 2, off};
            total = 999;
            n = s->ops->user_list(s, &page, a, &users, &total);
            size_t expect = off >= nwant ? 0 : (nwant - off < 2 ? nwant - off : 2);
            assert_int_equal(n, expect);
            assert_int_equal(total, nwant);
            for (int i = 0; i < n; i++)
                assert_string_equal(users[i].id, list_users[want[seen++]].id);
        }
        assert_int_equal(seen, nwant);
    }
    /* An offset past anything SQL can count is simply empty. */
    struct hy_user_filter far = {NULL, NULL, 5, SIZE_MAX};
    struct hy_user *users = NULL;
    size_t total = 0;
    assert_int_equal(s->ops->user_list(s, &far, a, &users, &total), 0);
    assert_int_equal(total, N_LIST_USERS);
    /* A limit whose array would not fit in memory is refused, outputs untouched. */
    struct hy_user_filter huge = {NULL, NULL, SIZE_MAX / 2, 0};
    users = NULL;
    total = 12345;
    assert_int_equal(s->ops->user_list(s, &huge, a, &users, &total), HY_DB_HARD);
    assert_null(users);
    assert_int_equal(total, 12345);
    commit(s);
    hy_arena_free(a);
}

static void test_user_updates(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user u = mk_user(ID_MARYAM, "maryam@example.org", "+989121234567", "مریم",
                               "volunteer", "pending", 1000);
    insert_user(f, &u, NULL);

    begin_write(s);
    assert_int_equal(s->ops->user_set_status(s, ID_MARYAM, "approved", 2000), HY_DB_ONE);
    commit(s);
    u.status = "approved";
    u.updated_at = 2000;
    assert_user_stored(f, &u);

    assert_int_equal(s->ops->user_set_role(s, ID_MARYAM, "editor", 2100), HY_DB_ONE);
    u.role = "editor";
    u.updated_at = 2100;
    assert_user_stored(f, &u);

    static const char new_hash[] = "$argon2id$v=19$m=65536,t=3,p=1$bmV3c2FsdA$bmV3aGFzaA";
    assert_int_equal(s->ops->user_set_password(s, ID_MARYAM, new_hash, 2200), HY_DB_ONE);
    u.password_hash = new_hash;
    u.updated_at = 2200;
    assert_user_stored(f, &u);
    assert_int_equal(s->ops->user_set_password(s, ID_MARYAM, NULL, 2300), HY_DB_ONE);
    u.password_hash = NULL;
    u.updated_at = 2300;
    assert_user_stored(f, &u);

    assert_int_equal(s->ops->user_set_profile(s, ID_MARYAM, "مریم\u200cالسادات", "en", 2400),
                     HY_DB_ONE);
    u.name = "مریم\u200cالسادات";
    u.language = "en";
    u.updated_at = 2400;
    assert_user_stored(f, &u);

    /* Setting the value it already has still matches the row. */
    assert_int_equal(s->ops->user_set_status(s, ID_MARYAM, "approved", 2500), HY_DB_ONE);
    u.updated_at = 2500;
    assert_user_stored(f, &u);

    /* Unknown ids: NONE, inside a transaction that then commits. */
    begin_write(s);
    assert_int_equal(s->ops->user_set_status(s, ID_NOBODY, "approved", 1), HY_DB_NONE);
    assert_int_equal(s->ops->user_set_role(s, ID_NOBODY, "admin", 1), HY_DB_NONE);
    assert_int_equal(s->ops->user_set_password(s, ID_NOBODY, new_hash, 1), HY_DB_NONE);
    assert_int_equal(s->ops->user_set_profile(s, ID_NOBODY, "x", "fa", 1), HY_DB_NONE);
    assert_int_equal(s->ops->meta_set(s, "after_none", "1"), HY_DB_ONE);
    commit(s);
    assert_meta(f, "after_none", "1");
    assert_user_stored(f, &u);
}

struct update_tx {
    const char *status, *role;
};

static int tx_bad_update(hy_store *s, void *ctx) {
    const struct update_tx *t = ctx;
    if (t->status) return s->ops->user_set_status(s, ID_MARYAM, t->status, 9);
    return s->ops->user_set_role(s, ID_MARYAM, t->role, 9);
}

static void test_user_update_constraints(void **state) {
    struct fx *f = *state;
    struct hy_user u =
        mk_user(ID_MARYAM, "maryam@example.org", NULL, "مریم", "volunteer", "pending", 1000);
    insert_user(f, &u, NULL);
    struct update_tx bad_status = {"deleted", NULL}, bad_role = {NULL, "root"};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_bad_update, &bad_status), HY_DB_HARD);
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_bad_update, &bad_role), HY_DB_HARD);
    assert_user_stored(f, &u);
}

/* An API token record: id is "t" + n padded to an id's 32 hex digits. */
static struct hy_api_token tok(int n, const char *user, const char *name, int64_t created,
                               int64_t expires) {
    struct hy_api_token t;
    memset(&t, 0, sizeof t);
    snprintf(t.id, sizeof t.id, "%032x", (unsigned)n);
    snprintf(t.user_id, sizeof t.user_id, "%s", user);
    t.name = name;
    t.created_at = created;
    t.expires_at = expires;
    return t;
}

static void test_sessions_tokens(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user ua =
        mk_user(ID_MARYAM, "maryam@example.org", NULL, "مریم", "volunteer", "approved", 1);
    struct hy_user ub = mk_user(ID_REZA, NULL, "+989351112233", "رضا", "admin", "approved", 2);
    insert_user(f, &ua, NULL);
    insert_user(f, &ub, NULL);

    begin_write(s);
    assert_int_equal(s->ops->session_insert(s, "h1", ID_MARYAM, "csrf-1", 1000, 2000), HY_DB_ONE);
    /* A taken hash: NONE, and the transaction goes on. */
    assert_int_equal(s->ops->session_insert(s, "h1", ID_REZA, "csrf-x", 1001, 2001), HY_DB_NONE);
    assert_int_equal(s->ops->session_insert(s, "h2", ID_MARYAM, "csrf-2", 1100, 2100), HY_DB_ONE);
    assert_int_equal(s->ops->session_insert(s, "h3", ID_MARYAM, "csrf-3", 1200, 2200), HY_DB_ONE);
    assert_int_equal(s->ops->session_insert(s, "h4", ID_REZA, "csrf-4", 1300, 2300), HY_DB_ONE);
    struct hy_api_token t1 = tok(1, ID_MARYAM, "cli", 1000, 0), t1b = tok(9, ID_REZA, "again", 1000, 0),
                        t2 = tok(2, ID_REZA, NULL, 1000, 5000), t2b = tok(2, ID_REZA, "x", 1000, 0);
    assert_int_equal(s->ops->token_insert(s, "t1", &t1), HY_DB_ONE);
    assert_int_equal(s->ops->token_insert(s, "t1", &t1b), HY_DB_NONE); /* the hash is taken */
    assert_int_equal(s->ops->token_insert(s, "t2", &t2), HY_DB_ONE);
    assert_int_equal(s->ops->token_insert(s, "t9", &t2b), HY_DB_NONE); /* the id is taken */
    commit(s);

    hy_arena *a = hy_arena_new(0);
    struct hy_session se;
    begin_read(s);
    assert_int_equal(s->ops->session_get(s, "h1", a, &se), HY_DB_ONE);
    assert_string_equal(se.user_id, ID_MARYAM);
    assert_string_equal(se.csrf, "csrf-1");
    assert_int_equal(se.created_at, 1000);
    assert_int_equal(se.last_seen, 1000);
    assert_int_equal(se.expires_at, 2000);
    memset(&se, 0x5a, sizeof se);
    struct hy_session sbefore = se;
    assert_int_equal(s->ops->session_get(s, "nope", a, &se), HY_DB_NONE);
    assert_memory_equal(&se, &sbefore, sizeof se);
    char uid[HY_ID_LEN + 1] = "untouched";
    assert_int_equal(s->ops->token_get(s, "t1", 1000, 0, uid), HY_DB_ONE);
    assert_string_equal(uid, ID_MARYAM);
    assert_int_equal(s->ops->token_get(s, "t2", 4999, 0, uid), HY_DB_ONE);
    assert_string_equal(uid, ID_REZA);
    snprintf(uid, sizeof uid, "untouched");
    assert_int_equal(s->ops->token_get(s, "t3", 0, 0, uid), HY_DB_NONE);
    /* Its own date: gone at expires_at; the lifetime cap: made before made_since. */
    assert_int_equal(s->ops->token_get(s, "t2", 5000, 0, uid), HY_DB_NONE);
    assert_int_equal(s->ops->token_get(s, "t1", 999999, 1000, uid), HY_DB_ONE);
    assert_int_equal(s->ops->token_get(s, "t1", 999999, 1001, uid), HY_DB_NONE);
    assert_string_equal(uid, ID_MARYAM);
    commit(s);

    /* A token's last use: never, then recorded; an unknown hash has none. */
    int64_t used = -1;
    assert_int_equal(s->ops->token_last_used(s, "t1", &used), HY_DB_ONE);
    assert_int_equal(used, 0);
    assert_int_equal(s->ops->token_touch(s, "t1", 1234), HY_DB_ONE);
    assert_int_equal(s->ops->token_touch(s, "nope", 1234), HY_DB_NONE);
    assert_int_equal(s->ops->token_last_used(s, "t1", &used), HY_DB_ONE);
    assert_int_equal(used, 1234);
    assert_int_equal(s->ops->token_last_used(s, "nope", &used), HY_DB_NONE);

    assert_int_equal(s->ops->session_touch(s, "h1", 1500), HY_DB_ONE);
    assert_int_equal(s->ops->session_touch(s, "nope", 1500), HY_DB_NONE);
    assert_int_equal(s->ops->session_get(s, "h1", a, &se), HY_DB_ONE);
    assert_int_equal(se.created_at, 1000);
    assert_int_equal(se.last_seen, 1500);
    assert_int_equal(se.expires_at, 2000);

    assert_int_equal(s->ops->session_delete(s, "h1"), HY_DB_ONE);
    assert_int_equal(s->ops->session_delete(s, "h1"), HY_DB_NONE);
    assert_int_equal(s->ops->session_get(s, "h1", a, &se), HY_DB_NONE);
    begin_write(s);
    assert_int_equal(s->ops->session_delete_user(s, ID_MARYAM), 2); /* h2, h3 */
    assert_int_equal(s->ops->session_delete_user(s, ID_MARYAM), 0);
    assert_int_equal(s->ops->session_delete_user(s, ID_NOBODY), 0);
    commit(s);
    assert_int_equal(s->ops->session_get(s, "h2", a, &se), HY_DB_NONE);
    assert_int_equal(s->ops->session_get(s, "h4", a, &se), HY_DB_ONE);
    assert_string_equal(se.user_id, ID_REZA);
    hy_arena_free(a);
}

struct session_tx {
    const char *user;
};

static int tx_session_for(hy_store *s, void *ctx) {
    const struct session_tx *t = ctx;
    return s->ops->session_insert(s, "orphan", t->user, "c", 1, 2);
}

/* A session or token for a user that does not exist is a hard error (foreign key). */
static void test_sessions_need_user(void **state) {
    struct fx *f = *state;
    struct session_tx t = {ID_NOBODY};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_session_for, &t), HY_DB_HARD);
    hy_store *s = conn(f);
    hy_arena *a = hy_arena_new(0);
    struct hy_session se;
    assert_int_equal(s->ops->session_get(s, "orphan", a, &se), HY_DB_NONE);
    hy_arena_free(a);
}

struct rate_tx {
    const char *key;
    int64_t now, window, count;
};

static int tx_rate(hy_store *s, void *ctx) {
    struct rate_tx *t = ctx;
    return s->ops->rate_hit(s, t->key, t->now, t->window, &t->count);
}

static int64_t rate_hit(struct fx *f, const char *key, int64_t now, int64_t window) {
    struct rate_tx t = {key, now, window, -1};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_rate, &t), HY_DB_ONE);
    return t.count;
}

static void test_rate_limits(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    /* A window of 60 s opened at 1000 ends at 1060. */
    assert_int_equal(rate_hit(f, "login:+989121234567", 1000, 60), 1);
    assert_int_equal(rate_hit(f, "login:+989121234567", 1030, 60), 2);
    assert_int_equal(rate_hit(f, "login:+989121234567", 1059, 60), 3);
    assert_int_equal(rate_hit(f, "login:+989121234567", 1060, 60), 1); /* a new window */
    assert_int_equal(rate_hit(f, "login:+989121234567", 1061, 60), 2);
    assert_int_equal(rate_hit(f, "login:+989121234567", 1119, 60), 3);
    assert_int_equal(rate_hit(f, "login:+989121234567", 5000, 60), 1); /* long after */
    /* Keys are independent; Persian keys work. */
    assert_int_equal(rate_hit(f, "ip:192.0.2.1", 1000, 60), 1);
    assert_int_equal(rate_hit(f, "ثبت‌نام:ip", 1000, 3600), 1);
    assert_int_equal(rate_hit(f, "ثبت‌نام:ip", 4599, 3600), 2);
    /* Clearing: ONE, then NONE; the next hit starts over. */
    assert_int_equal(s->ops->rate_clear(s, "login:+989121234567"), HY_DB_ONE);
    assert_int_equal(s->ops->rate_clear(s, "login:+989121234567"), HY_DB_NONE);
    assert_int_equal(rate_hit(f, "login:+989121234567", 5001, 60), 1);
    assert_int_equal(rate_hit(f, "ip:192.0.2.1", 1001, 60), 2);
    /* A read transaction cannot count. */
    struct rate_tx ro = {"ip:192.0.2.1", 1002, 60, -1};
    assert_true(hy_db_run(f->db, HY_TX_READ, tx_rate, &ro) < 0);
    assert_int_equal(ro.count, -1);
    assert_int_equal(rate_hit(f, "ip:192.0.2.1", 1003, 60), 3);
}

static void test_audit_log(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    static const struct {
        const char *actor, *action, *subject, *detail;
    } e[] = {
        {NULL, "login_failed", NULL, "phone"},
        {ID_MARYAM, "login", ID_MARYAM, ""},
        {ID_REZA, "volunteer_approved", ID_MARYAM, "تأیید شد"},
        {NULL, "signup", ID_SARA, NULL},
        {ID_REZA, "role_changed", ID_SARA, "volunteer→editor"},
        {ID_SARA, "logout", NULL, NULL},
        {NULL, "purge", NULL, "۳ نشست"},
    };
    enum { NE = sizeof e / sizeof e[0] };
    begin_write(s);
    for (int i = 0; i < NE; i++)
        assert_int_equal(
            s->ops->audit_insert(s, 100 + i, e[i].actor, e[i].action, e[i].subject, e[i].detail),
            HY_DB_ONE);
    commit(s);

    hy_arena *a = hy_arena_new(0);
    struct hy_audit_entry *got = NULL;
    int64_t before = 0, last_id = INT64_MAX;
    int seen = 0;
    begin_read(s);
    for (int page = 0; page < 4; page++) {
        int n = s->ops->audit_list(s, before, 3, a, &got);
        assert_int_equal(n, page < 2 ? 3 : page == 2 ? 1 : 0);
        for (int i = 0; i < n; i++, seen++) {
            int k = NE - 1 - seen; /* newest first */
            assert_true(got[i].id < last_id);
            last_id = got[i].id;
            assert_int_equal(got[i].at, 100 + k);
            assert_str_or_null(got[i].actor_id, e[k].actor, "actor_id");
            assert_string_equal(got[i].action, e[k].action);
            assert_str_or_null(got[i].subject_id, e[k].subject, "subject_id");
            assert_string_equal(got[i].detail, e[k].detail ? e[k].detail : "");
        }
        if (n) before = got[n - 1].id;
    }
    assert_int_equal(seen, NE);
    /* limit 0: the default (50), all of them. */
    assert_int_equal(s->ops->audit_list(s, 0, 0, a, &got), NE);
    assert_string_equal(got[0].action, "purge");
    assert_string_equal(got[NE - 1].action, "login_failed");
    /* before = the newest id: all but the newest. */
    int64_t newest = got[0].id;
    assert_int_equal(s->ops->audit_list(s, newest, 50, a, &got), NE - 1);
    assert_string_equal(got[0].action, "logout");
    commit(s);
    hy_arena_free(a);
}

static void test_password_resets(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user ua =
        mk_user(ID_MARYAM, "maryam@example.org", NULL, "مریم", "volunteer", "approved", 1);
    struct hy_user ub = mk_user(ID_REZA, NULL, "+989351112233", "رضا", "admin", "approved", 2);
    insert_user(f, &ua, NULL);
    insert_user(f, &ub, NULL);
    begin_write(s);
    assert_int_equal(s->ops->reset_insert(s, "r1", ID_MARYAM, 2000), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "r1", ID_REZA, 3000), HY_DB_NONE); /* taken */
    assert_int_equal(s->ops->reset_insert(s, "r2", ID_REZA, 1500), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "r3", ID_REZA, 1500), HY_DB_ONE);
    commit(s);

    char uid[HY_ID_LEN + 1] = "untouched";
    /* Expired when now >= expires_at. */
    assert_int_equal(s->ops->reset_take(s, "r1", 2000, uid), HY_DB_NONE);
    assert_string_equal(uid, "untouched");
    begin_write(s);
    assert_int_equal(s->ops->reset_take(s, "r1", 1999, uid), HY_DB_ONE);
    assert_string_equal(uid, ID_MARYAM);
    snprintf(uid, sizeof uid, "untouched");
    assert_int_equal(s->ops->reset_take(s, "r1", 1999, uid), HY_DB_NONE); /* taken already */
    assert_string_equal(uid, "untouched");
    commit(s);
    assert_int_equal(s->ops->reset_take(s, "r2", 1600, uid), HY_DB_NONE);
    assert_int_equal(s->ops->reset_take(s, "nope", 0, uid), HY_DB_NONE);
    assert_string_equal(uid, "untouched");
    assert_int_equal(s->ops->reset_take(s, "r3", 1499, uid), HY_DB_ONE);
    assert_string_equal(uid, ID_REZA);
    assert_int_equal(s->ops->reset_take(s, "r3", 1499, uid), HY_DB_NONE);
}

/* One valid reset code per account: revoking a user's codes also drops the reset messages to
 * them that are not delivered yet, and nothing of anybody else; an expired code's message is
 * given up with its payload erased. */
static void test_reset_revoke_expire(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user ua =
        mk_user(ID_MARYAM, "maryam@example.org", "+989121234567", "مریم", "volunteer", "approved", 1);
    struct hy_user ub = mk_user(ID_REZA, NULL, "+989351112233", "رضا", "admin", "approved", 2);
    insert_user(f, &ua, NULL);
    insert_user(f, &ub, NULL);
    static const struct hy_outbox_message m[] = {
        {100, "+989121234567", "sms", "fa", "password_reset", "{\"token\":\"a1\"}"},
        {110, "maryam@example.org", "email", "fa", "password_reset", "{\"token\":\"a2\"}"},
        {120, "+989121234567", "sms", "fa", "request_claimed", "{\"x\":1}"},
        {130, "+989351112233", "sms", "fa", "password_reset", "{\"token\":\"b1\"}"},
        {5000, "+989351112233", "sms", "fa", "password_reset", "{\"token\":\"b2\"}"},
    };
    begin_write(s);
    assert_int_equal(s->ops->reset_insert(s, "ra", ID_MARYAM, 9000), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "rb", ID_MARYAM, 9000), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "rc", ID_REZA, 9000), HY_DB_ONE);
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        assert_int_equal(s->ops->outbox_insert(s, &m[i]), HY_DB_ONE);
    assert_int_equal(s->ops->reset_revoke_user(s, ID_MARYAM), 2);
    assert_int_equal(s->ops->reset_revoke_user(s, ID_MARYAM), 0);
    commit(s);
    char uid[HY_ID_LEN + 1];
    assert_int_equal(s->ops->reset_take(s, "ra", 1000, uid), HY_DB_NONE);
    assert_int_equal(s->ops->reset_take(s, "rb", 1000, uid), HY_DB_NONE);
    hy_arena *a = hy_arena_new(0);
    struct hy_outbox_message *got = NULL;
    begin_read(s);
    assert_int_equal(s->ops->outbox_list(s, "+989121234567", 10, a, &got), 1);
    assert_string_equal(got[0].template_name, "request_claimed");
    assert_int_equal(s->ops->outbox_list(s, "maryam@example.org", 10, a, &got), 0);
    assert_int_equal(s->ops->outbox_list(s, "+989351112233", 10, a, &got), 2);
    commit(s);
    /* Reza's message of 130 is older than 1000: given up and erased; the one of 5000 stays. */
    begin_write(s);
    assert_int_equal(s->ops->reset_outbox_expire(s, 1000, 1000), 1);
    assert_int_equal(s->ops->reset_outbox_expire(s, 1000, 1000), 0);
    commit(s);
    begin_read(s);
    assert_int_equal(s->ops->outbox_list(s, "+989351112233", 10, a, &got), 2);
    assert_int_equal(got[0].created_at, 5000);
    assert_string_equal(got[0].payload, "{\"token\":\"b2\"}");
    assert_int_equal(got[1].created_at, 130);
    assert_string_equal(got[1].payload, "{}");
    commit(s);
    /* The given-up message is not sent any more. */
    struct hy_outbox_item *items = NULL;
    begin_write(s);
    int n = s->ops->requests->outbox_take(s, 6000, 6300, 10, a, &items);
    assert_int_equal(n, 2);
    bool saw_b2 = false;
    for (int i = 0; i < n; i++) {
        assert_string_not_equal(items[i].payload, "{}");
        if (!strcmp(items[i].payload, "{\"token\":\"b2\"}")) saw_b2 = true;
    }
    assert_true(saw_b2);
    /* Delivered or given up: the payload is erased. */
    assert_int_equal(s->ops->requests->outbox_sent(s, items[0].id, 6001), HY_DB_ONE);
    assert_int_equal(s->ops->requests->outbox_retry(s, items[1].id, 6100, true, "refused"), HY_DB_ONE);
    commit(s);
    begin_read(s);
    assert_int_equal(s->ops->outbox_list(s, "+989121234567", 10, a, &got), 1);
    assert_string_equal(got[0].payload, "{}");
    assert_int_equal(s->ops->outbox_list(s, "+989351112233", 10, a, &got), 2);
    assert_string_equal(got[0].payload, "{}");
    assert_string_equal(got[1].payload, "{}");
    commit(s);
    hy_arena_free(a);
}

static void test_outbox(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    static const struct hy_outbox_message m[] = {
        {100, "+989121234567", "sms", "fa", "signup_code", "{\"code\":\"۱۲۳۴۵۶\"}"},
        {200, "+989121234567", "sms", "fa", "approved", "{\"name\":\"مریم\"}"},
        {300, "maryam@example.org", "email", "en", "reset", "{\"link\":\"https://x/r\"}"},
        {400, "+989121234567", "sms", "en", "reminder", "{}"},
    };
    begin_write(s);
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        assert_int_equal(s->ops->outbox_insert(s, &m[i]), HY_DB_ONE);
    commit(s);
    hy_arena *a = hy_arena_new(0);
    struct hy_outbox_message *got = NULL;
    begin_read(s);
    assert_int_equal(s->ops->outbox_list(s, "+989121234567", 2, a, &got), 2);
    static const size_t order[] = {3, 1, 0};
    for (size_t i = 0; i < 2; i++) {
        const struct hy_outbox_message *w = &m[order[i]];
        assert_int_equal(got[i].created_at, w->created_at);
        assert_string_equal(got[i].recipient, w->recipient);
        assert_string_equal(got[i].channel, w->channel);
        assert_string_equal(got[i].language, w->language);
        assert_string_equal(got[i].template_name, w->template_name);
        assert_string_equal(got[i].payload, w->payload);
    }
    assert_int_equal(s->ops->outbox_list(s, "+989121234567", 0, a, &got), 3); /* default 10 */
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(got[i].payload, m[order[i]].payload);
    assert_int_equal(s->ops->outbox_list(s, "maryam@example.org", 5, a, &got), 1);
    assert_string_equal(got[0].template_name, "reset");
    assert_int_equal(s->ops->outbox_list(s, "nobody", 5, a, &got), 0);
    commit(s);
    hy_arena_free(a);
}

/* The per-recipient cap: at most N messages to one recipient in any hour; the excess is kept
 * only as a count, without recipient or payload. */
static void test_outbox_cap(void **state) {
    struct fx *f = *state;
    hy_db_set_outbox_cap(f->db, 2);
    hy_store *s = conn(f);
    assert_int_equal(s->outbox_per_hour, 2);
    const char *to = "+989121110000";
    struct hy_outbox_message m = {1000, to, "sms", "fa", "request_received", "{\"code\":\"X\"}"};
    static const struct {
        int64_t at;
        const char *to;
        int want;
    } steps[] = {
        {1000, "+989121110000", HY_DB_ONE},  {1100, "+989121110000", HY_DB_ONE},
        {1200, "+989121110000", HY_DB_NONE}, {1300, "+989121110001", HY_DB_ONE},
        {4599, "+989121110000", HY_DB_NONE}, /* 1000 and 1100 are still within the hour */
        {4650, "+989121110000", HY_DB_ONE},  /* 1000 is not */
        {4700, "+989121110000", HY_DB_ONE},  /* nor 1100 */
        {4701, "+989121110000", HY_DB_NONE},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        m.created_at = steps[i].at;
        m.recipient = steps[i].to;
        begin_write(s);
        assert_int_equal(s->ops->outbox_insert(s, &m), steps[i].want);
        commit(s);
    }
    hy_arena *a = hy_arena_new(0);
    struct hy_outbox_message *got = NULL;
    begin_read(s);
    assert_int_equal(s->ops->outbox_list(s, to, 10, a, &got), 4);
    assert_int_equal(s->ops->outbox_list(s, "", 10, a, &got), 3); /* dropped: no recipient */
    for (size_t i = 0; i < 3; i++) assert_string_equal(got[i].payload, "{}");
    int64_t c[HY_OUTBOX_STATES] = {0};
    assert_int_equal(s->ops->requests->outbox_counts(s, c), HY_DB_ONE);
    assert_int_equal(c[0], 5); /* pending */
    assert_int_equal(c[4], 3); /* dropped */
    commit(s);
    hy_arena_free(a);
    /* 0: no cap */
    hy_db_set_outbox_cap(f->db, 0);
    s = conn(f);
    m.created_at = 4702;
    m.recipient = to;
    begin_write(s);
    assert_int_equal(s->ops->outbox_insert(s, &m), HY_DB_ONE);
    commit(s);
    hy_db_set_outbox_cap(f->db, HY_OUTBOX_PER_HOUR_DEFAULT);
}

/* ---- one script, both stores, one transcript ---- */

struct tr {
    char *p;
    size_t n, cap;
};

static void trf(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trf(struct tr *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(need >= 0);
    if (t->n + (size_t)need + 1 > t->cap) {
        size_t cap = (t->n + (size_t)need + 1) * 2;
        char *p = realloc(t->p, cap);
        assert_non_null(p);
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)need;
}

#define S(x) ((x) ? (x) : "(null)")

static void tr_user(struct tr *t, const char *what, int r, const struct hy_user *u) {
    trf(t, "%s -> %d", what, r);
    if (r == HY_DB_ONE)
        trf(t, " id=%s email=%s phone=%s name=%s hash=%s role=%s status=%s lang=%s c=%lld u=%lld",
            u->id, S(u->email), S(u->phone), S(u->name), S(u->password_hash), S(u->role),
            S(u->status), S(u->language), (long long)u->created_at, (long long)u->updated_at);
    trf(t, "\n");
}

/* Runs a fixed sequence of calls covering every accounts function on `db` (migrated, empty)
 * and writes each call's status and outputs to `t`. */
static void accounts_script(hy_db *db, struct tr *t) {
    hy_store *s = hy_db_conn(db);
    assert_non_null(s);
    hy_arena *a = hy_arena_new(0);
    assert_non_null(a);
    char line[128];
    struct hy_volunteer vols[] = {
        {.has_area = true,
         .lat = 35.68920000000001,
         .lon = -51.3890,
         .radius_km = 0.1,
         .skills = "[\"کمک‌های اولیه\"]",
         .languages = "[\"fa\"]",
         .availability = "شب‌ها"},
        {.has_area = false, .lat = 12, .lon = 34, .radius_km = 1e-7},
        {.has_area = true, .lat = -0.0, .lon = 179.99999999999997, .radius_km = 1e6},
    };

    /* Users: the list users, with profiles for some, then collisions and refusals. */
    s->ops->begin(s, HY_TX_WRITE);
    for (size_t i = 0; i < N_LIST_USERS; i++) {
        struct hy_user u = list_user(i);
        if (i == 2) u.password_hash = NULL;
        if (i == 3) u.language = "en";
        int r = s->ops->user_insert(s, &u, i < 3 ? &vols[i] : NULL);
        trf(t, "user_insert %zu -> %d\n", i, r);
    }
    for (size_t i = 0; i < N_LIST_USERS; i++) {
        struct hy_user u = list_user(i);
        u.name = "dup";
        u.id[0] = '9'; /* a fresh id, a taken e-mail or phone */
        trf(t, "user_insert dup %zu -> %d\n", i, s->ops->user_insert(s, &u, &vols[0]));
        struct hy_user same_id = list_user(i);
        same_id.name = "dup";
        same_id.email = "fresh@example.org";
        same_id.phone = NULL;
        trf(t, "user_insert same id %zu -> %d\n", i, s->ops->user_insert(s, &same_id, &vols[1]));
    }
    trf(t, "commit -> %d\n", s->ops->commit(s));
    static const char *const bad[][3] = {{NULL, "volunteer", "pending"},
                                         {"x@example.org", "root", "pending"},
                                         {"x@example.org", "volunteer", "gone"}};
    for (size_t i = 0; i < 3; i++) {
        struct hy_user u = mk_user(ID_NOBODY, bad[i][0], NULL, "bad", bad[i][1], bad[i][2], 1);
        s->ops->begin(s, HY_TX_WRITE);
        trf(t, "user_insert bad %zu -> %d\n", i, s->ops->user_insert(s, &u, NULL));
        s->ops->rollback(s);
    }

    /* Reads. */
    s->ops->begin(s, HY_TX_READ);
    for (size_t i = 0; i < N_LIST_USERS; i++) {
        struct hy_user u;
        snprintf(line, sizeof line, "user_get %s", list_users[i].id);
        tr_user(t, line, s->ops->user_get(s, list_users[i].id, a, &u), &u);
        const char *logins[] = {list_users[i].email, list_users[i].phone};
        for (int k = 0; k < 2; k++) {
            if (!logins[k]) continue;
            snprintf(line, sizeof line, "user_by_login %s", logins[k]);
            tr_user(t, line, s->ops->user_by_login(s, logins[k], a, &u), &u);
        }
        struct hy_volunteer v;
        int r = s->ops->volunteer_get(s, list_users[i].id, a, &v);
        trf(t, "volunteer_get %zu -> %d", i, r);
        if (r == HY_DB_ONE)
            trf(t, " id=%s area=%d lat=%.17g lon=%.17g r=%.17g skills=%s langs=%s avail=%s",
                v.user_id, v.has_area, v.lat, v.lon, v.radius_km, S(v.skills), S(v.languages),
                S(v.availability));
        trf(t, "\n");
    }
    struct hy_user u;
    tr_user(t, "user_get nobody", s->ops->user_get(s, ID_NOBODY, a, &u), &u);
    tr_user(t, "user_by_login nobody", s->ops->user_by_login(s, "nobody@x", a, &u), &u);
    static const char *const filters[][2] = {{NULL, NULL},           {"volunteer", NULL},
                                             {NULL, "approved"},     {"volunteer", "pending"},
                                             {"editor", "approved"}, {"admin", "pending"}};
    static const size_t pages[][2] = {{0, 0}, {3, 0}, {3, 3}, {3, 6}, {1, 8}, {4, 100}};
    for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++)
        for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
            struct hy_user_filter flt = {filters[k][0], filters[k][1], pages[p][0], pages[p][1]};
            struct hy_user *users = NULL;
            size_t total = 0;
            int n = s->ops->user_list(s, &flt, a, &users, &total);
            trf(t, "user_list %s/%s %zu+%zu -> %d total %zu:", S(filters[k][0]), S(filters[k][1]),
                pages[p][0], pages[p][1], n, total);
            for (int i = 0; i < n; i++)
                trf(t, " %s", users[i].id);
            trf(t, "\n");
        }
    trf(t, "commit -> %d\n", s->ops->commit(s));

    /* Updates, then the rows again. */
    const char *id0 = list_users[0].id, *id1 = list_users[1].id;
    trf(t, "set_status -> %d\n", s->ops->user_set_status(s, id0, "suspended", 7000));
    trf(t, "set_role -> %d\n", s->ops->user_set_role(s, id0, "coordinator", 7001));
    trf(t, "set_password -> %d\n", s->ops->user_set_password(s, id0, NULL, 7002));
    trf(t, "set_password -> %d\n", s->ops->user_set_password(s, id1, "$argon2id$new", 7003));
    trf(t, "set_profile -> %d\n", s->ops->user_set_profile(s, id1, "نام نو", "en", 7004));
    trf(t, "set_status none -> %d\n", s->ops->user_set_status(s, ID_NOBODY, "approved", 1));
    trf(t, "set_role none -> %d\n", s->ops->user_set_role(s, ID_NOBODY, "admin", 1));
    trf(t, "set_password none -> %d\n", s->ops->user_set_password(s, ID_NOBODY, "h", 1));
    trf(t, "set_profile none -> %d\n", s->ops->user_set_profile(s, ID_NOBODY, "n", "fa", 1));
    s->ops->begin(s, HY_TX_WRITE);
    trf(t, "set_status bad -> %d\n", s->ops->user_set_status(s, id0, "gone", 1));
    s->ops->rollback(s);
    tr_user(t, "user_get 0", s->ops->user_get(s, id0, a, &u), &u);
    tr_user(t, "user_get 1", s->ops->user_get(s, id1, a, &u), &u);

    /* Sessions and tokens. */
    s->ops->begin(s, HY_TX_WRITE);
    for (int i = 0; i < 5; i++) {
        char h[16];
        snprintf(h, sizeof h, "s%d", i % 4);
        trf(t, "session_insert %d -> %d\n", i,
            s->ops->session_insert(s, h, i % 2 ? id1 : id0, "csrf", 100 + i, 200 + i));
    }
    struct hy_api_token k1 = tok(1, id0, "ابزار", 5, 0), k1b = tok(3, id1, NULL, 6, 0),
                        k2 = tok(2, id1, NULL, 7, 500);
    trf(t, "token_insert -> %d\n", s->ops->token_insert(s, "t1", &k1));
    trf(t, "token_insert dup -> %d\n", s->ops->token_insert(s, "t1", &k1b));
    trf(t, "token_insert -> %d\n", s->ops->token_insert(s, "t2", &k2));
    trf(t, "commit -> %d\n", s->ops->commit(s));
    trf(t, "session_touch -> %d\n", s->ops->session_touch(s, "s0", 150));
    trf(t, "session_touch none -> %d\n", s->ops->session_touch(s, "sx", 150));
    for (int i = 0; i < 5; i++) {
        char h[16];
        snprintf(h, sizeof h, "s%d", i);
        struct hy_session se;
        int r = s->ops->session_get(s, h, a, &se);
        trf(t, "session_get %s -> %d", h, r);
        if (r == HY_DB_ONE)
            trf(t, " %s %s %lld %lld %lld", se.user_id, se.csrf, (long long)se.created_at,
                (long long)se.last_seen, (long long)se.expires_at);
        trf(t, "\n");
    }
    trf(t, "session_delete -> %d\n", s->ops->session_delete(s, "s1"));
    trf(t, "session_delete again -> %d\n", s->ops->session_delete(s, "s1"));
    trf(t, "session_delete_user -> %d\n", s->ops->session_delete_user(s, id0));
    trf(t, "session_delete_user again -> %d\n", s->ops->session_delete_user(s, id0));
    trf(t, "session_delete_user 1 -> %d\n", s->ops->session_delete_user(s, id1));
    char uid[HY_ID_LEN + 1] = "-";
    trf(t, "token_get t1 -> %d", s->ops->token_get(s, "t1", 100, 0, uid));
    trf(t, " %s\n", uid);
    trf(t, "token_get t2 -> %d", s->ops->token_get(s, "t2", 100, 0, uid));
    trf(t, " %s\n", uid);
    snprintf(uid, sizeof uid, "-");
    trf(t, "token_get t3 -> %d %s\n", s->ops->token_get(s, "t3", 100, 0, uid), uid);
    trf(t, "token_get t2 expired -> %d\n", s->ops->token_get(s, "t2", 500, 0, uid));
    {
        struct hy_api_token *list = NULL;
        size_t total = 0;
        int n = s->ops->token_list(s, NULL, 10, 0, a, &list, &total);
        trf(t, "token_list -> %d of %zu\n", n, total);
        for (int i = 0; i < n; i++)
            trf(t, "  %s %s '%s' %lld %lld\n", list[i].id, list[i].user_id, list[i].name,
                (long long)list[i].created_at, (long long)list[i].expires_at);
        n = s->ops->token_list(s, id1, 10, 0, a, &list, &total);
        trf(t, "token_list id1 -> %d of %zu\n", n, total);
        char owner[HY_ID_LEN + 1] = "-";
        trf(t, "token_revoke wrong owner -> %d\n", s->ops->token_revoke(s, k2.id, id0, owner));
        trf(t, "token_revoke -> %d", s->ops->token_revoke(s, k2.id, id1, owner));
        trf(t, " %s\n", owner);
        trf(t, "token_revoke again -> %d\n", s->ops->token_revoke(s, k2.id, NULL, owner));
        trf(t, "token_revoke_user -> %d\n", s->ops->token_revoke_user(s, id0));
        trf(t, "token_revoke_user again -> %d\n", s->ops->token_revoke_user(s, id0));
        trf(t, "token_get t1 revoked -> %d\n", s->ops->token_get(s, "t1", 100, 0, uid));
    }

    /* Rate limits: windows of 10 s, hits at varied times, two keys, a clear. */
    static const int64_t times[] = {0, 1, 9, 10, 11, 19, 20, 35, 36, 100, 100, 109, 110};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        int64_t c = -1;
        const char *key = i % 3 == 2 ? "k:ب" : "k:a";
        int r = s->ops->rate_hit(s, key, times[i], 10, &c);
        trf(t, "rate_hit %s %lld -> %d %lld\n", key, (long long)times[i], r, (long long)c);
        if (i == 8) {
            trf(t, "rate_clear -> %d\n", s->ops->rate_clear(s, "k:a"));
            trf(t, "rate_clear again -> %d\n", s->ops->rate_clear(s, "k:a"));
        }
    }

    /* Audit log, paged. */
    for (int i = 0; i < 8; i++)
        trf(t, "audit_insert -> %d\n",
            s->ops->audit_insert(s, 1000 + i, i % 3 ? id0 : NULL, i % 2 ? "login" : "خروج",
                                 i % 4 ? id1 : NULL, i % 5 ? "جزئیات" : NULL));
    int64_t before = 0;
    for (int p = 0; p < 4; p++) {
        struct hy_audit_entry *e = NULL;
        int n = s->ops->audit_list(s, before, 3, a, &e);
        trf(t, "audit_list %lld -> %d\n", (long long)before, n);
        for (int i = 0; i < n; i++)
            trf(t, "  %lld %lld %s %s %s %s\n", (long long)e[i].id, (long long)e[i].at,
                S(e[i].actor_id), S(e[i].action), S(e[i].subject_id), S(e[i].detail));
        if (n) before = e[n - 1].id;
    }

    /* Password resets. */
    trf(t, "reset_insert -> %d\n", s->ops->reset_insert(s, "r1", id0, 50));
    trf(t, "reset_insert dup -> %d\n", s->ops->reset_insert(s, "r1", id1, 60));
    trf(t, "reset_insert -> %d\n", s->ops->reset_insert(s, "r2", id1, 60));
    static const struct {
        const char *h;
        int64_t now;
    } takes[] = {{"r1", 50}, {"r1", 49}, {"r1", 0}, {"r2", 61}, {"r2", 59}, {"rx", 0}};
    for (size_t i = 0; i < sizeof takes / sizeof takes[0]; i++) {
        snprintf(uid, sizeof uid, "-");
        int r = s->ops->reset_take(s, takes[i].h, takes[i].now, uid);
        trf(t, "reset_take %s %lld -> %d %s\n", takes[i].h, (long long)takes[i].now, r, uid);
    }

    /* Outbox. */
    for (int i = 0; i < 4; i++) {
        struct hy_outbox_message m = {10 + i,
                                      i == 2 ? "x@example.org" : "+989120000002",
                                      i == 2 ? "email" : "sms",
                                      i ? "fa" : "en",
                                      "tpl",
                                      i == 1 ? "{\"متن\":\"سلام\"}" : "{}"};
        trf(t, "outbox_insert -> %d\n", s->ops->outbox_insert(s, &m));
    }
    static const char *const rcpt[] = {"+989120000002", "x@example.org", "nobody"};
    for (size_t i = 0; i < 3; i++) {
        struct hy_outbox_message *m = NULL;
        int n = s->ops->outbox_list(s, rcpt[i], 2, a, &m);
        trf(t, "outbox_list %s -> %d\n", rcpt[i], n);
        for (int k = 0; k < n; k++)
            trf(t, "  %lld %s %s %s %s %s\n", (long long)m[k].created_at, m[k].recipient,
                m[k].channel, m[k].language, m[k].template_name, m[k].payload);
    }
    assert_false(s->ops->in_transaction(s));
    hy_arena_free(a);
}

/* A migrated SQLite store in a temporary file; *path receives the file's name. */
static hy_db *open_sqlite_temp(char path[64]) {
    snprintf(path, 64, "/tmp/hy-conformance-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[80];
    snprintf(url, sizeof url, "sqlite:%s", path);
    hy_db *db = NULL;
    char *err = NULL;
    if (hy_db_open(url, &db, &err) < 0) fail_msg("hy_db_open: %s", err ? err : "?");
    hy_store *s = hy_db_conn(db);
    int v = 0;
    assert_int_equal(s->ops->migrate(s, &v), HY_DB_ONE);
    return db;
}

static void remove_sqlite_files(const char *path) {
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Prints the first line where two transcripts differ. */
static void assert_same_transcript(const char *sq, const char *pg) {
    if (strcmp(sq, pg) == 0) return;
    size_t line = 1, i = 0, start = 0;
    while (sq[i] && sq[i] == pg[i]) {
        if (sq[i] == '\n') line++, start = i + 1;
        i++;
    }
    int sl = (int)strcspn(sq + start, "\n"), pl = (int)strcspn(pg + start, "\n");
    fail_msg("transcripts differ at line %zu:\n  sqlite:   %.*s\n  postgres: %.*s", line, sl,
             sq + start, pl, pg + start);
}

/* The same script on a SQLite store and on this run's store: the same transcript. Under the
 * SQLite run both sides are SQLite (a check that the script is deterministic). */
static void test_accounts_transcript(void **state) {
    struct fx *f = *state;
    char path[64];
    hy_db *sq = open_sqlite_temp(path);
    struct tr a = {0}, b = {0};
    accounts_script(sq, &a);
    hy_db_close(sq);
    remove_sqlite_files(path);
    accounts_script(f->db, &b);
    assert_non_null(a.p);
    assert_non_null(b.p);
    assert_true(a.n > 4000); /* the script ran */
    assert_same_transcript(a.p, b.p);
    free(a.p);
    free(b.p);
}

/* ---- the two schemas, compared ---- */

struct lines {
    char **v;
    size_t n;
};

static void add_line(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(struct lines *l, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    assert_non_null(v);
    l->v = v;
    l->v[l->n] = strdup(buf);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted lines joined by '\n', malloc()ed; frees the lines. */
static char *join_lines(struct lines *l) {
    qsort(l->v, l->n, sizeof *l->v, cmp_str);
    struct tr t = {0};
    for (size_t i = 0; i < l->n; i++) {
        trf(&t, "%s\n", l->v[i]);
        free(l->v[i]);
    }
    free(l->v);
    return t.p;
}

/* The tables of steps 1 and 2. Later steps (groups, requests …) use engine-specific
 * structures (R*Tree and FTS5 against PostGIS and tsvector) and have tests of their own. */
static bool is_accounts_table(const char *t) {
    static const char *const names[] = {"meta",      "users",           "volunteer_profiles",
                                        "sessions",  "api_tokens",      "rate_limits",
                                        "audit_log", "password_resets", "outbox"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(t, names[i]) == 0) return true;
    return false;
}

static const char *norm_type(const char *t) {
    if (strcasecmp(t, "INTEGER") == 0 || strcmp(t, "bigint") == 0) return "int64";
    if (strcasecmp(t, "TEXT") == 0) return "text";
    if (strcasecmp(t, "REAL") == 0 || strcmp(t, "double precision") == 0) return "float64";
    if (strcasecmp(t, "BOOLEAN") == 0) return "boolean";
    return t;
}

/* SQLite's accounts tables after every step, described as: table, columns (position, name, type,
 * NOT NULL, default), unique column sets (the primary key among them), other indexes, foreign keys.
 * A primary key column counts as NOT NULL (PostgreSQL makes it so; in SQLite only a rowid table's
 * TEXT primary key could hold NULL, which the store never writes), and an INTEGER PRIMARY KEY's
 * default is "auto" (a bigserial in PostgreSQL). */
static char *sqlite_schema(void) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    for (size_t i = 0; i < hy_sqlite_migrations_count; i++) {
        char *err = NULL;
        if (sqlite3_exec(db, hy_sqlite_migrations[i].sql, NULL, NULL, &err) != SQLITE_OK)
            fail_msg("SQLite step %d: %s", hy_sqlite_migrations[i].version, err);
    }
    struct lines l = {0};
    sqlite3_stmt *tables, *q;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%'",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        if (!is_accounts_table(t)) continue;
        add_line(&l, "%s", t);
        int npk = 0;
        char pk[256] = "";
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT cid, name, type, \"notnull\", dflt_value, pk "
                                            "FROM pragma_table_info(?1) ORDER BY cid",
                                            -1, &q, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(q, 1, t, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(q) == SQLITE_ROW)
            if (sqlite3_column_int(q, 5) > 0) npk++;
        sqlite3_reset(q);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(q, 1);
            const char *type = (const char *)sqlite3_column_text(q, 2);
            const char *dflt = (const char *)sqlite3_column_text(q, 4);
            int is_pk = sqlite3_column_int(q, 5);
            bool notnull = sqlite3_column_int(q, 3) || is_pk;
            if (is_pk && npk == 1 && strcasecmp(type, "INTEGER") == 0) dflt = "auto";
            add_line(&l, "%s column %02d %s %s%s default %s", t, sqlite3_column_int(q, 0) + 1, name,
                     norm_type(type), notnull ? " not null" : "", dflt ? dflt : "-");
            if (is_pk) {
                size_t len = strlen(pk);
                snprintf(pk + len, sizeof pk - len, "%s%s", len ? "," : "", name);
            }
        }
        sqlite3_finalize(q);
        struct lines uniq = {0};
        if (*pk) add_line(&uniq, "%s unique (%s)", t, pk);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT l.name, l.\"unique\", l.origin, "
                                            "(SELECT group_concat(name, ',') FROM (SELECT name "
                                            "FROM pragma_index_info(l.name) ORDER BY seqno)) "
                                            "FROM pragma_index_list(?1) l",
                                            -1, &q, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(q, 1, t, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *iname = (const char *)sqlite3_column_text(q, 0);
            const char *cols = (const char *)sqlite3_column_text(q, 3);
            if (sqlite3_column_int(q, 1)) {
                char line[512];
                snprintf(line, sizeof line, "%s unique (%s)", t, cols);
                bool dup = false;
                for (size_t k = 0; k < uniq.n; k++)
                    dup |= strcmp(uniq.v[k], line) == 0;
                if (!dup) add_line(&uniq, "%s", line);
            } else {
                add_line(&l, "%s index %s (%s)", t, iname, cols);
            }
        }
        sqlite3_finalize(q);
        for (size_t k = 0; k < uniq.n; k++) {
            add_line(&l, "%s", uniq.v[k]);
            free(uniq.v[k]);
        }
        free(uniq.v);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT \"from\", \"table\", \"to\", on_delete "
                                            "FROM pragma_foreign_key_list(?1)",
                                            -1, &q, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(q, 1, t, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(q) == SQLITE_ROW)
            add_line(
                &l, "%s foreign key %s -> %s(%s) on delete %s", t,
                (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
                (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3));
        sqlite3_finalize(q);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return join_lines(&l);
}

static PGresult *pg_query(PGconn *c, const char *sql, const char *param) {
    const char *const params[] = {param};
    PGresult *res = PQexecParams(c, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) fail_msg("%s: %s", sql, PQerrorMessage(c));
    return res;
}

/* The same description of the PostgreSQL schema's accounts tables. */
static char *pg_schema(PGconn *c) {
    struct lines l = {0};
    PGresult *tables = pg_query(c,
                                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON "
                                "n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
                                "c.relkind = 'r' AND c.relname NOT IN "
                                "('schema_migrations', 'spatial_ref_sys')",
                                NULL);
    for (int i = 0; i < PQntuples(tables); i++) {
        const char *t = PQgetvalue(tables, i, 0);
        if (!is_accounts_table(t)) continue;
        add_line(&l, "%s", t);
        PGresult *q = pg_query(c,
                               "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),"
                               " a.attnotnull, pg_get_expr(d.adbin, d.adrelid) "
                               "FROM pg_attribute a LEFT JOIN pg_attrdef d ON "
                               "d.adrelid = a.attrelid AND d.adnum = a.attnum "
                               "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND "
                               "NOT a.attisdropped",
                               t);
        for (int k = 0; k < PQntuples(q); k++) {
            char dflt[256];
            if (PQgetisnull(q, k, 4))
                snprintf(dflt, sizeof dflt, "-");
            else if (strncmp(PQgetvalue(q, k, 4), "nextval(", 8) == 0)
                snprintf(dflt, sizeof dflt, "auto");
            else {
                snprintf(dflt, sizeof dflt, "%s", PQgetvalue(q, k, 4));
                size_t n = strlen(dflt);
                if (n > 6 && strcmp(dflt + n - 6, "::text") == 0) dflt[n - 6] = '\0';
            }
            add_line(&l, "%s column %02d %s %s%s default %s", t, (int)strtol(PQgetvalue(q, k, 0), NULL, 10),
                     PQgetvalue(q, k, 1), norm_type(PQgetvalue(q, k, 2)),
                     PQgetvalue(q, k, 3)[0] == 't' ? " not null" : "", dflt);
        }
        PQclear(q);
        q = pg_query(c,
                     "SELECT x.indexrelid::regclass::text, x.indisunique, "
                     "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM "
                     "unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a "
                     "ON a.attrelid = x.indrelid AND a.attnum = k.attnum) "
                     "FROM pg_index x WHERE x.indrelid = $1::regclass",
                     t);
        for (int k = 0; k < PQntuples(q); k++) {
            if (PQgetvalue(q, k, 1)[0] == 't')
                add_line(&l, "%s unique (%s)", t, PQgetvalue(q, k, 2));
            else
                add_line(&l, "%s index %s (%s)", t, PQgetvalue(q, k, 0), PQgetvalue(q, k, 2));
        }
        PQclear(q);
        q = pg_query(c,
                     "SELECT a.attname, c.confrelid::regclass::text, af.attname, "
                     "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' "
                     "WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END "
                     "FROM pg_constraint c "
                     "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                     "JOIN pg_attribute af ON af.attrelid = c.confrelid AND "
                     "af.attnum = c.confkey[1] "
                     "WHERE c.conrelid = $1::regclass AND c.contype = 'f'",
                     t);
        for (int k = 0; k < PQntuples(q); k++)
            add_line(&l, "%s foreign key %s -> %s(%s) on delete %s", t, PQgetvalue(q, k, 0),
                     PQgetvalue(q, k, 1), PQgetvalue(q, k, 2), PQgetvalue(q, k, 3));
        PQclear(q);
    }
    PQclear(tables);
    return join_lines(&l);
}

/* Same tables, columns (types mapped: INTEGER = bigint, REAL = double precision), NOT NULLs,
 * defaults, unique keys, indexes and foreign keys. The CHECK constraints are compared by
 * behaviour (test_user_constraints and the transcript). */
static void test_accounts_schema_matches(void **state) {
    if (!g_pg) skip();
    struct fx *f = *state;
    char *url = uri_with_dbname(g_pg_url, f->dbname);
    assert_non_null(url);
    PGconn *c = PQconnectdb(url);
    free(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    char *sq = sqlite_schema();
    char *pg = pg_schema(c);
    PQfinish(c);
    assert_true(strstr(sq, "users column 01 id text not null default -") != NULL);
    assert_true(strstr(sq, "audit_log column 01 id int64 not null default auto") != NULL);
    int tables = 0; /* lines that are a bare table name: all nine are described */
    for (const char *p = sq; *p; p += strcspn(p, "\n") + 1)
        if (strcspn(p, " \n") == strcspn(p, "\n")) tables++;
    assert_int_equal(tables, 9);
    assert_same_transcript(sq, pg);
    free(sq);
    free(pg);
}

/* ---- PostgreSQL only ---- */

static bool terminate_backends(const char *dbname) {
    const char *const params[] = {dbname};
    return maint_exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                      "WHERE datname = $1 AND pid <> pg_backend_pid()",
                      1, params);
}

struct killer {
    struct fx *f;
    int attempts;
};

/* Loses its connection on the first attempt, mid-transaction. */
static int tx_killed_once(hy_store *s, void *ctx) {
    struct killer *k = ctx;
    if (++k->attempts == 1 && !terminate_backends(k->f->dbname)) return HY_DB_HARD;
    return s->ops->meta_set(s, "x", "3");
}

static void test_pg_reconnect(void **state) {
    if (!g_pg) skip();
    struct fx *f = *state;
    set_meta(f, "x", "1");
    /* Killed between transactions: begin fails, the runner retries on a fresh session. */
    uint64_t retries = hy_db_retries(f->db);
    assert_true(terminate_backends(f->dbname));
    set_meta(f, "x", "2");
    assert_true(hy_db_retries(f->db) > retries);
    assert_meta(f, "x", "2");
    /* Killed inside a transaction: the statement fails softly, the whole run is retried. */
    retries = hy_db_retries(f->db);
    struct killer k = {f, 0};
    assert_int_equal(hy_db_run(f->db, HY_TX_WRITE, tx_killed_once, &k), HY_DB_ONE);
    assert_int_equal(k.attempts, 2);
    assert_true(hy_db_retries(f->db) > retries);
    assert_meta(f, "x", "3");
    /* Statements prepared on the old session are prepared again. */
    int v = -1;
    assert_int_equal(hy_db_run(f->db, HY_TX_READ, tx_schema_version, &v), HY_DB_ONE);
    assert_int_equal(v, newest_version());
}

static void test_pg_error_hides_password(void **state) {
    if (!g_pg) skip();
    static const struct {
        const char *url, *secret;
    } cases[] = {
        {"postgres://hamyari_test:Sesame%2Dopen@127.0.0.1:1/x", "Sesame"},
        {"postgres://hamyari_test:Sesame%zzopen@127.0.0.1:1/x", "Sesame"},
        {"postgres://hamyari_test@127.0.0.1:1/x?password=Sesame&sslmode=bogus", "Sesame"},
        {"postgresql://hamyari_test:Sesame@127.0.0.1:1/x?connect_timeout=bogus", "Sesame"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hy_db *db = (hy_db *)&cases; /* must stay untouched */
        char *err = NULL;
        assert_true(hy_db_open(cases[i].url, &db, &err) < 0);
        assert_ptr_equal(db, (hy_db *)&cases);
        assert_non_null(err);
        if (strstr(err, cases[i].secret)) fail_msg("password in message: %s", err);
        free(err);
    }
}

/* Expired sessions, reset tokens and old rate-limit counters (they name addresses) go; the rest
 * stays. */
static void test_expired_purge(void **state) {
    struct fx *f = *state;
    hy_store *s = conn(f);
    struct hy_user u = mk_user(ID_MARYAM, "maryam@example.org", NULL, "مریم", "volunteer", "approved", 1);
    insert_user(f, &u, NULL);
    int64_t count = 0;
    begin_write(s);
    assert_int_equal(s->ops->session_insert(s, "old", ID_MARYAM, "c1", 1000, 2000), HY_DB_ONE);
    assert_int_equal(s->ops->session_insert(s, "live", ID_MARYAM, "c2", 1000, 9000), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "r-old", ID_MARYAM, 2500), HY_DB_ONE);
    assert_int_equal(s->ops->reset_insert(s, "r-live", ID_MARYAM, 9000), HY_DB_ONE);
    assert_int_equal(s->ops->rate_hit(s, "login:ip:192.0.2.1", 100, 3600, &count), HY_DB_ONE);
    assert_int_equal(s->ops->rate_hit(s, "login:ip:192.0.2.2", 4000, 3600, &count), HY_DB_ONE);
    assert_int_equal(s->ops->rate_hit(s, "login:ip:192.0.2.2", 4001, 3600, &count), HY_DB_ONE);
    assert_int_equal(count, 2);
    commit(s);

    begin_write(s);
    assert_int_equal(s->ops->expired_purge(s, 3000, 1000), HY_DB_ONE);
    commit(s);

    hy_arena *a = hy_arena_new(0);
    struct hy_session se;
    char uid[HY_ID_LEN + 1];
    begin_write(s);
    assert_int_equal(s->ops->session_get(s, "old", a, &se), HY_DB_NONE);
    assert_int_equal(s->ops->session_get(s, "live", a, &se), HY_DB_ONE);
    assert_int_equal(s->ops->reset_take(s, "r-old", 0, uid), HY_DB_NONE);
    assert_int_equal(s->ops->reset_take(s, "r-live", 3000, uid), HY_DB_ONE);
    /* The young counter survived (its third hit counts 3); the old one was deleted. */
    assert_int_equal(s->ops->rate_hit(s, "login:ip:192.0.2.2", 4002, 3600, &count), HY_DB_ONE);
    assert_int_equal(count, 3);
    assert_int_equal(s->ops->rate_clear(s, "login:ip:192.0.2.1"), HY_DB_NONE);
    commit(s);
    hy_arena_free(a);
}


int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") != 0 && strcmp(argv[1], "postgres") != 0)) {
        fprintf(stderr, "usage: %s sqlite|postgres\n", argv[0]);
        return 2;
    }
    g_pg = strcmp(argv[1], "postgres") == 0;
    if (g_pg) {
        g_pg_url = getenv("HY_TEST_PG_URL");
        if (!g_pg_url || !*g_pg_url) {
            printf("HY_TEST_PG_URL is not set: skipping the PostgreSQL store tests "
                   "(start a cluster with scripts/pg-cluster.sh)\n");
            return 77;
        }
        g_maint = PQconnectdb(g_pg_url);
        if (PQstatus(g_maint) != CONNECTION_OK) {
            fprintf(stderr, "cannot connect to HY_TEST_PG_URL: %s", PQerrorMessage(g_maint));
            PQfinish(g_maint);
            return 1;
        }
        PQsetNoticeProcessor(g_maint, quiet, NULL);
        PGresult *res =
            PQexec(g_maint, "SELECT 1 FROM pg_collation WHERE collname = 'en-US-x-icu'");
        g_icu = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
        PQclear(res);
    }


#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_empty, teardown)
#define TM(fn) cmocka_unit_test_setup_teardown(fn, setup_migrated, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uri_with_dbname),
        T(test_migrate_idempotent),
        T(test_migrate_concurrent),
        T(test_schema_version),
        TM(test_meta),
        TM(test_abort_writes_nothing),
        TM(test_soft_is_retried),
        TM(test_retry_budget),
        TM(test_db_stale_thread_slots),
        TM(test_concurrent_increments),
        TM(test_read_cannot_write),
        TM(test_integrity),
        TM(test_utf8),
        TM(test_accounts_ops_complete),
        TM(test_user_insert_get),
        TM(test_user_duplicates),
        TM(test_user_insert_race),
        TM(test_user_constraints),
        TM(test_user_list),
        TM(test_user_updates),
        TM(test_user_update_constraints),
        TM(test_sessions_tokens),
        TM(test_sessions_need_user),
        TM(test_rate_limits),
        TM(test_audit_log),
        TM(test_password_resets),
        TM(test_reset_revoke_expire),
        TM(test_outbox),
        TM(test_outbox_cap),
        TM(test_expired_purge),
        TM(test_accounts_transcript),
        TM(test_accounts_schema_matches),
        TM(test_pg_reconnect),
        cmocka_unit_test(test_pg_error_hides_password),
        cmocka_unit_test(test_pg_migrations_match_sqlite),
    };
    int failed =
        cmocka_run_group_tests_name(g_pg ? "store_postgres" : "store_sqlite", tests, NULL, NULL);
    PQfinish(g_maint);
    return failed ? 1 : 0;
}
