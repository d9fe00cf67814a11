/* store_batch.c — the group-commit writer of store.h (hy_db_run_batched), one contract on both
 * stores.
 *
 *   store_batch sqlite     each test on a fresh temporary SQLite file
 *   store_batch postgres   each test on a fresh database of the cluster at HY_TEST_PG_URL;
 *                          exits 77 (skipped) when the variable is not set
 *
 * Jobs are held back behind a "gate" job (which waits inside the writer until the test has
 * queued the rest), so the rest is known to form one batch. Checks: a job that fails (its own
 * choice, or a statement that fails in the store) undoes only its own work (the batch runs again
 * with savepoints), a batch without failures runs once; a job sees the work
 * of the jobs before it in its batch; a passing conflict reruns the whole batch once, without
 * doing any job's work twice; a conflict that never passes gives every job HY_DB_SOFT; stopping
 * finishes every queued job and refuses later ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/requests.h"
#include "store/requests.h"
#include "store/store.h"

static bool g_pg;
static const char *g_pg_url;
static PGconn *g_maint;

struct fx {
    hy_db *db;
    char path[64];
    char dbname[64];
};

static void quiet(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

static bool maint(const char *before, const char *name, const char *after) {
    char *ident = PQescapeIdentifier(g_maint, name, strlen(name));
    if (!ident) return false;
    char sql[512];
    snprintf(sql, sizeof sql, "%s%s%s", before, ident, after);
    PQfreemem(ident);
    PGresult *res = PQexec(g_maint, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) print_error("%s: %s", sql, PQerrorMessage(g_maint));
    PQclear(res);
    return ok;
}

static char *uri_with_dbname(const char *uri, const char *dbname) {
    const char *p = strstr(uri, "://");
    if (!p) return NULL;
    p += 3;
    const char *path = p + strcspn(p, "/?");
    const char *query = path + strcspn(path, "?");
    size_t head = (size_t)(path - uri), n = head + 1 + strlen(dbname) + strlen(query) + 1;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%.*s/%s%s", (int)head, uri, dbname, query);
    return out;
}

static int setup(void **state) {
    static int counter;
    struct fx *f = calloc(1, sizeof *f);
    *state = f;
    if (!f) return -1;
    char *url;
    if (g_pg) {
        snprintf(f->dbname, sizeof f->dbname, "hy_batch_%ld_%d", (long)getpid(), ++counter);
        if (!maint("CREATE DATABASE ", f->dbname, " TEMPLATE template0 ENCODING 'UTF8'")) {
            f->dbname[0] = '\0';
            return -1;
        }
        url = uri_with_dbname(g_pg_url, f->dbname);
    } else {
        snprintf(f->path, sizeof f->path, "/tmp/hy-batch-XXXXXX");
        int fd = mkstemp(f->path);
        if (fd < 0) return -1;
        close(fd);
        url = malloc(80);
        if (url) snprintf(url, 80, "sqlite:%s", f->path);
    }
    char *err = NULL;
    int r = url ? hy_db_open(url, &f->db, &err) : HY_DB_HARD;
    free(url);
    if (r < 0) {
        print_error("hy_db_open: %s\n", err ? err : "?");
        free(err);
        return -1;
    }
    hy_store *s = hy_db_conn(f->db);
    int v;
    if (s->ops->migrate(s, &v) < 0) return -1;
    return hy_db_batch_start(f->db, 0, 1) == 0 ? 0 : -1;
}

static int teardown(void **state) {
    struct fx *f = *state;
    if (!f) return 0;
    hy_db_close(f->db);
    if (f->dbname[0]) maint("DROP DATABASE ", f->dbname, " WITH (FORCE)");
    if (f->path[0]) {
        char side[80];
        unlink(f->path);
        snprintf(side, sizeof side, "%s-wal", f->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", f->path);
        unlink(side);
    }
    free(f);
    return 0;
}

/* ---- jobs ---- */

