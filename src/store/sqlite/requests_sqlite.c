/* requests_sqlite.c — help requests, their contacts, events, notes, idempotency keys, the
 * outbox worker's queue and the retention purge, for the SQLite backend (store/requests.h).
 *
 * Writes run inside BEGIN IMMEDIATE (store_sqlite.c), so one writer at a time: the claim's
 * single UPDATE … WHERE status = 'open' AND assignee_id IS NULL can succeed for one caller
 * only, and outbox_take()'s UPDATE … RETURNING hands each row to one worker. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/requests.h"
#include "store/sqlite/store_sqlite.h"

enum {
    Q_INSERT = HY_SQ_REQUESTS_BASE,
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

_Static_assert((int)Q__END <= (int)HY_SQ_LIBRARY_BASE, "request statements overflow their id range");

#define REQ_COLS                                                                               \
    "r.id, r.tracking_code, r.status, r.kind, r.urgency, r.for_whom, r.language, r.source, "  \
    "r.lat, r.lon, r.assignee_id, u.name, r.reason, r.checklist, r.receipt_amount, "          \
    "r.reimbursement, r.created_at, r.updated_at, r.opened_at, r.claimed_at, r.closed_at, "   \
    "r.purged_at"
#define REQ_FROM " FROM help_requests r LEFT JOIN users u ON u.id = r.assignee_id "
/* Finished requests whose personal data may go: ?1 is the cut-off. */
#define FINISHED                                                                               \
    "SELECT id FROM help_requests WHERE status IN ('closed','cancelled','unable_to_help') "   \
    "AND purged_at IS NULL AND closed_at < ?1"

static const char *const sql_insert =
    "INSERT INTO help_requests(id, tracking_code, status, kind, urgency, for_whom, language, "
    "source, lat, lon, created_at, updated_at, opened_at) "
    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11,?12) ON CONFLICT DO NOTHING";
static const char *const sql_contact_insert =
    "INSERT INTO request_contacts(request_id, name, phone, address, details, lat, lon) "
    "VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char *const sql_get = "SELECT " REQ_COLS REQ_FROM "WHERE r.id = ?1";
static const char *const sql_by_code = "SELECT " REQ_COLS REQ_FROM "WHERE r.tracking_code = ?1";
static const char *const sql_contact_get =
    "SELECT name, phone, address, details, lat, lon FROM request_contacts WHERE request_id = ?1";
static const char *const sql_list =
    "SELECT " REQ_COLS REQ_FROM
    "WHERE (?1 IS NULL OR instr(?1, ',' || r.status || ',') > 0) "
    "AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.urgency = ?3) "
    "AND (?4 IS NULL OR r.assignee_id = ?4) "
    "AND (?5 = 0 OR (r.lat BETWEEN ?6 AND ?7 AND r.lon BETWEEN ?8 AND ?9)) "
    "AND (?10 = 0 OR r.created_at >= ?10) AND (?11 = 0 OR r.created_at < ?11) "
    "AND (?12 = 0 OR r.opened_at > ?12) "
    "ORDER BY r.created_at, r.id LIMIT ?13";
static const char *const sql_claim =
    "UPDATE help_requests SET assignee_id = ?2, status = 'claimed', claimed_at = ?3, "
    "updated_at = ?3 WHERE id = ?1 AND status = 'open' AND assignee_id IS NULL";
static const char *const sql_set_status =
    "UPDATE help_requests SET status = ?3,"
    " assignee_id = CASE WHEN ?4 IS NULL THEN assignee_id WHEN ?4 = '' THEN NULL ELSE ?4 END,"
    " claimed_at = CASE WHEN ?4 IS NULL THEN claimed_at WHEN ?4 = '' THEN NULL ELSE ?6 END,"
    " opened_at = CASE WHEN ?3 = 'open' THEN ?6 ELSE opened_at END,"
    " closed_at = CASE WHEN ?3 IN ('closed','cancelled','unable_to_help') THEN ?6"
    " ELSE closed_at END,"
    " reason = coalesce(?5, reason), updated_at = ?6 "
    "WHERE id = ?1 AND status = ?2";
