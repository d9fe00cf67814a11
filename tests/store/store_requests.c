/* store_requests.c — the help-request functions of store/requests.h, one contract on both
 * stores.
 *
 *   store_requests sqlite     each test on a fresh temporary SQLite file
 *   store_requests postgres   each test on a fresh database of the cluster at HY_TEST_PG_URL;
 *                             exits 77 (skipped) when the variable is not set
 *
 * Checks exact answers (the same on both), the claim (one winner among racing threads, each
 * with its own connection), compare-and-set status moves, idempotency keys, the outbox queue
 * (each message taken once by racing workers; leases; retries), and the purge (personal data
 * of finished requests erased, everything else kept). */
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

#include "store/requests.h"
#include "store/store.h"

static bool g_pg;
static const char *g_pg_url;
static PGconn *g_maint;

struct fx {
    hy_db *db;
    char path[64];
    char dbname[64];
    hy_arena *a;
};

static void quiet(void *arg, const char *message) {}

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

static char *fx_url(struct fx *f) {
    if (g_pg) return uri_with_dbname(g_pg_url, f->dbname);
    char *u = malloc(80);
    if (u) snprintf(u, 80, "sqlite:%s", f->path);
    return u;
}

static int setup(void **state) {
    static int counter;
    struct fx *f = calloc(1, sizeof *f);
    *state = f;
    if (!f) return -1;
    if (g_pg) {
        snprintf(f->dbname, sizeof f->dbname, "hy_rq_%ld_%d", (long)getpid(), ++counter);
        if (!maint("CREATE DATABASE ", f->dbname, " TEMPLATE template0 ENCODING 'UTF8'")) {
            f->dbname[0] = '\0';
            return -1;
        }
    } else {
        snprintf(f->path, sizeof f->path, "/tmp/hy-requests-XXXXXX");
        int fd = mkstemp(f->path);
        if (fd < 0) return -1;
        close(fd);
    }
    char *url = fx_url(f), *err = NULL;
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
    f->a = hy_arena_new(0);
    return f->a ? 0 : -1;
}