enum kind {
    K_SET,        /* meta_set(key, "v") */
    K_SET_FAIL,   /* meta_set(key, "v"), then HY_DB_HARD: the job's own choice */
    K_SET_ABORT,  /* meta_set(key, "v"), then HY_DB_ABORT */
    K_BAD_SQL,    /* meta_set(key, "v"), then a statement the store refuses (NULL value) */
    K_READ,       /* meta_get(key): HY_DB_ONE if present, HY_DB_NONE if not */
    K_HIT,        /* rate_hit(key): counts */
    K_SOFT_ONCE,  /* rate_hit(key), then HY_DB_SOFT on the first attempt only */
    K_SOFT,       /* HY_DB_SOFT always */
    K_GATE,       /* waits until the test opens the gate */
    K_RQ,         /* inserts a help request whose id is made from key (a write sent ahead) */
    K_RQ_DUP,     /* the same insert, which must touch a row: HY_DB_HARD when it did not */
    K_RQ_READ,    /* reads that request: HY_DB_ONE if present, HY_DB_NONE if not */
    K_AUDIT_BAD,  /* an audit entry without an action (NOT NULL): a write that fails */
};

struct job {
    enum kind kind;
    const char *key;
    int attempts;
    int status;
    bool done;
    struct hy_batch_hit *hit; /* counted by the writer first (hy_db_run_batched_hit) */
    const char *order;        /* hy_db_run_batched_in_order */
    int ran;                  /* the place in which the job last ran (g_ran) */
};

static int g_ran; /* jobs run so far, for the order in which they ran */

/* One lock for the gate and the done flags (done callbacks run on the writer thread). */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static bool g_gate_entered, g_gate_open;

/* A request whose id and tracking code are made from `key`. */
static void request_of(const char *key, struct hy_request *r) {
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%032x", (unsigned)key[0] * 131u + (unsigned)strlen(key));
    snprintf(r->tracking_code, sizeof r->tracking_code, "K%s", key);
    r->status = "new";
    r->kind = "groceries";
    r->urgency = "normal";
    r->for_whom = "self";
    r->language = "en";
    r->source = "web";
    r->created_at = 1700000000;
}

static int job_fn(hy_store *s, void *ctx) {
    struct job *j = ctx;
    j->attempts++;
    j->ran = ++g_ran;
    if (j->hit && j->hit->over) return HY_DB_NONE; /* over the limit: write nothing */
    int r;
    int64_t count;
    char *value = NULL;
    switch (j->kind) {
    case K_GATE:
        pthread_mutex_lock(&g_lock);
        g_gate_entered = true;
        pthread_cond_broadcast(&g_cond);
        while (!g_gate_open) pthread_cond_wait(&g_cond, &g_lock);
        pthread_mutex_unlock(&g_lock);
        return s->ops->meta_set(s, j->key, "gate");
    case K_SET:
        return s->ops->meta_set(s, j->key, "v");
    case K_SET_FAIL:
        r = s->ops->meta_set(s, j->key, "v");
        return r < 0 ? r : HY_DB_HARD;
    case K_SET_ABORT:
        r = s->ops->meta_set(s, j->key, "v");
        return r < 0 ? r : HY_DB_ABORT;
    case K_BAD_SQL:
        r = s->ops->meta_set(s, j->key, "v");
        if (r < 0) return r;
        return s->ops->meta_set(s, "bad", NULL); /* NOT NULL: the store refuses it */
    case K_READ:
        r = s->ops->meta_get(s, j->key, &value);
        free(value);
        return r;
    case K_HIT:
        return s->ops->rate_hit(s, j->key, 1000, 3600, &count);
    case K_SOFT_ONCE:
        r = s->ops->rate_hit(s, j->key, 1000, 3600, &count);
        if (r < 0) return r;
        return j->attempts == 1 ? HY_DB_SOFT : HY_DB_ONE;
    case K_SOFT:
        return HY_DB_SOFT;
    case K_RQ:
    case K_RQ_DUP: {
        struct hy_request rq;
        request_of(j->key, &rq);
        struct hy_request_contact c = {.name = "N", .phone = "+989121234567"};
        r = s->ops->requests->insert(s, &rq, &c);
        return r == HY_DB_NONE ? HY_DB_HARD : r;
    }
    case K_RQ_READ: {
        struct hy_request rq, got;
        request_of(j->key, &rq);
        hy_arena *a = hy_arena_new(0);
        r = a ? s->ops->requests->get(s, rq.id, a, &got) : HY_DB_HARD;
        hy_arena_free(a);
        return r;
    }
    case K_AUDIT_BAD:
        r = s->ops->audit_insert(s, 1700000000, NULL, NULL, NULL, NULL);
        return r < 0 ? r : HY_DB_ONE;
    }
    return HY_DB_HARD;
}