static const char *const sql_event_insert =
    "INSERT INTO request_events(request_id, at, actor_id, from_status, to_status, reason) "
    "VALUES (?1,?2,?3,?4,?5,?6)";
static const char *const sql_events =
    "SELECT at, actor_id, from_status, to_status, reason FROM request_events "
    "WHERE request_id = ?1 ORDER BY id";
static const char *const sql_note_insert =
    "INSERT INTO request_notes(request_id, at, author_id, kind, text, outcome) "
    "VALUES (?1,?2,?3,?4,?5,?6)";
static const char *const sql_notes =
    "SELECT n.id, n.at, n.author_id, u.name, n.kind, n.text, n.outcome FROM request_notes n "
    "LEFT JOIN users u ON u.id = n.author_id WHERE n.request_id = ?1 ORDER BY n.id";
static const char *const sql_delivery =
    "UPDATE help_requests SET checklist = ?2,"
    " receipt_amount = CASE WHEN ?3 THEN ?4 ELSE receipt_amount END,"
    " reimbursement = coalesce(?5, reimbursement), updated_at = ?6 WHERE id = ?1";
static const char *const sql_volunteers =
    "SELECT u.id, u.name, u.phone, u.language, v.languages, v.availability, v.lat, v.lon, "
    "v.radius_km, (SELECT count(*) FROM help_requests h WHERE h.assignee_id = u.id AND "
    "h.status IN ('claimed','in_progress')) "
    "FROM users u JOIN volunteer_profiles v ON v.user_id = u.id "
    "WHERE u.role = 'volunteer' AND u.status = 'approved' AND v.lat IS NOT NULL "
    "AND v.lon IS NOT NULL "
    "AND (?1 = 0 OR (v.lat BETWEEN ?2 AND ?3 AND v.lon BETWEEN ?4 AND ?5)) "
    "ORDER BY u.id LIMIT ?6";
static const char *const sql_stats =
    "SELECT status, kind, created_at / 86400, lat, lon, count(*) FROM help_requests "
    "GROUP BY status, kind, created_at / 86400, lat, lon "
    "ORDER BY status, kind, 3, lat IS NULL, lat, lon";
static const char *const sql_idem_get =
    "SELECT request_hash, response_status, response_body, created_at FROM idempotency "
    "WHERE key = ?1 AND route = ?2";
static const char *const sql_idem_put =
    "INSERT INTO idempotency(key, route, request_hash, response_status, response_body, "
    "created_at) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT DO NOTHING";
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
    "UPDATE help_requests SET purged_at = ?2, reason = NULL, checklist = '{}' "
    "WHERE id IN (" FINISHED ")";
static const char *const sql_purge_idem = "DELETE FROM idempotency WHERE created_at < ?1";
static const char *const sql_purge_outbox_old =
    "DELETE FROM outbox WHERE status IN ('sent','failed') AND created_at < ?1";
static const char *const sql_outbox_take =
    "UPDATE outbox SET status = 'sending', lease_until = ?2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?1) "
    "OR (status = 'sending' AND lease_until <= ?1) ORDER BY id LIMIT ?3) "
    "RETURNING id, attempts, recipient, channel, language, template, payload";
static const char *const sql_outbox_sent =
    "UPDATE outbox SET status = 'sent', sent_at = ?2, lease_until = NULL, last_error = NULL "
    "WHERE id = ?1 AND status = 'sending'";
static const char *const sql_outbox_retry =
    "UPDATE outbox SET status = CASE WHEN ?3 THEN 'failed' ELSE 'pending' END, "
    "next_attempt_at = ?2, lease_until = NULL, last_error = ?4 "
    "WHERE id = ?1 AND status = 'sending'";
static const char *const sql_outbox_counts =
    "SELECT status, count(*) FROM outbox GROUP BY status";