static int teardown(void **state) {
    struct fx *f = *state;
    if (!f) return 0;
    hy_db_close(f->db);
    hy_arena_free(f->a);
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

/* ---- running a callback in a transaction ---- */

typedef int (*step_fn)(hy_store *s, struct fx *f, void *arg);
struct step {
    struct fx *f;
    step_fn fn;
    void *arg;
};
static int step_tx(hy_store *s, void *ctx) {
    struct step *st = ctx;
    return st->fn(s, st->f, st->arg);
}
static int run(struct fx *f, enum hy_tx_mode m, step_fn fn, void *arg) {
    struct step st = {f, fn, arg};
    return hy_db_run(f->db, m, step_tx, &st);
}

#define V1 "1111111111111111111111111111111a"
#define V2 "2222222222222222222222222222222b"
#define R1 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define R2 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"
#define R3 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"

static int add_users(hy_store *s, struct fx *f, void *arg) {
    const char *ids[] = {V1, V2};
    for (int i = 0; i < 2; i++) {
        struct hy_user u = {0};
        struct hy_volunteer v = {0};
        memcpy(u.id, ids[i], 33);
        char phone[32], email[40];
        snprintf(phone, sizeof phone, "+4477009000%02d", i);
        snprintf(email, sizeof email, "v%d@example.org", i);
        u.phone = phone;
        u.email = email;
        u.name = i ? "Vol B" : "Vol A";
        u.role = "volunteer";
        u.status = "approved";
        u.language = i ? "en" : "fa";
        u.created_at = u.updated_at = 1000;
        memcpy(v.user_id, ids[i], 33);
        v.has_area = true;
        v.lat = 35.70 + i * 0.01;
        v.lon = 51.40;
        v.radius_km = 5;
        v.skills = "[]";
        v.languages = i ? "[\"en\"]" : "[\"fa\"]";
        v.availability = i ? "" : "evenings";
        int r = s->ops->user_insert(s, &u, &v);
        if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

static struct hy_request req(const char *id, const char *code, const char *status, double lat,
                             int64_t at) {
    struct hy_request r = {0};
    memcpy(r.id, id, 33);
    memcpy(r.tracking_code, code, 9);
    r.status = status;
    r.kind = "groceries";
    r.urgency = "normal";
    r.for_whom = "self";
    r.language = "fa";
    r.source = "web";
    r.has_area = lat != 0;
    r.lat = lat;
    r.lon = 51.40;
    r.created_at = r.updated_at = at;
    r.opened_at = strcmp(status, "open") ? 0 : at;
    return r;
}

static int add_requests(hy_store *s, struct fx *f, void *arg) {
    const struct hy_request_ops *q = s->ops->requests;
    struct hy_request_contact c = {"Maryam", "+989125550101", "Street 1", "bread", "mornings", true, 35.7012, 51.4003};
    struct hy_request a = req(R1, "AAAA2222", "open", 35.70, 2000);
    struct hy_request b = req(R2, "BBBB3333", "new", 35.80, 3000);
    struct hy_request d = req(R3, "CCCC4444", "open", 0, 4000);
    int r;
    if ((r = q->insert(s, &a, &c)) != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    c.phone = "+989125550102";
    if ((r = q->insert(s, &b, &c)) != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    c.phone = "+989125550103";
    c.has_exact = false;
    if ((r = q->insert(s, &d, &c)) != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    /* The same tracking code again: HY_DB_NONE, and the transaction stays usable. */
    struct hy_request dup = req("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9", "AAAA2222", "new", 0, 5000);
    if ((r = q->insert(s, &dup, &c)) != HY_DB_NONE) return r < 0 ? r : HY_DB_HARD;
    return HY_DB_ONE;
}

static void seed(struct fx *f) {
    assert_int_equal(run(f, HY_TX_WRITE, add_users, NULL), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_WRITE, add_requests, NULL), HY_DB_ONE);
}

/* ---- tests ---- */

struct got {
    struct hy_request r;
    struct hy_request_contact c;
    struct hy_request *list;
    int n;
    struct hy_request_filter filt;
};

static int read_one(hy_store *s, struct fx *f, void *arg) {
    struct got *g = arg;
    int r = s->ops->requests->by_code(s, "AAAA2222", f->a, &g->r);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    return s->ops->requests->contact_get(s, g->r.id, f->a, &g->c);
}

static void test_insert_get(void **state) {
    struct fx *f = *state;
    seed(f);
    struct got g = {0};
    assert_int_equal(run(f, HY_TX_READ, read_one, &g), HY_DB_ONE);
    assert_string_equal(g.r.id, R1);
    assert_string_equal(g.r.status, "open");
    assert_true(g.r.has_area);
    assert_true(g.r.lat == 35.70);
    assert_int_equal(g.r.opened_at, 2000);
    assert_string_equal(g.r.assignee_id, "");
    assert_string_equal(g.r.checklist, "{}");
    assert_string_equal(g.r.reimbursement, "none");
    assert_false(g.r.purged);
    assert_string_equal(g.c.phone, "+989125550101");
    assert_string_equal(g.c.details, "bread");
    assert_string_equal(g.c.call_window, "mornings");
    assert_true(g.c.has_exact && g.c.lat == 35.7012);
}

static int do_list(hy_store *s, struct fx *f, void *arg) {
    struct got *g = arg;
    int r = s->ops->requests->list(s, &g->filt, f->a, &g->list);
    if (r < 0) return r;
    g->n = r;
    return HY_DB_ONE;
}

static void test_list_filters(void **state) {
    struct fx *f = *state;
    seed(f);
    struct got g = {.filt = {.limit = 10}};
    assert_int_equal(run(f, HY_TX_READ, do_list, &g), HY_DB_ONE);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.list[0].id, R1);
    assert_string_equal(g.list[2].id, R3);
    g.filt.statuses = ",open,";
    assert_int_equal(run(f, HY_TX_READ, do_list, &g), HY_DB_ONE);
    assert_int_equal(g.n, 2);
    g.filt.has_box = true;
    g.filt.min_lat = 35.65, g.filt.max_lat = 35.75, g.filt.min_lon = 51.3, g.filt.max_lon = 51.5;
    assert_int_equal(run(f, HY_TX_READ, do_list, &g), HY_DB_ONE);
    assert_int_equal(g.n, 1); /* R3 has no area, R2 is new and further north */
    assert_string_equal(g.list[0].id, R1);
    g.filt = (struct hy_request_filter){.created_after = 3000, .created_before = 4000, .limit = 10};
    assert_int_equal(run(f, HY_TX_READ, do_list, &g), HY_DB_ONE);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.list[0].id, R2);
    g.filt = (struct hy_request_filter){.kind = "medicine", .limit = 10};
    assert_int_equal(run(f, HY_TX_READ, do_list, &g), HY_DB_ONE);
    assert_int_equal(g.n, 0);
}

static int claim_as(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->claim(s, R1, arg, 5000);
}
static int release(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->set_status(s, R1, "claimed", "open", "", "released", 5100);
}
static int move_from_new(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->set_status(s, R1, "new", "open", NULL, NULL, 5200);
}

static void test_claim_and_release(void **state) {
    struct fx *f = *state;
    seed(f);
    assert_int_equal(run(f, HY_TX_WRITE, claim_as, V1), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_WRITE, claim_as, V2), HY_DB_NONE);
    assert_int_equal(run(f, HY_TX_WRITE, claim_as, V1), HY_DB_NONE);
    struct got g = {0};
    assert_int_equal(run(f, HY_TX_READ, read_one, &g), HY_DB_ONE);
    assert_string_equal(g.r.status, "claimed");
    assert_string_equal(g.r.assignee_id, V1);
    assert_string_equal(g.r.assignee_name, "Vol A");
    assert_int_equal(g.r.claimed_at, 5000);
    /* Compare-and-set: a move from a status it is not in changes nothing. */
    assert_int_equal(run(f, HY_TX_WRITE, move_from_new, NULL), HY_DB_NONE);
    assert_int_equal(run(f, HY_TX_WRITE, release, NULL), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_READ, read_one, &g), HY_DB_ONE);
    assert_string_equal(g.r.status, "open");
    assert_string_equal(g.r.assignee_id, "");
    assert_int_equal(g.r.claimed_at, 0);
    assert_int_equal(g.r.opened_at, 5100);
    assert_string_equal(g.r.reason, "released");
    assert_int_equal(run(f, HY_TX_WRITE, claim_as, V2), HY_DB_ONE);
}

struct claimer_got {
    const char *who;
    int64_t since;
    struct hy_rq_claimer c;
};
static int read_claimer(hy_store *s, struct fx *f, void *arg) {
    struct claimer_got *g = arg;
    return s->ops->requests->claimer(s, g->who, g->since, f->a, &g->c);
}
static int add_bare_user(hy_store *s, struct fx *f, void *arg) {
    struct hy_user u = {.email = "bare@example.org", .name = "Bare", .role = "volunteer",
                        .status = "approved", .language = "fa", .created_at = 1000,
                        .updated_at = 1000};
    memcpy(u.id, arg, 33);
    int r = s->ops->user_insert(s, &u, NULL);
    return r <= 0 ? (r < 0 ? r : HY_DB_HARD) : HY_DB_ONE;
}
static int log_release(hy_store *s, struct fx *f, void *arg) {
    const struct hy_request_event *e = arg;
    return s->ops->requests->event_insert(s, R1, e);
}

/* What a claim is checked against: the service area, the requests held, and the volunteer's
 * own releases after `since`. */
static void test_claimer(void **state) {
    struct fx *f = *state;
    seed(f);
    struct claimer_got g = {.who = V2, .since = 0};
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_true(g.c.has_area);
    assert_true(g.c.lat > 35.70 && g.c.lat < 35.72);
    assert_true(g.c.radius_km == 5);
    assert_int_equal(g.c.open_claims, 0);
    assert_int_equal(g.c.releases, 0);
    assert_int_equal(run(f, HY_TX_WRITE, claim_as, V2), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_int_equal(g.c.open_claims, 1);
    /* Releases: V2's own at 5100 and 5300 count after `since`; a coordinator's (V1 here) and
     * other moves do not. */
    const struct hy_request_event evs[] = {
        {5100, V2, "claimed", "open", "released"},
        {5200, V1, "claimed", "open", "released"},
        {5250, V2, "open", "claimed", NULL},
        {5300, V2, "in_progress", "open", "released"},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        assert_int_equal(run(f, HY_TX_WRITE, log_release, (void *)&evs[i]), HY_DB_ONE);
    g.since = 5000;
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_int_equal(g.c.releases, 2);
    assert_int_equal(g.c.first_release, 5100);
    g.since = 5100; /* strictly after */
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_int_equal(g.c.releases, 1);
    assert_int_equal(g.c.first_release, 5300);
    g.since = 6000;
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_int_equal(g.c.releases, 0);
    assert_int_equal(g.c.first_release, 0);
    /* An account without a profile has no area; an unknown one is not there at all. */
    const char *bare = "3333333333333333333333333333333c";
    assert_int_equal(run(f, HY_TX_WRITE, add_bare_user, (void *)bare), HY_DB_ONE);
    g = (struct claimer_got){.who = bare};
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_ONE);
    assert_false(g.c.has_area);
    assert_int_equal(g.c.open_claims, 0);
    g.who = "4444444444444444444444444444444d";
    assert_int_equal(run(f, HY_TX_READ, read_claimer, &g), HY_DB_NONE);
}

struct racer {
    struct fx *f;
    const char *who;
    int result;
};
static void *race_main(void *arg) {
    struct racer *r = arg;
    r->result = run(r->f, HY_TX_WRITE, claim_as, (void *)r->who);
    hy_db_release(r->f->db);
    return NULL;
}

static void test_claim_race(void **state) {
    struct fx *f = *state;
    seed(f);
    enum { N = 16 };
    struct racer r[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        r[i] = (struct racer){f, i % 2 ? V2 : V1, -99};
        assert_int_equal(pthread_create(&t[i], NULL, race_main, &r[i]), 0);
    }
    int won = 0, lost = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        won += r[i].result == HY_DB_ONE;
        lost += r[i].result == HY_DB_NONE;
    }
    assert_int_equal(won, 1);
    assert_int_equal(lost, N - 1);
}

struct idem_case {
    int put1, put2, get;
    struct hy_idempotency v;
};
static int idem_steps(hy_store *s, struct fx *f, void *arg) {
    struct idem_case *c = arg;
    const struct hy_request_ops *q = s->ops->requests;
    struct hy_idempotency v = {"hash-1", 201, "{\"id\":\"x\"}", 7000};
    c->put1 = q->idem_put(s, "key-1", "POST /r", &v);
    struct hy_idempotency w = {"hash-2", 201, "{}", 7001};
    c->put2 = q->idem_put(s, "key-1", "POST /r", &w);
    c->get = q->idem_get(s, "key-1", "POST /r", f->a, &c->v);
    if (q->idem_get(s, "key-1", "POST /other", f->a, &w) != HY_DB_NONE) return HY_DB_HARD;
    return HY_DB_ONE;
}

static void test_idempotency(void **state) {
    struct fx *f = *state;
    struct idem_case c = {0};
    assert_int_equal(run(f, HY_TX_WRITE, idem_steps, &c), HY_DB_ONE);
    assert_int_equal(c.put1, HY_DB_ONE);
    assert_int_equal(c.put2, HY_DB_NONE);
    assert_int_equal(c.get, HY_DB_ONE);
    assert_string_equal(c.v.request_hash, "hash-1");
    assert_int_equal(c.v.status, 201);
    assert_string_equal(c.v.body, "{\"id\":\"x\"}");
}

static int add_outbox(hy_store *s, struct fx *f, void *arg) {
    int n = *(int *)arg;
    for (int i = 0; i < n; i++) {
        char to[32];
        snprintf(to, sizeof to, "+4477009011%02d", i % 100);
        struct hy_outbox_message m = {1000 + i, to, "sms", "en", "request_received", "{\"code\":\"X\"}"};
        int r = s->ops->outbox_insert(s, &m);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

struct take {
    int64_t now;
    size_t limit;
    struct hy_outbox_item *items;
    int n;
};
static int take(hy_store *s, struct fx *f, void *arg) {
    struct take *t = arg;
    int r = s->ops->requests->outbox_take(s, t->now, t->now + 300, t->limit, f->a, &t->items);
    if (r < 0) return r;
    t->n = r;
    return HY_DB_ONE;
}
static int mark_sent(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->outbox_sent(s, *(int64_t *)arg, 9000);
}
static int mark_failed(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->outbox_retry(s, *(int64_t *)arg, 9999, true, "gateway down");
}
static int counts(hy_store *s, struct fx *f, void *arg) {
    return s->ops->requests->outbox_counts(s, arg);
}

static void test_outbox_queue(void **state) {
    struct fx *f = *state;
    int n = 5;
    assert_int_equal(run(f, HY_TX_WRITE, add_outbox, &n), HY_DB_ONE);
    struct take t = {.now = 2000, .limit = 3};
    assert_int_equal(run(f, HY_TX_WRITE, take, &t), HY_DB_ONE);
    assert_int_equal(t.n, 3);
    assert_true(t.items[0].id < t.items[1].id && t.items[1].id < t.items[2].id);
    assert_int_equal(t.items[0].attempts, 1);
    assert_string_equal(t.items[0].template_name, "request_received");
    int64_t first = t.items[0].id, second = t.items[1].id;
    assert_int_equal(run(f, HY_TX_WRITE, take, &t), HY_DB_ONE);
    assert_int_equal(t.n, 2);
    assert_int_equal(run(f, HY_TX_WRITE, take, &t), HY_DB_ONE);
    assert_int_equal(t.n, 0);
    assert_int_equal(run(f, HY_TX_WRITE, mark_sent, &first), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_WRITE, mark_sent, &first), HY_DB_NONE); /* not sending any more */
    assert_int_equal(run(f, HY_TX_WRITE, mark_failed, &second), HY_DB_ONE);
    /* After the lease (300 s) the three still "sending" are due again, with one more attempt. */
    t.now = 2301;
    t.limit = 10;
    assert_int_equal(run(f, HY_TX_WRITE, take, &t), HY_DB_ONE);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.items[0].attempts, 2);
    int64_t c[HY_OUTBOX_STATES];
    assert_int_equal(run(f, HY_TX_READ, counts, c), HY_DB_ONE);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 3);
    assert_int_equal(c[2], 1);
    assert_int_equal(c[3], 1);
}

