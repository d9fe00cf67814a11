/* requests_pg.c — help requests for the PostgreSQL backend (store/requests.h), with the
 * semantics of requests_sqlite.c (tests/store/store_requests.c checks both).
 *
 * Several server processes share one database, so the contended operations are single
 * statements whose WHERE clause re-checks the state:
 *   - claim: UPDATE … WHERE status = 'open' AND assignee_id IS NULL. Inside the SERIALIZABLE
 *     write transaction a concurrent loser fails with SQLSTATE 40001 (HY_DB_SOFT); the runner
 *     retries, and the retry sees the request claimed and updates nothing (HY_DB_NONE → 409).
 *   - outbox_take: SELECT … FOR UPDATE SKIP LOCKED picks rows no other worker holds, and the
 *     UPDATE leases them, so each message is sent by one process.
 *   - inserts that may collide use ON CONFLICT DO NOTHING so the transaction stays usable.
 * Text is compared and sorted with COLLATE "C" where order matters (byte order, as SQLite). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/store_pg.h"
#include "store/requests.h"

enum {
    Q_INSERT = HY_PG_REQUESTS_BASE,
    Q_CONTACT_INSERT,
    Q_GET,
    Q_BY_CODE,
    Q_CONTACT_GET,
    Q_LIST,
    Q_CLAIM,
    Q_SET_STATUS,
    Q_EVENT_INSERT,
    Q_EVENTS,
    Q_NOTE_INSERT,
    Q_NOTES,
    Q_DELIVERY,
    Q_VOLUNTEERS,
    Q_STATS,
    Q_IDEM_GET,
    Q_IDEM_PUT,
    Q_PURGE_OUTBOX_PHONES,
    Q_PURGE_NOTES,
    Q_PURGE_EVENTS,
    Q_PURGE_CONTACTS,
    Q_PURGE_REQUESTS,
    Q_PURGE_IDEM,
    Q_PURGE_OUTBOX_OLD,
    Q_OUTBOX_TAKE,
    Q_OUTBOX_SENT,
    Q_OUTBOX_RETRY,
    Q_OUTBOX_COUNTS,
    Q_AREA,
    Q_AREA_EXACT,
    Q__END,
};

_Static_assert((int)Q__END <= (int)HY_PG_LIBRARY_BASE, "request statements overflow their id range");

#define REQ_COLS                                                                               \
    "r.id, r.tracking_code, r.status, r.kind, r.urgency, r.for_whom, r.language, r.source, "  \
    "r.lat, r.lon, r.assignee_id, u.name, r.reason, r.checklist, r.receipt_amount, "          \
    "r.reimbursement, r.created_at, r.updated_at, r.opened_at, r.claimed_at, r.closed_at, "   \
    "r.purged_at"
#define REQ_FROM " FROM help_requests r LEFT JOIN users u ON u.id = r.assignee_id "
#define FINISHED                                                                               \
    "SELECT id FROM help_requests WHERE status IN ('closed','cancelled','unable_to_help') "   \
    "AND purged_at IS NULL AND closed_at < $1::bigint"

static const char *const sql_insert =
    "INSERT INTO help_requests(id, tracking_code, status, kind, urgency, for_whom, language, "
    "source, lat, lon, created_at, updated_at, opened_at) "
    "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::float8,$10::float8,$11::bigint,$11::bigint,"
    "$12::bigint) ON CONFLICT DO NOTHING";
static const char *const sql_contact_insert =
    "INSERT INTO request_contacts(request_id, name, phone, address, details, lat, lon) "
    "VALUES ($1,$2,$3,$4,$5,$6::float8,$7::float8)";
static const char *const sql_get = "SELECT " REQ_COLS REQ_FROM "WHERE r.id = $1";
static const char *const sql_by_code =
    "SELECT " REQ_COLS REQ_FROM "WHERE r.tracking_code = $1";
static const char *const sql_contact_get =
    "SELECT name, phone, address, details, lat, lon FROM request_contacts WHERE request_id = $1";
static const char *const sql_list =
    "SELECT " REQ_COLS REQ_FROM
    "WHERE ($1::text IS NULL OR position(',' || r.status || ',' in $1::text) > 0) "
    "AND ($2::text IS NULL OR r.kind = $2::text) AND ($3::text IS NULL OR r.urgency = $3::text) "
    "AND ($4::text IS NULL OR r.assignee_id = $4::text) "
    "AND ($5::int = 0 OR (r.lat BETWEEN $6::float8 AND $7::float8 AND "
    "r.lon BETWEEN $8::float8 AND $9::float8)) "
    "AND ($10::bigint = 0 OR r.created_at >= $10::bigint) "
    "AND ($11::bigint = 0 OR r.created_at < $11::bigint) "
    "AND ($12::bigint = 0 OR r.opened_at > $12::bigint) "
    "ORDER BY r.created_at, r.id COLLATE \"C\" LIMIT $13::bigint";
static const char *const sql_claim =
    "UPDATE help_requests SET assignee_id = $2, status = 'claimed', claimed_at = $3::bigint, "
    "updated_at = $3::bigint WHERE id = $1 AND status = 'open' AND assignee_id IS NULL";
static const char *const sql_set_status =
    "UPDATE help_requests SET status = $3::text,"
    " assignee_id = CASE WHEN $4::text IS NULL THEN assignee_id WHEN $4::text = '' THEN NULL"
    " ELSE $4::text END,"
    " claimed_at = CASE WHEN $4::text IS NULL THEN claimed_at WHEN $4::text = '' THEN NULL"
    " ELSE $6::bigint END,"
    " opened_at = CASE WHEN $3::text = 'open' THEN $6::bigint ELSE opened_at END,"
    " closed_at = CASE WHEN $3::text IN ('closed','cancelled','unable_to_help') THEN $6::bigint"
    " ELSE closed_at END,"
    " reason = coalesce($5::text, reason), updated_at = $6::bigint "
    "WHERE id = $1 AND status = $2::text";
static const char *const sql_event_insert =
    "INSERT INTO request_events(request_id, at, actor_id, from_status, to_status, reason) "
    "VALUES ($1,$2::bigint,$3,$4,$5,$6)";
static const char *const sql_events =
    "SELECT at, actor_id, from_status, to_status, reason FROM request_events "
    "WHERE request_id = $1 ORDER BY id";
static const char *const sql_note_insert =
    "INSERT INTO request_notes(request_id, at, author_id, kind, text, outcome) "
    "VALUES ($1,$2::bigint,$3,$4,$5,$6)";
static const char *const sql_notes =
    "SELECT n.id, n.at, n.author_id, u.name, n.kind, n.text, n.outcome FROM request_notes n "
    "LEFT JOIN users u ON u.id = n.author_id WHERE n.request_id = $1 ORDER BY n.id";
static const char *const sql_delivery =
    "UPDATE help_requests SET checklist = $2,"
    " receipt_amount = CASE WHEN $3::int = 1 THEN $4::float8 ELSE receipt_amount END,"
    " reimbursement = coalesce($5::text, reimbursement), updated_at = $6::bigint WHERE id = $1";
static const char *const sql_volunteers =
    "SELECT u.id, u.name, u.phone, u.language, v.languages, v.availability, v.lat, v.lon, "
    "v.radius_km, (SELECT count(*) FROM help_requests h WHERE h.assignee_id = u.id AND "
    "h.status IN ('claimed','in_progress')) "
    "FROM users u JOIN volunteer_profiles v ON v.user_id = u.id "
    "WHERE u.role = 'volunteer' AND u.status = 'approved' AND v.lat IS NOT NULL "
    "AND v.lon IS NOT NULL "
    "AND ($1::int = 0 OR (v.lat BETWEEN $2::float8 AND $3::float8 AND "
    "v.lon BETWEEN $4::float8 AND $5::float8)) "
    "ORDER BY u.id COLLATE \"C\" LIMIT $6::bigint";
static const char *const sql_stats =
    "SELECT status, kind, created_at / 86400, lat, lon, count(*) FROM help_requests "
    "GROUP BY status, kind, created_at / 86400, lat, lon "
    "ORDER BY status COLLATE \"C\", kind COLLATE \"C\", 3, lat IS NULL, lat, lon";
static const char *const sql_idem_get =
    "SELECT request_hash, response_status, response_body, created_at FROM idempotency "
    "WHERE key = $1 AND route = $2";
static const char *const sql_idem_put =
    "INSERT INTO idempotency(key, route, request_hash, response_status, response_body, "
    "created_at) VALUES ($1,$2,$3,$4::bigint,$5,$6::bigint) ON CONFLICT DO NOTHING";
static const char *const sql_purge_outbox_phones =
    "DELETE FROM outbox WHERE status IN ('sent','failed') AND recipient IN "
    "(SELECT phone FROM request_contacts WHERE request_id IN (" FINISHED "))";
static const char *const sql_purge_notes =
    "DELETE FROM request_notes WHERE request_id IN (" FINISHED ")";
static const char *const sql_purge_events =
    "UPDATE request_events SET reason = NULL WHERE reason IS NOT NULL AND request_id IN "
    "(" FINISHED ")";
static const char *const sql_purge_contacts =
    "DELETE FROM request_contacts WHERE request_id IN (" FINISHED ")";
static const char *const sql_purge_requests =
    "UPDATE help_requests SET purged_at = $2::bigint, reason = NULL, checklist = '{}' "
    "WHERE id IN (" FINISHED ")";
static const char *const sql_purge_idem = "DELETE FROM idempotency WHERE created_at < $1::bigint";
static const char *const sql_purge_outbox_old =
    "DELETE FROM outbox WHERE status IN ('sent','failed') AND created_at < $1::bigint";
static const char *const sql_outbox_take =
    "UPDATE outbox o SET status = 'sending', lease_until = $2::bigint, attempts = o.attempts + 1 "
    "FROM (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= $1::bigint) "
    "OR (status = 'sending' AND lease_until <= $1::bigint) ORDER BY id LIMIT $3::bigint "
    "FOR UPDATE SKIP LOCKED) d WHERE o.id = d.id "
    "RETURNING o.id, o.attempts, o.recipient, o.channel, o.language, o.template, o.payload";
static const char *const sql_outbox_sent =
    "UPDATE outbox SET status = 'sent', sent_at = $2::bigint, lease_until = NULL, "
    "last_error = NULL WHERE id = $1::bigint AND status = 'sending'";
static const char *const sql_outbox_retry =
    "UPDATE outbox SET status = CASE WHEN $3::int = 1 THEN 'failed' ELSE 'pending' END, "
    "next_attempt_at = $2::bigint, lease_until = NULL, last_error = $4 "
    "WHERE id = $1::bigint AND status = 'sending'";
static const char *const sql_outbox_counts =
    "SELECT status, count(*) FROM outbox GROUP BY status";

static const char *const sql_area =
    "UPDATE help_requests SET lat = $2::float8, lon = $3::float8, updated_at = $4::bigint "
    "WHERE id = $1";
static const char *const sql_area_exact =
    "UPDATE request_contacts SET lat = $2::float8, lon = $3::float8 WHERE request_id = $1";

/* ---- parameters and rows ---- */