static const char *const sql_area =
    "UPDATE help_requests SET lat = ?2, lon = ?3, updated_at = ?4 WHERE id = ?1";
static const char *const sql_area_exact =
    "UPDATE request_contacts SET lat = ?2, lon = ?3 WHERE request_id = ?1";

/* ---- helpers ---- */

static void col_fixed(sqlite3_stmt *st, int i, char *out, size_t max) {
    const char *v = (const char *)sqlite3_column_text(st, i);
    size_t n = v ? strlen(v) : 0;
    if (n > max) n = max;
    if (n) memcpy(out, v, n);
    out[n] = '\0';
}

static int64_t col_i64(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Grows an arena array of `size`-byte items: returns the new base (old items copied). */
static void *grow(hy_arena *a, void *old, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return old;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = hy_arena_alloc(a, nc * size);
    if (!p) return NULL;
    if (old && n) memcpy(p, old, n * size);
    *cap = nc;
    return p;
}

static bool read_request(sqlite3_stmt *st, hy_arena *a, struct hy_request *r) {
    bool ok = true;
    memset(r, 0, sizeof *r);
    col_fixed(st, 0, r->id, HY_ID_LEN);
    col_fixed(st, 1, r->tracking_code, HY_TRACKING_LEN);
    r->status = hy_sq_col_text(st, 2, a, &ok);
    r->kind = hy_sq_col_text(st, 3, a, &ok);
    r->urgency = hy_sq_col_text(st, 4, a, &ok);
    r->for_whom = hy_sq_col_text(st, 5, a, &ok);
    r->language = hy_sq_col_text(st, 6, a, &ok);
    r->source = hy_sq_col_text(st, 7, a, &ok);
    r->has_area = sqlite3_column_type(st, 8) != SQLITE_NULL && sqlite3_column_type(st, 9) != SQLITE_NULL;
    r->lat = sqlite3_column_double(st, 8);
    r->lon = sqlite3_column_double(st, 9);
    col_fixed(st, 10, r->assignee_id, HY_ID_LEN);
    r->assignee_name = hy_sq_col_text(st, 11, a, &ok);
    r->reason = hy_sq_col_text(st, 12, a, &ok);
    r->checklist = hy_sq_col_text(st, 13, a, &ok);
    r->has_receipt = sqlite3_column_type(st, 14) != SQLITE_NULL;
    r->receipt_amount = sqlite3_column_double(st, 14);
    r->reimbursement = hy_sq_col_text(st, 15, a, &ok);
    r->created_at = col_i64(st, 16);
    r->updated_at = col_i64(st, 17);
    r->opened_at = col_i64(st, 18);
    r->claimed_at = col_i64(st, 19);
    r->closed_at = col_i64(st, 20);
    r->purged = sqlite3_column_type(st, 21) != SQLITE_NULL;
    return ok && r->status && r->checklist;
}

static int one_request(hy_sqlite *s, sqlite3_stmt *st, hy_arena *a, struct hy_request *ret) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return hy_sq_finish(st, HY_DB_NONE);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    struct hy_request r;
    if (!read_request(st, a, &r)) return hy_sq_finish(st, HY_DB_HARD);
    *ret = r;
    return hy_sq_finish(st, HY_DB_ONE);
}

/* ---- requests ---- */