struct taker {
    struct fx *f;
    int64_t got[64];
    int n;
};
static void *taker_main(void *arg) {
    struct taker *k = arg;
    for (;;) {
        struct take t = {.now = 2000, .limit = 2};
        struct step st = {k->f, take, &t};
        if (hy_db_run(k->f->db, HY_TX_WRITE, step_tx, &st) < 0 || t.n == 0) break;
        for (int i = 0; i < t.n && k->n < 64; i++) k->got[k->n++] = t.items[i].id;
    }
    hy_db_release(k->f->db);
    return NULL;
}

/* Racing workers (one connection each) take every message exactly once. The arena is shared
 * by the threads' take() calls, so they take turns with it through a lock-free pattern: each
 * thread gets its own arena below. */
static void test_outbox_each_once(void **state) {
    struct fx *f = *state;
    int n = 40;
    assert_int_equal(run(f, HY_TX_WRITE, add_outbox, &n), HY_DB_ONE);
    enum { T = 4 };
    struct fx fs[T];
    struct taker k[T];
    pthread_t th[T];
    for (int i = 0; i < T; i++) {
        fs[i] = *f;
        fs[i].a = hy_arena_new(0);
        k[i] = (struct taker){&fs[i], {0}, 0};
        assert_int_equal(pthread_create(&th[i], NULL, taker_main, &k[i]), 0);
    }
    int total = 0;
    bool seen[1024] = {false};
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        for (int j = 0; j < k[i].n; j++) {
            assert_true(k[i].got[j] > 0 && k[i].got[j] < 1024);
            assert_false(seen[k[i].got[j]]);
            seen[k[i].got[j]] = true;
        }
        total += k[i].n;
        hy_arena_free(fs[i].a);
    }
    assert_int_equal(total, n);
}