#define NUM_LEN HY_PG_NUM_LEN

struct row {
    const PGresult *res;
    int i;
    hy_arena *a;
    bool ok;
};

static bool is_null(struct row *r, int col) {
    if (col >= PQnfields(r->res)) {
        r->ok = false;
        return true;
    }
    return PQgetisnull(r->res, r->i, col);
}

static const char *row_text(struct row *r, int col) {
    if (is_null(r, col)) return NULL;
    char *v = hy_arena_strndup(r->a, PQgetvalue(r->res, r->i, col),
                               (size_t)PQgetlength(r->res, r->i, col));
    if (!v) r->ok = false;
    return v;
}

/* An integer column; SQL NULL reads as 0. */
static int64_t row_i64(struct row *r, int col) {
    if (is_null(r, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || errno) r->ok = false;
    return (int64_t)n;
}

static double row_f64(struct row *r, int col) {
    if (is_null(r, col)) return 0;
    const char *v = PQgetvalue(r->res, r->i, col);
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end) r->ok = false;
    return d;
}

static void row_fixed(struct row *r, int col, char *out, size_t max) {
    size_t n = 0;
    if (!is_null(r, col)) {
        n = (size_t)PQgetlength(r->res, r->i, col);
        if (n > max) n = max;
        memcpy(out, PQgetvalue(r->res, r->i, col), n);
    }
    out[n] = '\0';
}