static int rq_insert(hy_store *base, const struct hy_request *r,
                     const struct hy_request_contact *c) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_INSERT, sql_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, r->id);
    hy_sq_bind_text(st, 2, r->tracking_code);
    hy_sq_bind_text(st, 3, r->status);
    hy_sq_bind_text(st, 4, r->kind);
    hy_sq_bind_text(st, 5, r->urgency);
    hy_sq_bind_text(st, 6, r->for_whom);
    hy_sq_bind_text(st, 7, r->language);
    hy_sq_bind_text(st, 8, r->source);
    if (r->has_area) {
        sqlite3_bind_double(st, 9, r->lat);
        sqlite3_bind_double(st, 10, r->lon);
    }
    sqlite3_bind_int64(st, 11, r->created_at);
    if (r->opened_at) sqlite3_bind_int64(st, 12, r->opened_at);
    int x = hy_sq_exec_stmt(s, st);
    if (x <= 0) return x;
    st = hy_sq_stmt(s, Q_CONTACT_INSERT, sql_contact_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, r->id);
    hy_sq_bind_text(st, 2, c->name);
    hy_sq_bind_text(st, 3, c->phone);
    hy_sq_bind_text(st, 4, c->address ? c->address : "");
    hy_sq_bind_text(st, 5, c->details ? c->details : "");
    if (c->has_exact) {
        sqlite3_bind_double(st, 6, c->lat);
        sqlite3_bind_double(st, 7, c->lon);
    }
    x = hy_sq_exec_stmt(s, st);
    return x == HY_DB_NONE ? HY_DB_HARD : x;
}

static int rq_get(hy_store *base, const char *id, hy_arena *a, struct hy_request *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_GET, sql_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    return one_request(s, st, a, ret);
}

static int rq_by_code(hy_store *base, const char *code, hy_arena *a, struct hy_request *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_BY_CODE, sql_by_code);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, code);
    return one_request(s, st, a, ret);
}

static int rq_contact_get(hy_store *base, const char *id, hy_arena *a,
                          struct hy_request_contact *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_CONTACT_GET, sql_contact_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return hy_sq_finish(st, HY_DB_NONE);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    bool ok = true;
    struct hy_request_contact c = {0};
    c.name = hy_sq_col_text(st, 0, a, &ok);
    c.phone = hy_sq_col_text(st, 1, a, &ok);
    c.address = hy_sq_col_text(st, 2, a, &ok);
    c.details = hy_sq_col_text(st, 3, a, &ok);
    c.has_exact = sqlite3_column_type(st, 4) != SQLITE_NULL;
    c.lat = sqlite3_column_double(st, 4);
    c.lon = sqlite3_column_double(st, 5);
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    *ret = c;
    return hy_sq_finish(st, HY_DB_ONE);
}

static int rq_list(hy_store *base, const struct hy_request_filter *f, hy_arena *a,
                   struct hy_request **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_LIST, sql_list);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, f->statuses);
    hy_sq_bind_text(st, 2, f->kind);
    hy_sq_bind_text(st, 3, f->urgency);
    hy_sq_bind_text(st, 4, f->assignee_id);
    sqlite3_bind_int(st, 5, f->has_box ? 1 : 0);
    sqlite3_bind_double(st, 6, f->min_lat);
    sqlite3_bind_double(st, 7, f->max_lat);
    sqlite3_bind_double(st, 8, f->min_lon);
    sqlite3_bind_double(st, 9, f->max_lon);
    sqlite3_bind_int64(st, 10, f->created_after);
    sqlite3_bind_int64(st, 11, f->created_before);
    sqlite3_bind_int64(st, 12, f->opened_after);
    sqlite3_bind_int64(st, 13, hy_sq_clamp_i64(f->limit));
    struct hy_request *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out || !read_request(st, a, &out[n])) return hy_sq_finish(st, HY_DB_HARD);
        n++;
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

static int rq_claim(hy_store *base, const char *id, const char *user_id, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_CLAIM, sql_claim);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now);
    return hy_sq_exec_stmt(s, st);
}

static int rq_set_status(hy_store *base, const char *id, const char *from, const char *to,
                         const char *assignee, const char *reason, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_SET_STATUS, sql_set_status);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, from);
    hy_sq_bind_text(st, 3, to);
    hy_sq_bind_text(st, 4, assignee);
    hy_sq_bind_text(st, 5, reason);
    sqlite3_bind_int64(st, 6, now);
    return hy_sq_exec_stmt(s, st);
}

static int rq_event_insert(hy_store *base, const char *id, const struct hy_request_event *e) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_EVENT_INSERT, sql_event_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, e->at);
    hy_sq_bind_text(st, 3, e->actor_id);
    hy_sq_bind_text(st, 4, e->from_status);
    hy_sq_bind_text(st, 5, e->to_status);
    hy_sq_bind_text(st, 6, e->reason);
    return hy_sq_exec_stmt(s, st);
}