static int finish_and_note(hy_store *s, struct fx *f, void *arg) {
    const struct hy_request_ops *q = s->ops->requests;
    int r;
    /* R1: open → cancelled at 6000; R2 stays new. A note and a sent message to R1's phone. */
    if ((r = q->set_status(s, R1, "open", "cancelled", NULL, "moved away", 6000)) != HY_DB_ONE) return HY_DB_HARD;
    struct hy_request_event e = {6000, NULL, "open", "cancelled", "moved away"};
    if ((r = q->event_insert(s, R1, &e)) != HY_DB_ONE) return HY_DB_HARD;
    struct hy_request_note nt = {0, 6000, V1, NULL, "call", "spoke to her daughter", "reached"};
    if ((r = q->note_insert(s, R1, &nt)) != HY_DB_ONE) return HY_DB_HARD;
    struct hy_outbox_message m = {6000, "+989125550101", "sms", "fa", "request_received", "{}"};
    if ((r = s->ops->outbox_insert(s, &m)) < 0) return r;
    struct hy_outbox_message m2 = {6000, "+989125550102", "sms", "fa", "request_received", "{}"};
    if ((r = s->ops->outbox_insert(s, &m2)) < 0) return r;
    struct hy_idempotency v = {"h", 201, "{}", 6000};
    return q->idem_put(s, "k", "POST /r", &v);
}
static int take_all_send(hy_store *s, struct fx *f, void *arg) {
    struct hy_outbox_item *it;
    int n = s->ops->requests->outbox_take(s, 7000, 7300, 100, f->a, &it);
    for (int i = 0; i < n; i++)
        if (s->ops->requests->outbox_sent(s, it[i].id, 7000) < 0) return HY_DB_HARD;
    return n < 0 ? n : HY_DB_ONE;
}
static int purge(hy_store *s, struct fx *f, void *arg) {
    int64_t cutoff = *(int64_t *)arg;
    struct hy_purge_counts c = {0};
    int r = s->ops->requests->purge(s, 99999, cutoff, cutoff, 0, &c);
    return r < 0 ? r : (int)c.requests;
}
struct after_purge {
    struct hy_request r1, r2;
    struct hy_request_contact c;
    int c1, c2, nev, nnotes;
    struct hy_request_event *ev;
    struct hy_request_note *notes;
    struct hy_idempotency v;
    int idem;
};
static int read_after(hy_store *s, struct fx *f, void *arg) {
    struct after_purge *p = arg;
    const struct hy_request_ops *q = s->ops->requests;
    if (q->get(s, R1, f->a, &p->r1) != HY_DB_ONE || q->get(s, R2, f->a, &p->r2) != HY_DB_ONE) return HY_DB_HARD;
    p->c1 = q->contact_get(s, R1, f->a, &p->c);
    p->c2 = q->contact_get(s, R2, f->a, &p->c);
    p->nev = q->events(s, R1, f->a, &p->ev);
    p->nnotes = q->notes(s, R1, f->a, &p->notes);
    p->idem = q->idem_get(s, "k", "POST /r", f->a, &p->v);
    return HY_DB_ONE;
}