static int cmd_count(const PGresult *res) {
    const char *v = PQcmdTuples((PGresult *)res);
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno || n < 0 || n > INT32_MAX) return -1;
    return (int)n;
}

static void read_request(struct row *w, struct hy_request *r) {
    memset(r, 0, sizeof *r);
    row_fixed(w, 0, r->id, HY_ID_LEN);
    row_fixed(w, 1, r->tracking_code, HY_TRACKING_LEN);
    r->status = row_text(w, 2);
    r->kind = row_text(w, 3);
    r->urgency = row_text(w, 4);
    r->for_whom = row_text(w, 5);
    r->language = row_text(w, 6);
    r->source = row_text(w, 7);
    r->has_area = !is_null(w, 8) && !is_null(w, 9);
    r->lat = row_f64(w, 8);
    r->lon = row_f64(w, 9);
    row_fixed(w, 10, r->assignee_id, HY_ID_LEN);
    r->assignee_name = row_text(w, 11);
    r->reason = row_text(w, 12);
    r->checklist = row_text(w, 13);
    r->has_receipt = !is_null(w, 14);
    r->receipt_amount = row_f64(w, 14);
    r->reimbursement = row_text(w, 15);
    r->created_at = row_i64(w, 16);
    r->updated_at = row_i64(w, 17);
    r->opened_at = row_i64(w, 18);
    r->claimed_at = row_i64(w, 19);
    r->closed_at = row_i64(w, 20);
    r->purged = !is_null(w, 21);
    if (!r->status || !r->checklist) w->ok = false;
}