static int rq_events(hy_store *base, const char *id, hy_arena *a,
                     struct hy_request_event **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_EVENTS, sql_events);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    struct hy_request_event *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out) return hy_sq_finish(st, HY_DB_HARD);
        struct hy_request_event *e = &out[n++];
        e->at = col_i64(st, 0);
        e->actor_id = hy_sq_col_text(st, 1, a, &ok);
        e->from_status = hy_sq_col_text(st, 2, a, &ok);
        e->to_status = hy_sq_col_text(st, 3, a, &ok);
        e->reason = hy_sq_col_text(st, 4, a, &ok);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

static int rq_note_insert(hy_store *base, const char *id, const struct hy_request_note *nt) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_NOTE_INSERT, sql_note_insert);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, nt->at);
    hy_sq_bind_text(st, 3, nt->author_id);
    hy_sq_bind_text(st, 4, nt->kind);
    hy_sq_bind_text(st, 5, nt->text);
    hy_sq_bind_text(st, 6, nt->outcome);
    return hy_sq_exec_stmt(s, st);
}

static int rq_notes(hy_store *base, const char *id, hy_arena *a, struct hy_request_note **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_NOTES, sql_notes);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    struct hy_request_note *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out) return hy_sq_finish(st, HY_DB_HARD);
        struct hy_request_note *e = &out[n++];
        e->id = col_i64(st, 0);
        e->at = col_i64(st, 1);
        e->author_id = hy_sq_col_text(st, 2, a, &ok);
        e->author_name = hy_sq_col_text(st, 3, a, &ok);
        e->kind = hy_sq_col_text(st, 4, a, &ok);
        e->text = hy_sq_col_text(st, 5, a, &ok);
        e->outcome = hy_sq_col_text(st, 6, a, &ok);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

static int rq_set_area(hy_store *base, const char *id, double lat, double lon,
                       double exact_lat, double exact_lon, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_AREA, sql_area);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    sqlite3_bind_double(st, 2, lat);
    sqlite3_bind_double(st, 3, lon);
    sqlite3_bind_int64(st, 4, now);
    int r = hy_sq_exec_stmt(s, st);
    if (r <= 0) return r;
    st = hy_sq_stmt(s, Q_AREA_EXACT, sql_area_exact);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    sqlite3_bind_double(st, 2, exact_lat);
    sqlite3_bind_double(st, 3, exact_lon);
    r = hy_sq_exec_stmt(s, st);
    return r < 0 ? r : HY_DB_ONE;
}

static int rq_set_delivery(hy_store *base, const char *id, const char *checklist,
                           bool has_receipt, double amount, const char *reimbursement,
                           int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_DELIVERY, sql_delivery);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, id);
    hy_sq_bind_text(st, 2, checklist);
    sqlite3_bind_int(st, 3, has_receipt ? 1 : 0);
    sqlite3_bind_double(st, 4, amount);
    hy_sq_bind_text(st, 5, reimbursement);
    sqlite3_bind_int64(st, 6, now);
    return hy_sq_exec_stmt(s, st);
}

static int rq_volunteers(hy_store *base, const double *box, size_t limit, hy_arena *a,
                         struct hy_request_volunteer **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_VOLUNTEERS, sql_volunteers);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int(st, 1, box ? 1 : 0);
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, 2 + i, box ? box[i] : 0);
    sqlite3_bind_int64(st, 6, hy_sq_clamp_i64(limit));
    struct hy_request_volunteer *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out) return hy_sq_finish(st, HY_DB_HARD);
        struct hy_request_volunteer *v = &out[n++];
        memset(v, 0, sizeof *v);
        col_fixed(st, 0, v->user_id, HY_ID_LEN);
        v->name = hy_sq_col_text(st, 1, a, &ok);
        v->phone = hy_sq_col_text(st, 2, a, &ok);
        v->language = hy_sq_col_text(st, 3, a, &ok);
        v->languages = hy_sq_col_text(st, 4, a, &ok);
        v->availability = hy_sq_col_text(st, 5, a, &ok);
        v->lat = sqlite3_column_double(st, 6);
        v->lon = sqlite3_column_double(st, 7);
        v->radius_km = sqlite3_column_double(st, 8);
        v->load = col_i64(st, 9);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