static void test_purge(void **state) {
    struct fx *f = *state;
    seed(f);
    assert_int_equal(run(f, HY_TX_WRITE, finish_and_note, NULL), HY_DB_ONE);
    assert_int_equal(run(f, HY_TX_WRITE, take_all_send, NULL), HY_DB_ONE);
    int64_t early = 6000; /* closed_at 6000 is not < 6000: nothing yet */
    assert_int_equal(run(f, HY_TX_WRITE, purge, &early), 0);
    int64_t late = 6001;
    assert_int_equal(run(f, HY_TX_WRITE, purge, &late), 1);
    assert_int_equal(run(f, HY_TX_WRITE, purge, &late), 0); /* once */
    struct after_purge p = {0};
    assert_int_equal(run(f, HY_TX_READ, read_after, &p), HY_DB_ONE);
    assert_true(p.r1.purged);
    assert_null(p.r1.reason);
    assert_string_equal(p.r1.status, "cancelled"); /* anonymous fields stay */
    assert_string_equal(p.r1.kind, "groceries");
    assert_int_equal(p.c1, HY_DB_NONE);
    assert_int_equal(p.c2, HY_DB_ONE);
    assert_false(p.r2.purged);
    assert_int_equal(p.nnotes, 0);
    assert_int_equal(p.nev, 1);
    assert_null(p.ev[0].reason);
    assert_int_equal(p.idem, HY_DB_NONE);
    int64_t c[HY_OUTBOX_STATES];
    assert_int_equal(run(f, HY_TX_READ, counts, c), HY_DB_ONE);
    assert_int_equal(c[2], 1); /* only the message to the active request's phone is left */
    hy_store *s = hy_db_conn(f->db);
    assert_int_equal(s->ops->requests->compact(s), HY_DB_ONE);
}