/* Runs a query and copies each row with `fill(row, item)` into an arena array of `size`-byte
 * items. Returns the count, or a negative status. */
static int query_rows(hy_store *base, int id, const char *sql, int n, const char *const *p,
                      hy_arena *a, size_t size, void (*fill)(struct row *, void *), void **ret) {
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), id, sql, n, p, &res);
    if (r < 0) return r;
    if (r == HY_DB_NONE) {
        *ret = NULL;
        return 0;
    }
    int rows = PQntuples(res);
    char *out = hy_arena_zalloc(a, (size_t)(rows ? rows : 1) * size);
    struct row w = {res, 0, a, out != NULL};
    for (int i = 0; i < rows && w.ok; i++) {
        w.i = i;
        fill(&w, out + (size_t)i * size);
    }
    PQclear(res);
    if (!w.ok) return HY_DB_HARD;
    *ret = out;
    return rows;
}

static void fill_request(struct row *w, void *item) { read_request(w, item); }

static int one_request(hy_store *base, int id, const char *sql, const char *key, hy_arena *a,
                       struct hy_request *ret) {
    const char *const p[] = {key};
    void *out;
    int n = query_rows(base, id, sql, 1, p, a, sizeof(struct hy_request), fill_request, &out);
    if (n < 0) return n;
    if (n == 0) return HY_DB_NONE;
    *ret = *(struct hy_request *)out;
    return HY_DB_ONE;
}

/* ---- requests ---- */

static int rq_insert(hy_store *base, const struct hy_request *r,
                     const struct hy_request_contact *c) {
    char lat[NUM_LEN], lon[NUM_LEN], at[NUM_LEN], op[NUM_LEN];
    const char *const p[] = {r->id,
                             r->tracking_code,
                             r->status,
                             r->kind,
                             r->urgency,
                             r->for_whom,
                             r->language,
                             r->source,
                             r->has_area ? hy_pg_fmt_f64(lat, r->lat) : NULL,
                             r->has_area ? hy_pg_fmt_f64(lon, r->lon) : NULL,
                             hy_pg_fmt_i64(at, r->created_at),
                             r->opened_at ? hy_pg_fmt_i64(op, r->opened_at) : NULL};
    int x = hy_pg_exec(hy_pg_of(base), Q_INSERT, sql_insert, 12, p, NULL);
    if (x <= 0) return x;
    char clat[NUM_LEN], clon[NUM_LEN];
    const char *const q[] = {r->id,
                             c->name,
                             c->phone,
                             c->address ? c->address : "",
                             c->details ? c->details : "",
                             c->has_exact ? hy_pg_fmt_f64(clat, c->lat) : NULL,
                             c->has_exact ? hy_pg_fmt_f64(clon, c->lon) : NULL};
    x = hy_pg_exec(hy_pg_of(base), Q_CONTACT_INSERT, sql_contact_insert, 7, q, NULL);
    return x == HY_DB_NONE ? HY_DB_HARD : x;
}