static void job_done(void *ctx, int status) {
    struct job *j = ctx;
    pthread_mutex_lock(&g_lock);
    j->status = status;
    j->done = true;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

static void wait_done(struct job *jobs, size_t n) {
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < n; i++)
        while (!jobs[i].done) pthread_cond_wait(&g_cond, &g_lock);
    pthread_mutex_unlock(&g_lock);
}

/* Queues the gate, waits until the writer is inside it, queues `jobs`, opens the gate and
 * waits for everything: `jobs` then ran as one batch of their own. */
static void run_batch(struct fx *f, struct job *jobs, size_t n) {
    static struct job gate;
    gate = (struct job){.kind = K_GATE, .key = "gate"};
    pthread_mutex_lock(&g_lock);
    g_gate_entered = g_gate_open = false;
    pthread_mutex_unlock(&g_lock);
    assert_int_equal(hy_db_run_batched(f->db, job_fn, &gate, job_done), HY_DB_ONE);
    pthread_mutex_lock(&g_lock);
    while (!g_gate_entered) pthread_cond_wait(&g_cond, &g_lock);
    pthread_mutex_unlock(&g_lock);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(jobs[i].order ? hy_db_run_batched_in_order(f->db, job_fn, &jobs[i], job_done, jobs[i].order)
                                       : hy_db_run_batched_hit(f->db, job_fn, &jobs[i], job_done, jobs[i].hit),
                         HY_DB_ONE);
    pthread_mutex_lock(&g_lock);
    g_gate_open = true;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    wait_done(&gate, 1);
    wait_done(jobs, n);
    assert_int_equal(gate.status, HY_DB_ONE);
}

static int meta_tx(hy_store *s, void *ctx) {
    char *value = NULL;
    int r = s->ops->meta_get(s, ctx, &value);
    free(value);
    return r;
}

static bool has_key(struct fx *f, const char *key) {
    int r = hy_db_run(f->db, HY_TX_READ, meta_tx, (void *)key);
    assert_true(r >= 0);
    return r == HY_DB_ONE;
}

struct count_ctx {
    const char *key;
    int64_t n;
};

/* The hits on `key` so far: one more hit, minus that one. */
static int count_tx(hy_store *s, void *ctx) {
    struct count_ctx *c = ctx;
    int r = s->ops->rate_hit(s, c->key, 1000, 3600, &c->n);
    c->n--;
    return r;
}

static int64_t hits(struct fx *f, const char *key) {
    struct count_ctx c = {key, 0};
    assert_true(hy_db_run(f->db, HY_TX_WRITE, count_tx, &c) >= 0);
    return c.n;
}

/* ---- tests ---- */