/* Undelivered messages: the erased contact's go whatever their state; any message older than
 * the retention period goes too, while the contact of an active request stays. */
struct purge_at {
    int64_t finished_before, outbox_before;
};
static int purge_at(hy_store *s, struct fx *f, void *arg) {
    const struct purge_at *p = arg;
    struct hy_purge_counts c = {0};
    int r = s->ops->requests->purge(s, 99999, p->finished_before, 0, p->outbox_before, &c);
    return r < 0 ? r : (int)c.outbox;
}
static int pending_to(hy_store *s, struct fx *f, void *arg) {
    struct hy_outbox_message *m;
    return s->ops->outbox_list(s, arg, 10, f->a, &m);
}

static void test_purge_pending(void **state) {
    struct fx *f = *state;
    seed(f);
    assert_int_equal(run(f, HY_TX_WRITE, finish_and_note, NULL), HY_DB_ONE); /* both pending */
    struct purge_at erase = {6001, 0};
    assert_int_equal(run(f, HY_TX_WRITE, purge_at, &erase), 1);
    assert_int_equal(run(f, HY_TX_READ, pending_to, "+989125550101"), 0);
    assert_int_equal(run(f, HY_TX_READ, pending_to, "+989125550102"), 1);
    struct purge_at old = {6001, 6000}; /* created at 6000: not before 6000 */
    assert_int_equal(run(f, HY_TX_WRITE, purge_at, &old), 0);
    old.outbox_before = 6001;
    assert_int_equal(run(f, HY_TX_WRITE, purge_at, &old), 1);
    assert_int_equal(run(f, HY_TX_READ, pending_to, "+989125550102"), 0);
    struct after_purge p = {0};
    assert_int_equal(run(f, HY_TX_READ, read_after, &p), HY_DB_ONE);
    assert_int_equal(p.c2, HY_DB_ONE); /* the active request keeps its contact */
}