static int rq_get(hy_store *base, const char *id, hy_arena *a, struct hy_request *ret) {
    return one_request(base, Q_GET, sql_get, id, a, ret);
}

static int rq_by_code(hy_store *base, const char *code, hy_arena *a, struct hy_request *ret) {
    return one_request(base, Q_BY_CODE, sql_by_code, code, a, ret);
}

static void fill_contact(struct row *w, void *item) {
    struct hy_request_contact *c = item;
    c->name = row_text(w, 0);
    c->phone = row_text(w, 1);
    c->address = row_text(w, 2);
    c->details = row_text(w, 3);
    c->has_exact = !is_null(w, 4);
    c->lat = row_f64(w, 4);
    c->lon = row_f64(w, 5);
}

static int rq_contact_get(hy_store *base, const char *id, hy_arena *a,
                          struct hy_request_contact *ret) {
    const char *const p[] = {id};
    void *out;
    int n = query_rows(base, Q_CONTACT_GET, sql_contact_get, 1, p, a,
                       sizeof(struct hy_request_contact), fill_contact, &out);
    if (n < 0) return n;
    if (n == 0) return HY_DB_NONE;
    *ret = *(struct hy_request_contact *)out;
    return HY_DB_ONE;
}

static int rq_list(hy_store *base, const struct hy_request_filter *f, hy_arena *a,
                   struct hy_request **ret) {
    char b[4][NUM_LEN], t[3][NUM_LEN], l[NUM_LEN];
    const char *const p[] = {f->statuses,
                             f->kind,
                             f->urgency,
                             f->assignee_id,
                             f->has_box ? "1" : "0",
                             hy_pg_fmt_f64(b[0], f->min_lat),
                             hy_pg_fmt_f64(b[1], f->max_lat),
                             hy_pg_fmt_f64(b[2], f->min_lon),
                             hy_pg_fmt_f64(b[3], f->max_lon),
                             hy_pg_fmt_i64(t[0], f->created_after),
                             hy_pg_fmt_i64(t[1], f->created_before),
                             hy_pg_fmt_i64(t[2], f->opened_after),
                             hy_pg_fmt_size(l, f->limit)};
    void *out;
    int n = query_rows(base, Q_LIST, sql_list, 13, p, a, sizeof(struct hy_request), fill_request,
                       &out);
    if (n >= 0) *ret = out;
    return n;
}

static int rq_claim(hy_store *base, const char *id, const char *user_id, int64_t now) {
    char at[NUM_LEN];
    const char *const p[] = {id, user_id, hy_pg_fmt_i64(at, now)};
    return hy_pg_exec(hy_pg_of(base), Q_CLAIM, sql_claim, 3, p, NULL);
}

static int rq_set_status(hy_store *base, const char *id, const char *from, const char *to,
                         const char *assignee, const char *reason, int64_t now) {
    char at[NUM_LEN];
    const char *const p[] = {id, from, to, assignee, reason, hy_pg_fmt_i64(at, now)};
    return hy_pg_exec(hy_pg_of(base), Q_SET_STATUS, sql_set_status, 6, p, NULL);
}

static int rq_event_insert(hy_store *base, const char *id, const struct hy_request_event *e) {
    char at[NUM_LEN];
    const char *const p[] = {id, hy_pg_fmt_i64(at, e->at), e->actor_id, e->from_status, e->to_status,
                             e->reason};
    return hy_pg_exec(hy_pg_of(base), Q_EVENT_INSERT, sql_event_insert, 6, p, NULL);
}

static void fill_event(struct row *w, void *item) {
    struct hy_request_event *e = item;
    e->at = row_i64(w, 0);
    e->actor_id = row_text(w, 1);
    e->from_status = row_text(w, 2);
    e->to_status = row_text(w, 3);
    e->reason = row_text(w, 4);
}

static int rq_events(hy_store *base, const char *id, hy_arena *a,
                     struct hy_request_event **ret) {
    const char *const p[] = {id};
    void *out;
    int n = query_rows(base, Q_EVENTS, sql_events, 1, p, a, sizeof(struct hy_request_event),
                       fill_event, &out);
    if (n >= 0) *ret = out;
    return n;
}