static void test_savepoint_isolation(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_SET, .key = "a"},       {.kind = K_SET_FAIL, .key = "b"},
        {.kind = K_SET, .key = "c"},       {.kind = K_BAD_SQL, .key = "d"},
        {.kind = K_SET, .key = "e"},       {.kind = K_SET_ABORT, .key = "f"},
        {.kind = K_SET, .key = "g"},
    };
    size_t n = sizeof jobs / sizeof jobs[0];
    uint64_t jobs0, batches0, jobs1, batches1;
    hy_db_batch_stats(f->db, &jobs0, &batches0);
    run_batch(f, jobs, n);
    hy_db_batch_stats(f->db, &jobs1, &batches1);
    assert_int_equal(jobs1 - jobs0, n + 1);
    assert_int_equal(batches1 - batches0, 2); /* the gate, then all the others together */
    assert_int_equal(jobs[0].status, HY_DB_ONE);
    assert_int_equal(jobs[1].status, HY_DB_HARD);
    assert_int_equal(jobs[2].status, HY_DB_ONE);
    assert_int_equal(jobs[3].status, HY_DB_HARD);
    assert_int_equal(jobs[4].status, HY_DB_ONE);
    assert_int_equal(jobs[5].status, HY_DB_ABORT);
    assert_int_equal(jobs[6].status, HY_DB_ONE);
    assert_true(has_key(f, "gate"));
    assert_true(has_key(f, "a"));
    assert_false(has_key(f, "b"));
    assert_true(has_key(f, "c"));
    assert_false(has_key(f, "d"));
    assert_false(has_key(f, "bad"));
    assert_true(has_key(f, "e"));
    assert_false(has_key(f, "f"));
    assert_true(has_key(f, "g"));
    /* Run without savepoints up to the first failure, then again with them; no retry. */
    assert_int_equal(jobs[0].attempts, 2);
    assert_int_equal(jobs[1].attempts, 2);
    for (size_t i = 2; i < n; i++) assert_int_equal(jobs[i].attempts, 1);
    assert_int_equal(hy_db_retries(f->db), 0);
}

static void test_no_failure_one_run(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_SET, .key = "m"}, {.kind = K_HIT, .key = "h"}, {.kind = K_SET, .key = "n"}};
    run_batch(f, jobs, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(jobs[i].status, HY_DB_ONE);
        assert_int_equal(jobs[i].attempts, 1);
    }
    assert_true(has_key(f, "m"));
    assert_true(has_key(f, "n"));
    assert_int_equal(hits(f, "h"), 1);
}

static void test_sees_earlier_jobs(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_READ, .key = "x"},
        {.kind = K_SET, .key = "x"},
        {.kind = K_READ, .key = "x"},
        {.kind = K_SET_FAIL, .key = "y"},
        {.kind = K_READ, .key = "y"},
    };
    run_batch(f, jobs, sizeof jobs / sizeof jobs[0]);
    assert_int_equal(jobs[0].status, HY_DB_NONE);
    assert_int_equal(jobs[1].status, HY_DB_ONE);
    assert_int_equal(jobs[2].status, HY_DB_ONE);
    assert_int_equal(jobs[3].status, HY_DB_HARD);
    assert_int_equal(jobs[4].status, HY_DB_NONE); /* undone with its job */
}

/* Rate-limit hits counted by the writer before the batch: one statement per key, each job's
 * hit in its place in the queue, kept when the job fails; a job over the limit learns it
 * before it runs. */
static void test_hits_counted_first(void **state) {
    struct fx *f = *state;
    struct hy_batch_hit h[7];
    for (int i = 0; i < 6; i++) h[i] = (struct hy_batch_hit){"form:ip:a", 4, 3600, true};
    h[6] = (struct hy_batch_hit){"form:ip:b", 0, 3600, false};
    struct job jobs[] = {
        {.kind = K_SET, .key = "h0", .hit = &h[0]},
        {.kind = K_SET, .key = "h1", .hit = &h[1]},
        {.kind = K_SET, .key = "b0", .hit = &h[6]},
        {.kind = K_SET_FAIL, .key = "h2", .hit = &h[2]},
        {.kind = K_SET, .key = "h3", .hit = &h[3]},
        {.kind = K_SET, .key = "h4", .hit = &h[4]},
        {.kind = K_SET, .key = "h5", .hit = &h[5]},
        {.kind = K_SET, .key = "n0"},
    };
    run_batch(f, jobs, sizeof jobs / sizeof jobs[0]);
    for (int i = 0; i < 4; i++) assert_false(h[i].over);
    assert_true(h[4].over);
    assert_true(h[5].over);
    assert_true(h[6].over); /* limit 0 */
    assert_int_equal(hits(f, "form:ip:a"), 6);
    assert_int_equal(hits(f, "form:ip:b"), 1);
    assert_true(has_key(f, "h0"));
    assert_true(has_key(f, "h3"));
    assert_false(has_key(f, "h2")); /* its own failure undone, its hit kept */
    assert_false(has_key(f, "h4"));
    assert_false(has_key(f, "b0"));
    assert_true(has_key(f, "n0"));
}