static int stats_and_volunteers(hy_store *s, struct fx *f, void *arg) {
    struct hy_request_stat_row *rows;
    int n = s->ops->requests->stats(s, f->a, &rows);
    if (n != 3) return HY_DB_HARD;
    /* status order: new, open (area), open (no area) */
    if (strcmp(rows[0].status, "new") || rows[0].day != 0 || rows[0].count != 1) return HY_DB_HARD;
    if (strcmp(rows[1].status, "open") || !rows[1].has_area || rows[2].has_area) return HY_DB_HARD;
    struct hy_request_volunteer *v;
    double box[4] = {35.65, 35.705, 51.3, 51.5};
    n = s->ops->requests->volunteers(s, box, 10, f->a, &v);
    if (n != 1 || strcmp(v[0].user_id, V1) || v[0].load != 0 || strcmp(v[0].languages, "[\"fa\"]")) return HY_DB_HARD;
    n = s->ops->requests->volunteers(s, NULL, 10, f->a, &v);
    return n == 2 && !strcmp(v[1].user_id, V2) ? HY_DB_ONE : HY_DB_HARD;
}

static void test_stats_and_volunteers(void **state) {
    struct fx *f = *state;
    seed(f);
    assert_int_equal(run(f, HY_TX_READ, stats_and_volunteers, NULL), HY_DB_ONE);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "postgres"))) {
        fprintf(stderr, "usage: store_requests sqlite|postgres\n");
        return 2;
    }
    g_pg = !strcmp(argv[1], "postgres");
    if (g_pg) {
        g_pg_url = getenv("HY_TEST_PG_URL");
        if (!g_pg_url || !*g_pg_url) {
            printf("HY_TEST_PG_URL is not set: skipping the PostgreSQL request store tests\n");
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
        cmocka_unit_test_setup_teardown(test_insert_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_and_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claimer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox_each_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_and_volunteers, setup, teardown),
    };
    int r = cmocka_run_group_tests_name(g_pg ? "store requests (postgres)" : "store requests (sqlite)",
                                        tests, NULL, NULL);
    if (g_maint) PQfinish(g_maint);
    return r;
}