static int rq_note_insert(hy_store *base, const char *id, const struct hy_request_note *nt) {
    char at[NUM_LEN];
    const char *const p[] = {id, hy_pg_fmt_i64(at, nt->at), nt->author_id, nt->kind, nt->text,
                             nt->outcome};
    return hy_pg_exec(hy_pg_of(base), Q_NOTE_INSERT, sql_note_insert, 6, p, NULL);
}

static void fill_note(struct row *w, void *item) {
    struct hy_request_note *e = item;
    e->id = row_i64(w, 0);
    e->at = row_i64(w, 1);
    e->author_id = row_text(w, 2);
    e->author_name = row_text(w, 3);
    e->kind = row_text(w, 4);
    e->text = row_text(w, 5);
    e->outcome = row_text(w, 6);
}

static int rq_notes(hy_store *base, const char *id, hy_arena *a, struct hy_request_note **ret) {
    const char *const p[] = {id};
    void *out;
    int n = query_rows(base, Q_NOTES, sql_notes, 1, p, a, sizeof(struct hy_request_note),
                       fill_note, &out);
    if (n >= 0) *ret = out;
    return n;
}

static int rq_set_area(hy_store *base, const char *id, double lat, double lon,
                       double exact_lat, double exact_lon, int64_t now) {
    if (!isfinite(lat) || !isfinite(lon) || !isfinite(exact_lat) || !isfinite(exact_lon))
        return HY_DB_HARD;
    char a[NUM_LEN], b[NUM_LEN], c[NUM_LEN], d[NUM_LEN], t[NUM_LEN];
    const char *const p[] = {id, hy_pg_fmt_f64(a, lat), hy_pg_fmt_f64(b, lon), hy_pg_fmt_i64(t, now)};
    int r = hy_pg_exec(hy_pg_of(base), Q_AREA, sql_area, 4, p, NULL);
    if (r <= 0) return r;
    const char *const q[] = {id, hy_pg_fmt_f64(c, exact_lat), hy_pg_fmt_f64(d, exact_lon)};
    r = hy_pg_exec(hy_pg_of(base), Q_AREA_EXACT, sql_area_exact, 3, q, NULL);
    return r < 0 ? r : HY_DB_ONE;
}

static int rq_set_delivery(hy_store *base, const char *id, const char *checklist,
                           bool has_receipt, double amount, const char *reimbursement,
                           int64_t now) {
    if (has_receipt && !isfinite(amount)) return HY_DB_HARD;
    char am[NUM_LEN], at[NUM_LEN];
    const char *const p[] = {id, checklist, has_receipt ? "1" : "0",
                             hy_pg_fmt_f64(am, has_receipt ? amount : 0), reimbursement,
                             hy_pg_fmt_i64(at, now)};
    return hy_pg_exec(hy_pg_of(base), Q_DELIVERY, sql_delivery, 6, p, NULL);
}

static void fill_volunteer(struct row *w, void *item) {
    struct hy_request_volunteer *v = item;
    row_fixed(w, 0, v->user_id, HY_ID_LEN);
    v->name = row_text(w, 1);
    v->phone = row_text(w, 2);
    v->language = row_text(w, 3);
    v->languages = row_text(w, 4);
    v->availability = row_text(w, 5);
    v->lat = row_f64(w, 6);
    v->lon = row_f64(w, 7);
    v->radius_km = row_f64(w, 8);
    v->load = row_i64(w, 9);
}

static int rq_volunteers(hy_store *base, const double *box, size_t limit, hy_arena *a,
                         struct hy_request_volunteer **ret) {
    char b[4][NUM_LEN], l[NUM_LEN];
    const char *const p[] = {box ? "1" : "0",
                             hy_pg_fmt_f64(b[0], box ? box[0] : 0),
                             hy_pg_fmt_f64(b[1], box ? box[1] : 0),
                             hy_pg_fmt_f64(b[2], box ? box[2] : 0),
                             hy_pg_fmt_f64(b[3], box ? box[3] : 0),
                             hy_pg_fmt_size(l, limit)};
    void *out;
    int n = query_rows(base, Q_VOLUNTEERS, sql_volunteers, 6, p, a,
                       sizeof(struct hy_request_volunteer), fill_volunteer, &out);
    if (n >= 0) *ret = out;
    return n;
}