/* Jobs with an order name run after the others, in the names' order. */
static void test_in_order(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_SET, .key = "o-c", .order = "c"}, {.kind = K_SET, .key = "o-x"},
        {.kind = K_SET, .key = "o-a", .order = "a"}, {.kind = K_SET, .key = "o-y"},
        {.kind = K_SET, .key = "o-b", .order = "b"},
    };
    g_ran = 0;
    run_batch(f, jobs, sizeof jobs / sizeof jobs[0]);
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) assert_int_equal(jobs[i].status, HY_DB_ONE);
    assert_true(jobs[1].ran < jobs[3].ran); /* no name: queue order */
    assert_true(jobs[3].ran < jobs[2].ran); /* then a, b, c */
    assert_true(jobs[2].ran < jobs[4].ran);
    assert_true(jobs[4].ran < jobs[0].ran);
}

/* Writes sent ahead (PostgreSQL's pipeline): a later job sees them, and one that failed is
 * found — at the next statement that needs an answer or at the end of the batch — and undone
 * with its own job only, as a failure found at once is (SQLite). */
static int rq_tx(hy_store *s, void *ctx) {
    struct hy_request rq, got;
    request_of(ctx, &rq);
    hy_arena *a = hy_arena_new(0);
    int r = a ? s->ops->requests->get(s, rq.id, a, &got) : HY_DB_HARD;
    hy_arena_free(a);
    return r;
}

static bool has_request(struct fx *f, const char *key) {
    int r = hy_db_run(f->db, HY_TX_READ, rq_tx, (void *)key);
    assert_true(r >= 0);
    return r == HY_DB_ONE;
}

static void test_writes_sent_ahead(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_RQ, .key = "a"},        {.kind = K_RQ_READ, .key = "a"},
        {.kind = K_RQ_DUP, .key = "a"},    {.kind = K_RQ, .key = "bb"},
        {.kind = K_RQ_READ, .key = "bb"},  {.kind = K_AUDIT_BAD, .key = "-"},
        {.kind = K_SET, .key = "c"},       {.kind = K_RQ, .key = "ddd"},
        {.kind = K_AUDIT_BAD, .key = "-"},
    };
    size_t n = sizeof jobs / sizeof jobs[0];
    run_batch(f, jobs, n);
    int want[] = {HY_DB_ONE, HY_DB_ONE, HY_DB_HARD, HY_DB_ONE, HY_DB_ONE,
                  HY_DB_HARD, HY_DB_ONE, HY_DB_ONE, HY_DB_HARD};
    for (size_t i = 0; i < n; i++) assert_int_equal(jobs[i].status, want[i]);
    assert_true(has_request(f, "a"));
    assert_true(has_request(f, "bb"));
    assert_true(has_request(f, "ddd"));
    assert_true(has_key(f, "c"));
    /* Found either way, then run once more with savepoints; no retry of the whole batch. */
    assert_int_equal(jobs[0].attempts, 2);
    assert_int_equal(hy_db_retries(f->db), 0);

    /* A failed write as the last thing of a batch is found before its COMMIT. */
    struct job last[] = {{.kind = K_RQ, .key = "eeee"}, {.kind = K_AUDIT_BAD, .key = "-"}};
    run_batch(f, last, 2);
    assert_int_equal(last[0].status, HY_DB_ONE);
    assert_int_equal(last[1].status, HY_DB_HARD);
    assert_true(has_request(f, "eeee"));

    /* And a batch whose writes all hold needs one run. */
    struct job ok[] = {{.kind = K_RQ, .key = "fffff"}, {.kind = K_RQ, .key = "gggggg"},
                       {.kind = K_RQ_READ, .key = "fffff"}};
    run_batch(f, ok, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ok[i].status, HY_DB_ONE);
        assert_int_equal(ok[i].attempts, 1);
    }
    assert_true(has_request(f, "gggggg"));
}