static int rq_stats(hy_store *base, hy_arena *a, struct hy_request_stat_row **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_STATS, sql_stats);
    if (!st) return HY_DB_HARD;
    struct hy_request_stat_row *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out) return hy_sq_finish(st, HY_DB_HARD);
        struct hy_request_stat_row *r = &out[n++];
        r->status = hy_sq_col_text(st, 0, a, &ok);
        r->kind = hy_sq_col_text(st, 1, a, &ok);
        r->day = col_i64(st, 2);
        r->has_area = sqlite3_column_type(st, 3) != SQLITE_NULL;
        r->lat = sqlite3_column_double(st, 3);
        r->lon = sqlite3_column_double(st, 4);
        r->count = col_i64(st, 5);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

/* ---- idempotency ---- */

static int rq_idem_get(hy_store *base, const char *key, const char *route, hy_arena *a,
                       struct hy_idempotency *ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_IDEM_GET, sql_idem_get);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, key);
    hy_sq_bind_text(st, 2, route);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return hy_sq_finish(st, HY_DB_NONE);
    if (rc != SQLITE_ROW) return hy_sq_finish(st, hy_sq_status(s, rc));
    bool ok = true;
    struct hy_idempotency v;
    v.request_hash = hy_sq_col_text(st, 0, a, &ok);
    v.status = sqlite3_column_int(st, 1);
    v.body = hy_sq_col_text(st, 2, a, &ok);
    v.created_at = col_i64(st, 3);
    if (!ok || !v.request_hash || !v.body) return hy_sq_finish(st, HY_DB_HARD);
    *ret = v;
    return hy_sq_finish(st, HY_DB_ONE);
}

static int rq_idem_put(hy_store *base, const char *key, const char *route,
                       const struct hy_idempotency *v) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_IDEM_PUT, sql_idem_put);
    if (!st) return HY_DB_HARD;
    hy_sq_bind_text(st, 1, key);
    hy_sq_bind_text(st, 2, route);
    hy_sq_bind_text(st, 3, v->request_hash);
    sqlite3_bind_int(st, 4, v->status);
    hy_sq_bind_text(st, 5, v->body);
    sqlite3_bind_int64(st, 6, v->created_at);
    return hy_sq_exec_stmt(s, st);
}

/* ---- retention ---- */

/* Runs statement `id` with ?1 = t1 (and ?2 = t2 when has2); adds the rows changed to *count. */
static int purge_step(hy_sqlite *s, int id, const char *sql, int64_t t1, bool has2, int64_t t2,
                      int64_t *count) {
    sqlite3_stmt *st = hy_sq_stmt(s, id, sql);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, t1);
    if (has2) sqlite3_bind_int64(st, 2, t2);
    int r = hy_sq_exec_stmt(s, st);
    if (r < 0) return r;
    if (count && r == HY_DB_ONE) *count += sqlite3_changes(s->db);
    return HY_DB_ONE;
}