static void fill_stat(struct row *w, void *item) {
    struct hy_request_stat_row *r = item;
    r->status = row_text(w, 0);
    r->kind = row_text(w, 1);
    r->day = row_i64(w, 2);
    r->has_area = !is_null(w, 3);
    r->lat = row_f64(w, 3);
    r->lon = row_f64(w, 4);
    r->count = row_i64(w, 5);
}

static int rq_stats(hy_store *base, hy_arena *a, struct hy_request_stat_row **ret) {
    void *out;
    int n = query_rows(base, Q_STATS, sql_stats, 0, NULL, a, sizeof(struct hy_request_stat_row),
                       fill_stat, &out);
    if (n >= 0) *ret = out;
    return n;
}

/* ---- idempotency ---- */

static void fill_idem(struct row *w, void *item) {
    struct hy_idempotency *v = item;
    v->request_hash = row_text(w, 0);
    v->status = (int)row_i64(w, 1);
    v->body = row_text(w, 2);
    v->created_at = row_i64(w, 3);
    if (!v->request_hash || !v->body) w->ok = false;
}

static int rq_idem_get(hy_store *base, const char *key, const char *route, hy_arena *a,
                       struct hy_idempotency *ret) {
    const char *const p[] = {key, route};
    void *out;
    int n = query_rows(base, Q_IDEM_GET, sql_idem_get, 2, p, a, sizeof(struct hy_idempotency),
                       fill_idem, &out);
    if (n < 0) return n;
    if (n == 0) return HY_DB_NONE;
    *ret = *(struct hy_idempotency *)out;
    return HY_DB_ONE;
}

static int rq_idem_put(hy_store *base, const char *key, const char *route,
                       const struct hy_idempotency *v) {
    char st[NUM_LEN], at[NUM_LEN];
    const char *const p[] = {key, route, v->request_hash, hy_pg_fmt_i64(st, v->status), v->body,
                             hy_pg_fmt_i64(at, v->created_at)};
    return hy_pg_exec(hy_pg_of(base), Q_IDEM_PUT, sql_idem_put, 6, p, NULL);
}

/* ---- retention ---- */

static int purge_step(hy_store *base, int id, const char *sql, int64_t t1, bool has2,
                      int64_t t2, int64_t *count) {
    char a[NUM_LEN], b[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(a, t1), hy_pg_fmt_i64(b, t2)};
    PGresult *res = NULL;
    int r = hy_pg_exec(hy_pg_of(base), id, sql, has2 ? 2 : 1, p, &res);
    if (r < 0) return r;
    if (r == HY_DB_ONE) {
        int n = cmd_count(res);
        PQclear(res);
        if (n < 0) return HY_DB_HARD;
        if (count) *count += n;
    }
    return HY_DB_ONE;
}

static int rq_purge(hy_store *base, int64_t now, int64_t finished_before, int64_t idem_before,
                    int64_t outbox_before, struct hy_purge_counts *ret) {
    struct hy_purge_counts c = {0};
    int r;
    if ((r = purge_step(base, Q_PURGE_OUTBOX_PHONES, sql_purge_outbox_phones, finished_before,
                        false, 0, &c.outbox)) < 0 ||
        (r = purge_step(base, Q_PURGE_NOTES, sql_purge_notes, finished_before, false, 0,
                        &c.notes)) < 0 ||
        (r = purge_step(base, Q_PURGE_EVENTS, sql_purge_events, finished_before, false, 0,
                        NULL)) < 0 ||
        (r = purge_step(base, Q_PURGE_CONTACTS, sql_purge_contacts, finished_before, false, 0,
                        NULL)) < 0 ||
        (r = purge_step(base, Q_PURGE_REQUESTS, sql_purge_requests, finished_before, true, now,
                        &c.requests)) < 0 ||
        (r = purge_step(base, Q_PURGE_IDEM, sql_purge_idem, idem_before, false, 0,
                        &c.idempotency)) < 0 ||
        (r = purge_step(base, Q_PURGE_OUTBOX_OLD, sql_purge_outbox_old, outbox_before, false, 0,
                        &c.outbox)) < 0)
        return r;
    if (ret) *ret = c;
    return HY_DB_ONE;
}