static void test_conflict_reruns_batch(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_HIT, .key = "k"},
        {.kind = K_SET_FAIL, .key = "z"},
        {.kind = K_SOFT_ONCE, .key = "k"},
        {.kind = K_HIT, .key = "k"},
    };
    size_t n = sizeof jobs / sizeof jobs[0];
    uint64_t retries0 = hy_db_retries(f->db);
    run_batch(f, jobs, n);
    assert_int_equal(hy_db_retries(f->db) - retries0, 1);
    assert_int_equal(jobs[0].status, HY_DB_ONE);
    assert_int_equal(jobs[1].status, HY_DB_HARD);
    assert_int_equal(jobs[2].status, HY_DB_ONE);
    assert_int_equal(jobs[3].status, HY_DB_ONE);
    /* Runs: without savepoints up to the failing job 1; with savepoints up to the conflict;
     * with savepoints again to the end. Every hit counted once. */
    assert_int_equal(jobs[0].attempts, 3);
    assert_int_equal(jobs[1].attempts, 3);
    assert_int_equal(jobs[2].attempts, 2);
    assert_int_equal(jobs[3].attempts, 1);
    assert_int_equal(hits(f, "k"), 3);
    assert_false(has_key(f, "z"));
}

static void test_conflict_forever(void **state) {
    struct fx *f = *state;
    struct job jobs[] = {
        {.kind = K_SET, .key = "p"},
        {.kind = K_SOFT, .key = "q"},
        {.kind = K_SET, .key = "r"},
    };
    run_batch(f, jobs, sizeof jobs / sizeof jobs[0]);
    for (size_t i = 0; i < 3; i++) assert_int_equal(jobs[i].status, HY_DB_SOFT);
    assert_true(jobs[1].attempts >= 2 && jobs[1].attempts <= HY_TX_RETRIES);
    assert_false(has_key(f, "p"));
    assert_false(has_key(f, "r"));
}

static void test_stop_drains(void **state) {
    struct fx *f = *state;
    enum { N = 300 };
    static struct job jobs[N];
    static char keys[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "s%d", i);
        jobs[i] = (struct job){.kind = K_SET, .key = keys[i]};
        assert_int_equal(hy_db_run_batched(f->db, job_fn, &jobs[i], job_done), HY_DB_ONE);
    }
    hy_db_batch_stop(f->db);
    for (int i = 0; i < N; i++) {
        assert_true(jobs[i].done);
        assert_int_equal(jobs[i].status, HY_DB_ONE);
    }
    uint64_t done, batches;
    hy_db_batch_stats(f->db, &done, &batches);
    assert_int_equal(done, N);
    assert_true(batches >= (N + HY_BATCH_MAX - 1) / HY_BATCH_MAX);
    struct job late = {.kind = K_SET, .key = "late"};
    assert_int_equal(hy_db_run_batched(f->db, job_fn, &late, job_done), HY_DB_HARD);
    assert_false(late.done);
    for (int i = 0; i < N; i += 37) assert_true(has_key(f, keys[i]));
    assert_true(has_key(f, keys[N - 1]));
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: store_batch sqlite|postgres\n");
        return 2;
    }
    g_pg = !strcmp(argv[1], "postgres");
    if (g_pg) {
        g_pg_url = getenv("HY_TEST_PG_URL");
        if (!g_pg_url || !*g_pg_url) {
            printf("HY_TEST_PG_URL is not set: skipping the PostgreSQL group-commit tests\n");
            return 77;
        }
        g_maint = PQconnectdb(g_pg_url);
        if (PQstatus(g_maint) != CONNECTION_OK) {
            fprintf(stderr, "cannot connect to HY_TEST_PG_URL: %s", PQerrorMessage(g_maint));
            return 1;
        }
        PQsetNoticeProcessor(g_maint, quiet, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_savepoint_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_failure_one_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sees_earlier_jobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_sent_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_reruns_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_forever, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_drains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hits_counted_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
    };
    int r = cmocka_run_group_tests_name(g_pg ? "store batch (postgres)" : "store batch (sqlite)",
                                        tests, NULL, NULL);
    if (g_maint) PQfinish(g_maint);
    return r;
}