static int rq_purge(hy_store *base, int64_t now, int64_t finished_before, int64_t idem_before,
                    int64_t outbox_before, struct hy_purge_counts *ret) {
    hy_sqlite *s = hy_sq(base);
    struct hy_purge_counts c = {0};
    int r;
    /* Order matters: the outbox rows are found through the contacts, so they go first. */
    if ((r = purge_step(s, Q_PURGE_OUTBOX_PHONES, sql_purge_outbox_phones, finished_before,
                        false, 0, &c.outbox)) < 0 ||
        (r = purge_step(s, Q_PURGE_NOTES, sql_purge_notes, finished_before, false, 0,
                        &c.notes)) < 0 ||
        (r = purge_step(s, Q_PURGE_EVENTS, sql_purge_events, finished_before, false, 0,
                        NULL)) < 0 ||
        (r = purge_step(s, Q_PURGE_CONTACTS, sql_purge_contacts, finished_before, false, 0,
                        NULL)) < 0 ||
        (r = purge_step(s, Q_PURGE_REQUESTS, sql_purge_requests, finished_before, true, now,
                        &c.requests)) < 0 ||
        (r = purge_step(s, Q_PURGE_IDEM, sql_purge_idem, idem_before, false, 0,
                        &c.idempotency)) < 0 ||
        (r = purge_step(s, Q_PURGE_OUTBOX_OLD, sql_purge_outbox_old, outbox_before, false, 0,
                        &c.outbox)) < 0)
        return r;
    if (ret) *ret = c;
    return HY_DB_ONE;
}

static int rq_compact(hy_store *base) {
    hy_sqlite *s = hy_sq(base);
    if (s->in_tx) return HY_DB_HARD;
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_BUSY) return HY_DB_SOFT;
    return rc == SQLITE_OK ? HY_DB_ONE : hy_sq_status(s, rc);
}

/* ---- the outbox queue ---- */

static int cmp_item(const void *x, const void *y) {
    const struct hy_outbox_item *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static int rq_outbox_take(hy_store *base, int64_t now, int64_t lease_until, size_t limit,
                          hy_arena *a, struct hy_outbox_item **ret) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_TAKE, sql_outbox_take);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, lease_until);
    sqlite3_bind_int64(st, 3, hy_sq_clamp_i64(limit));
    struct hy_outbox_item *out = NULL;
    size_t n = 0, cap = 0;
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = grow(a, out, n, &cap, sizeof *out);
        if (!out) return hy_sq_finish(st, HY_DB_HARD);
        struct hy_outbox_item *m = &out[n++];
        m->id = col_i64(st, 0);
        m->attempts = col_i64(st, 1);
        m->recipient = hy_sq_col_text(st, 2, a, &ok);
        m->channel = hy_sq_col_text(st, 3, a, &ok);
        m->language = hy_sq_col_text(st, 4, a, &ok);
        m->template_name = hy_sq_col_text(st, 5, a, &ok);
        m->payload = hy_sq_col_text(st, 6, a, &ok);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    if (!ok) return hy_sq_finish(st, HY_DB_HARD);
    if (n > 1) qsort(out, n, sizeof *out, cmp_item);
    *ret = out;
    return hy_sq_finish(st, (int)n);
}

static int rq_outbox_sent(hy_store *base, int64_t id, int64_t now) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_SENT, sql_outbox_sent);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return hy_sq_exec_stmt(s, st);
}

static int rq_outbox_retry(hy_store *base, int64_t id, int64_t next_at, bool give_up,
                           const char *error) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_RETRY, sql_outbox_retry);
    if (!st) return HY_DB_HARD;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, next_at);
    sqlite3_bind_int(st, 3, give_up ? 1 : 0);
    hy_sq_bind_text(st, 4, error);
    return hy_sq_exec_stmt(s, st);
}

static int rq_outbox_counts(hy_store *base, int64_t ret[4]) {
    hy_sqlite *s = hy_sq(base);
    sqlite3_stmt *st = hy_sq_stmt(s, Q_OUTBOX_COUNTS, sql_outbox_counts);
    if (!st) return HY_DB_HARD;
    static const char *const names[4] = {"pending", "sending", "sent", "failed"};
    int64_t c[4] = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        for (int i = 0; i < 4; i++)
            if (v && !strcmp(v, names[i])) c[i] = sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE) return hy_sq_finish(st, hy_sq_status(s, rc));
    memcpy(ret, c, sizeof c);
    return hy_sq_finish(st, HY_DB_ONE);
}

const struct hy_request_ops hy_sq_request_ops = {
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