/* Plain VACUUM marks the dead row versions' space free for reuse and removes their index
 * entries; it does not promise to overwrite the bytes (VACUUM FULL rewrites the tables, but
 * locks them). docs/requests.md says what that means for retention. */
static int rq_compact(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (s->in_tx) return HY_DB_HARD;
    PGresult *res = PQexec(s->conn, "VACUUM request_contacts, request_notes, outbox, "
                                    "idempotency, help_requests, request_events");
    int r = hy_pg_status(s, res);
    PQclear(res);
    return r;
}

/* ---- the outbox queue ---- */

static void fill_item(struct row *w, void *item) {
    struct hy_outbox_item *m = item;
    m->id = row_i64(w, 0);
    m->attempts = row_i64(w, 1);
    m->recipient = row_text(w, 2);
    m->channel = row_text(w, 3);
    m->language = row_text(w, 4);
    m->template_name = row_text(w, 5);
    m->payload = row_text(w, 6);
}

static int cmp_item(const void *x, const void *y) {
    const struct hy_outbox_item *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static int rq_outbox_take(hy_store *base, int64_t now, int64_t lease_until, size_t limit,
                          hy_arena *a, struct hy_outbox_item **ret) {
    char n1[NUM_LEN], n2[NUM_LEN], l[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(n1, now), hy_pg_fmt_i64(n2, lease_until), hy_pg_fmt_size(l, limit)};
    void *out;
    int n = query_rows(base, Q_OUTBOX_TAKE, sql_outbox_take, 3, p, a,
                       sizeof(struct hy_outbox_item), fill_item, &out);
    if (n > 1) qsort(out, (size_t)n, sizeof(struct hy_outbox_item), cmp_item);
    if (n >= 0) *ret = out;
    return n;
}

static int rq_outbox_sent(hy_store *base, int64_t id, int64_t now) {
    char i[NUM_LEN], at[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(i, id), hy_pg_fmt_i64(at, now)};
    return hy_pg_exec(hy_pg_of(base), Q_OUTBOX_SENT, sql_outbox_sent, 2, p, NULL);
}

static int rq_outbox_retry(hy_store *base, int64_t id, int64_t next_at, bool give_up,
                           const char *error) {
    char i[NUM_LEN], at[NUM_LEN];
    const char *const p[] = {hy_pg_fmt_i64(i, id), hy_pg_fmt_i64(at, next_at), give_up ? "1" : "0", error};
    return hy_pg_exec(hy_pg_of(base), Q_OUTBOX_RETRY, sql_outbox_retry, 4, p, NULL);
}

static int rq_outbox_counts(hy_store *base, int64_t ret[4]) {
    PGresult *res;
    int r = hy_pg_exec(hy_pg_of(base), Q_OUTBOX_COUNTS, sql_outbox_counts, 0, NULL, &res);
    if (r < 0) return r;
    static const char *const names[4] = {"pending", "sending", "sent", "failed"};
    int64_t c[4] = {0};
    if (r == HY_DB_ONE) {
        for (int i = 0; i < PQntuples(res); i++)
            for (int k = 0; k < 4; k++)
                if (!strcmp(PQgetvalue(res, i, 0), names[k]))
                    c[k] = strtoll(PQgetvalue(res, i, 1), NULL, 10);
        PQclear(res);
    }
    memcpy(ret, c, sizeof c);
    return HY_DB_ONE;
}

const struct hy_request_ops hy_pg_request_ops = {
    .insert = rq_insert,
    .get = rq_get,
    .by_code = rq_by_code,
    .contact_get = rq_contact_get,
    .list = rq_list,
    .claim = rq_claim,
    .set_status = rq_set_status,
    .event_insert = rq_event_insert,
    .events = rq_events,
    .note_insert = rq_note_insert,
    .notes = rq_notes,
    .set_area = rq_set_area,
    .set_delivery = rq_set_delivery,
    .volunteers = rq_volunteers,
    .stats = rq_stats,
    .idem_get = rq_idem_get,
    .idem_put = rq_idem_put,
    .purge = rq_purge,
    .compact = rq_compact,
    .outbox_take = rq_outbox_take,
    .outbox_sent = rq_outbox_sent,
    .outbox_retry = rq_outbox_retry,
    .outbox_counts = rq_outbox_counts,
};
