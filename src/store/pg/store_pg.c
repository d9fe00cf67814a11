/* store_pg.c — the PostgreSQL backend (libpq), for running several `hamyari serve` processes on
 * one database.
 *
 * One connection per thread, opened with application_name=hamyari and client_encoding=UTF8;
 * the database itself must be UTF8. Statements are prepared once per connection, on first use,
 * under the name "hy<id>", and executed with text parameters (blobs in binary): no SQL is ever
 * built from data. This file is the backend's engine (store/engine.h): the shared store code
 * runs its statements through hy_pg_engine; parameters and row reading are pg_row.c's.
 * Prepared statements never use `SELECT *`: after a migration changes a table, a cached plan
 * whose result columns changed would fail.
 *
 * Writes run SERIALIZABLE, so a write transaction behaves as if it ran alone (as SQLite's
 * BEGIN IMMEDIATE gives us by locking); the price is that a conflicting one fails with SQLSTATE
 * 40001 at any statement or at COMMIT, which hy_pg_status() maps to HY_DB_SOFT and the runner
 * in store.c retries. Reads run REPEATABLE READ READ ONLY: one consistent snapshot, and any
 * attempt to write fails (SQLSTATE 25006, a hard error).
 *
 * A lost connection is noticed by the first statement that fails on it: the status becomes
 * HY_DB_SOFT, the connection is marked, and the next begin() calls PQreset() and forgets the
 * statements prepared on the old session. If the server is still away, begin() answers
 * HY_DB_SOFT again and the runner backs off. */
#include "store/pg/store_pg.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/groups.h"
#include "store/datasets.h"
#include "store/library.h"
#include "store/trees.h"
#include "store/board.h"
#include "store/news.h"
#include "store/skills.h"
#include "store/challenges.h"
#include "store/faq.h"
#include "store/pg/migrations_pg.h"
#include "store/requests.h"
#include "store/shared.h"

/* pg_advisory_xact_lock key serialising migrations across processes ("hamyari" in ASCII). */
#define MIGRATE_LOCK "29380520393667177"

/* The text of every statement: the shared lists of store/sql/ and this backend's pg_sql.def. */
static const char *const statement_text[HY_PG__STMTS] = {
#define HY_SQL(id, text) [HY_Q_##id] = (text),
#define HY_DIALECT(id)
#define HY_PG_OWN(id, text) [HY_PG_Q_##id] = (text),
#include "store/sql/all.def"
#include "store/pg/pg_sql.def"
#undef HY_SQL
#undef HY_DIALECT
#undef HY_PG_OWN
};

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* libpq prints NOTICEs ("relation … already exists, skipping") to stderr by default; library
 * code does not log. */
static void quiet(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* Overwrites every occurrence of the n bytes at `secret` in `msg` with '*'. */
static void scrub(char *msg, const char *secret, size_t n) {
    if (n == 0) return;
    for (char *p = msg; (p = memmem(p, strlen(p), secret, n)) != NULL; p += n)
        memset(p, '*', n);
}

/* A malloc()ed copy of libpq's reason for a failed connection, with every form of the password
 * that `url` carries blotted out: libpq's URI parser quotes the offending component in some
 * messages ("invalid percent-encoded token: …"), and that component may be the password. */
static char *connect_error(const char *url, PGconn *conn, const char *reason) {
    if (!reason) reason = conn ? PQerrorMessage(conn) : "out of memory";
    static const char prefix[] = "cannot connect to PostgreSQL: ";
    size_t n = strlen(reason);
    while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == ' '))
        n--;
    char *msg = malloc(sizeof prefix + n);
    if (!msg) return NULL;
    memcpy(msg, prefix, sizeof prefix - 1);
    memcpy(msg + sizeof prefix - 1, reason, n);
    msg[sizeof prefix - 1 + n] = '\0';

    /* The raw password of postgres://user:PASSWORD@host…, found the way libpq finds it (the
     * user info ends at the first '@' before any '/'). */
    const char *p = strstr(url, "://");
    if (p) {
        p += 3;
        size_t auth = strcspn(p, "@/");
        if (p[auth] == '@') {
            const char *colon = memchr(p, ':', auth);
            if (colon) scrub(msg, colon + 1, (size_t)(p + auth - colon - 1));
        }
    }
    /* …and of ?password=PASSWORD. */
    const char *q = strchr(url, '?');
    while (q) {
        q++;
        if (strncmp(q, "password=", 9) == 0) scrub(msg, q + 9, strcspn(q + 9, "&"));
        q = strchr(q, '&');
    }
    /* The decoded password, when the URL parses. */
    PQconninfoOption *opts = PQconninfoParse(url, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val) scrub(msg, o->val, strlen(o->val));
    PQconninfoFree(opts);
    return msg;
}

int hy_pg_status(hy_pg *s, const PGresult *res) {
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return HY_DB_ONE;
    const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* A connection that broke (or that the server is closing: admin shutdown, crash recovery)
     * is worth another try on a fresh session. */
    if (PQstatus(s->conn) == CONNECTION_BAD ||
        (code && (strncmp(code, "08", 2) == 0 || strcmp(code, "57P01") == 0 ||
                  strcmp(code, "57P02") == 0 || strcmp(code, "57P03") == 0))) {
        s->need_reset = true;
        return HY_DB_SOFT;
    }
    /* serialization_failure, deadlock_detected, lock_not_available */
    if (code &&
        (strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0 || strcmp(code, "55P03") == 0))
        return HY_DB_SOFT;
    /* disk_full: the server has no space left for the write */
    if (code && strcmp(code, "53100") == 0) return HY_DB_FULL;
    return HY_DB_HARD;
}

/* ---- pipeline mode: writes sent ahead (defer_writes) ----
 * In pipeline mode every statement is sent with PQsendQueryPrepared(); each one's result comes
 * back in order, followed by a NULL. A write sent by pg_write() is counted in s->sent and read
 * later: by the next statement that needs its own result (which first asks the server to
 * flush its output), or by pipe_end(). After a failure the server skips everything up to the
 * next sync point (PGRES_PIPELINE_ABORTED), and the transaction is aborted: the caller rolls
 * it back, so pipe_end() ends the mode as soon as anything fails. */

/* The status of one result read in pipeline mode: a command that touched no row is a failure
 * (writes sent ahead must touch one); commands without a row count (PREPARE) are not. */
static int sent_status(hy_pg *s, const PGresult *res) {
    int r = hy_pg_status(s, res);
    if (r < 0) return r;
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        const char *n = PQcmdTuples((PGresult *)res);
        if (n[0] == '0' && n[1] == '\0') return HY_DB_HARD;
    }
    return HY_DB_ONE;
}

/* Reads the results of the statements sent ahead: the first failure's status, or HY_DB_ONE. */
static int read_sent(hy_pg *s) {
    int r = HY_DB_ONE;
    while (s->sent > 0) {
        PGresult *res = PQgetResult(s->conn);
        if (!res) { /* the connection broke: there is nothing more to read */
            s->sent = 0;
            s->need_reset = true;
            return HY_DB_SOFT;
        }
        int x = sent_status(s, res);
        PQclear(res);
        /* The NULL that ends this statement's results. */
        while ((res = PQgetResult(s->conn)) != NULL) PQclear(res);
        s->sent--;
        if (r >= 0 && x < 0) r = x;
    }
    return r;
}

/* Ends pipeline mode: reads what was sent, up to a sync point, and leaves the mode. Returns the
 * first failure among the writes sent ahead, or HY_DB_ONE. */
static int pipe_end(hy_pg *s) {
    if (!s->piped) return HY_DB_ONE;
    int r = HY_DB_ONE;
    atomic_fetch_add_explicit(&s->base.round_trips, 1, memory_order_relaxed);
    if (PQpipelineSync(s->conn) != 1) {
        s->need_reset = true;
        r = HY_DB_SOFT;
    }
    if (r >= 0) r = read_sent(s);
    /* Up to and including the sync point. */
    for (int i = 0; i < 1000000 && PQstatus(s->conn) == CONNECTION_OK; i++) {
        PGresult *res = PQgetResult(s->conn);
        if (!res) continue;
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_PIPELINE_SYNC) break;
    }
    s->sent = 0;
    s->piped = false;
    if (PQexitPipelineMode(s->conn) != 1) {
        /* A result still unread (the end of the last one): read it and try again. */
        PGresult *res;
        while ((res = PQgetResult(s->conn)) != NULL) PQclear(res);
        if (PQexitPipelineMode(s->conn) != 1) {
            s->need_reset = true;
            if (r >= 0) r = HY_DB_SOFT;
        }
    }
    return r;
}

/* Prepares statement `id` as "hy<id>" unless this connection already has. In pipeline mode the
 * mode is left first (a statement is prepared once per connection: rare), so a failed
 * PREPARE never leaves a statement marked as prepared that is not. */
static int prepare(hy_pg *s, int id, const char *name) {
    if (s->prepared[id]) return HY_DB_ONE;
    bool was_piped = s->piped;
    int r = pipe_end(s);
    if (r < 0) return r;
    /* Parameter types are left to the server to infer from the statement. */
    PGresult *res = PQprepare(s->conn, name, statement_text[id], 0, NULL);
    atomic_fetch_add_explicit(&s->base.round_trips, 1, memory_order_relaxed);
    r = hy_pg_status(s, res);
    PQclear(res);
    if (r < 0) return r;
    s->prepared[id] = true;
    if (was_piped) {
        if (PQenterPipelineMode(s->conn) != 1) return HY_DB_HARD;
        s->piped = true;
    }
    return HY_DB_ONE;
}

static int send_prepared(hy_pg *s, const char *name, const struct hy_pg_params *p) {
    int ok = p ? PQsendQueryPrepared(s->conn, name, p->n, p->values, p->lengths,
                                     p->binary ? p->formats : NULL, 0)
               : PQsendQueryPrepared(s->conn, name, 0, NULL, NULL, NULL, 0);
    return ok == 1 ? HY_DB_ONE : HY_DB_HARD;
}

/* A statement that needs its own result, in pipeline mode: sent after the writes sent ahead,
 * whose results are read first; then its own. */
static PGresult *exec_piped(hy_pg *s, const char *name, const struct hy_pg_params *p,
                            int *ret_sent_status) {
    *ret_sent_status = HY_DB_ONE;
    if (send_prepared(s, name, p) < 0 || PQsendFlushRequest(s->conn) != 1 ||
        PQflush(s->conn) != 0) {
        *ret_sent_status = pipe_end(s);
        if (*ret_sent_status >= 0) *ret_sent_status = HY_DB_HARD;
        return NULL;
    }
    atomic_fetch_add_explicit(&s->base.round_trips, 1, memory_order_relaxed);
    *ret_sent_status = read_sent(s);
    PGresult *res = PQgetResult(s->conn);
    if (res) {
        PGresult *end;
        while ((end = PQgetResult(s->conn)) != NULL) PQclear(end);
    }
    return res;
}

int hy_pg_exec(hy_pg *s, int id, const struct hy_pg_params *p, PGresult **ret_res) {
    if (id < 0 || id >= HY_PG__STMTS) return HY_DB_HARD;
    char name[16];
    snprintf(name, sizeof name, "hy%d", id);
    int r = prepare(s, id, name);
    if (r < 0) return r;
    PGresult *res;
    if (s->piped) {
        int before;
        res = exec_piped(s, name, p, &before);
        if (before < 0 || !res || PQresultStatus(res) == PGRES_FATAL_ERROR ||
            PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
            /* Something failed: what was sent ahead first, else this statement. */
            r = before < 0 ? before : hy_pg_status(s, res);
            PQclear(res);
            int e = pipe_end(s);
            return r < 0 ? r : e < 0 ? e : HY_DB_HARD;
        }
    } else {
        res = p ? PQexecPrepared(s->conn, name, p->n, p->values, p->lengths,
                                 p->binary ? p->formats : NULL, 0)
                : PQexecPrepared(s->conn, name, 0, NULL, NULL, NULL, 0);
        atomic_fetch_add_explicit(&s->base.round_trips, 1, memory_order_relaxed);
    }
    r = hy_pg_status(s, res);
    if (r < 0) {
        PQclear(res);
        return r;
    }
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        r = PQntuples(res) > 0 ? HY_DB_ONE : HY_DB_NONE;
    } else {
        /* "" for commands without a row count (BEGIN, CREATE …), else the rows touched. */
        const char *n = PQcmdTuples(res);
        if (n[0] == '0' && n[1] == '\0') r = HY_DB_NONE;
    }
    /* A result without rows has nothing to read: only HY_DB_ONE hands it out. */
    if (ret_res && r == HY_DB_ONE)
        *ret_res = res;
    else
        PQclear(res);
    return r;
}

int hy_pg_run(hy_pg *s, int id, const struct hy_arg *args, size_t nargs, PGresult **ret_res) {
    struct hy_pg_params p = {.ids = HY_BUF_INIT(0)};
    int r = hy_pg_params_set(&p, args, nargs) < 0 ? HY_DB_HARD : hy_pg_exec(s, id, &p, ret_res);
    hy_pg_params_free(&p);
    return r;
}

/* ---- the engine (store/engine.h) ---- */

static int pg_exec(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                    int64_t *ret_changes) {
    PGresult *res = NULL;
    int r = hy_pg_run(hy_pg_of(base), id, args, nargs, ret_changes ? &res : NULL);
    if (r == HY_DB_ONE && ret_changes) {
        int n = hy_pg_cmd_count(res);
        if (n < 0) r = HY_DB_HARD;
        else *ret_changes = n;
    }
    PQclear(res);
    return r;
}

static int pg_query(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                     const struct hy_row_spec *spec, size_t max, hy_arena *a, void **ret) {
    PGresult *res = NULL;
    int r = hy_pg_run(hy_pg_of(base), id, args, nargs, &res);
    if (r < 0) return r;
    size_t n = res ? (size_t)PQntuples(res) : 0;
    if (n > max) n = max;
    char *rows = hy_arena_zalloc(a, (n + 1) * spec->size);
    r = rows ? HY_DB_ONE : HY_DB_HARD;
    for (size_t i = 0; i < n && r == HY_DB_ONE; i++)
        r = hy_pg_read_row(res, (int)i, spec, a, rows + i * spec->size);
    PQclear(res);
    if (r != HY_DB_ONE) return r;
    *ret = rows;
    return (int)n;
}

static int pg_one(hy_store *base, int id, const struct hy_arg *args, size_t nargs,
                   const struct hy_row_spec *spec, hy_arena *a, void *ret) {
    PGresult *res = NULL;
    int r = hy_pg_run(hy_pg_of(base), id, args, nargs, &res);
    if (r != HY_DB_ONE) return r;
    r = hy_pg_read_row(res, 0, spec, a, ret);
    PQclear(res);
    return r;
}

/* A write sent ahead in pipeline mode (its outcome read later), else run at once. */
static int pg_write(hy_store *base, int id, const struct hy_arg *args, size_t nargs) {
    hy_pg *s = hy_pg_of(base);
    if (!s->piped) return hy_pg_run(s, id, args, nargs, NULL);
    if (id < 0 || id >= HY_PG__STMTS) return HY_DB_HARD;
    char name[16];
    snprintf(name, sizeof name, "hy%d", id);
    int r = prepare(s, id, name);
    if (r < 0) return r;
    struct hy_pg_params p = {.ids = HY_BUF_INIT(0)};
    r = hy_pg_params_set(&p, args, nargs) < 0 ? HY_DB_HARD : send_prepared(s, name, &p);
    hy_pg_params_free(&p); /* libpq copied the values into its output buffer */
    if (r < 0) {
        int e = pipe_end(s);
        return e < 0 ? e : r;
    }
    s->sent++;
    return HY_DB_ONE;
}

static bool pg_sending_ahead(const hy_store *base) { return ((const hy_pg *)base)->piped; }

const struct hy_engine hy_pg_engine = {
    .exec = pg_exec,
    .query = pg_query,
    .one = pg_one,
    .write = pg_write,
    .sending_ahead = pg_sending_ahead,
    /* A tsquery: each term a quoted prefix ('t':*), all of them required (&). */
    .prefix = {"'", "':*", " & ", " | "},
};

/* Makes sure the connection is usable outside a transaction: resets it if it broke (forgetting
 * every prepared statement, which died with the old session). HY_DB_SOFT while the server
 * cannot be reached; HY_DB_HARD if the session is unexpectedly inside a transaction. */
static int ready(hy_pg *s) {
    if (s->need_reset || PQstatus(s->conn) != CONNECTION_OK) {
        PQreset(s->conn);
        memset(s->prepared, 0, sizeof s->prepared);
        if (PQstatus(s->conn) != CONNECTION_OK) {
            s->need_reset = true;
            return HY_DB_SOFT;
        }
        s->need_reset = false;
    }
    /* A BEGIN inside a transaction would only warn and keep the old isolation level. */
    return PQtransactionStatus(s->conn) == PQTRANS_IDLE ? HY_DB_ONE : HY_DB_HARD;
}

/* Opens a connection to the libpq URI `url`. On success *ret is a new connection owned by the
 * caller (release it with disconnect()). On failure returns HY_DB_HARD, leaves *ret untouched
 * and, if ret_err is set, stores a malloc()ed reason in it, which never contains the password.
 * Parameters in the URI win over our defaults (connect_timeout=5, application_name=hamyari),
 * except client_encoding, which is always UTF8. */
static int pg_connect(const char *url, hy_store **ret, char **ret_err) {
    if (hy_st_check_sql("PostgreSQL", statement_text, HY_PG__STMTS, ret_err) < 0) return HY_DB_HARD;
    hy_pg *s = calloc(1, sizeof *s);
    if (!s) {
        if (ret_err) *ret_err = dup_text("cannot connect to PostgreSQL: out of memory");
        return HY_DB_HARD;
    }
    s->base.ops = &hy_store_pg_ops;
    s->base.engine = &hy_pg_engine;
    /* Processed in order, a later value overriding an earlier one; "dbname" is expanded into
     * the URI's own parameters. */
    static const char *const keys[] = {"connect_timeout", "application_name", "dbname",
                                       "client_encoding", NULL};
    const char *const values[] = {"5", "hamyari", url, "UTF8", NULL};
    s->conn = PQconnectdbParams(keys, values, 1);
    const char *reason = NULL;
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK) {
        const char *enc = PQparameterStatus(s->conn, "server_encoding");
        if (!enc || strcmp(enc, "UTF8") != 0)
            reason = "the database's encoding is not UTF8 (create it with ENCODING 'UTF8')";
    }
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK || reason) {
        if (ret_err) *ret_err = connect_error(url, s->conn, reason);
        PQfinish(s->conn);
        free(s);
        return HY_DB_HARD;
    }
    PQsetNoticeProcessor(s->conn, quiet, NULL);
    *ret = &s->base;
    return HY_DB_ONE;
}

/* Closes the connection (an open transaction is rolled back by the server) and frees it.
 * Accepts NULL. */
static void pg_disconnect(hy_store *base) {
    if (!base) return;
    hy_pg *s = hy_pg_of(base);
    PQfinish(s->conn);
    free(s);
}

/* Starts a transaction: SERIALIZABLE for writes, REPEATABLE READ READ ONLY for reads.
 * Reconnects first if the connection broke. HY_DB_HARD if one is already open. */
static int pg_begin(hy_store *base, enum hy_tx_mode mode) {
    hy_pg *s = hy_pg_of(base);
    if (s->in_tx) return HY_DB_HARD;
    int r = ready(s);
    if (r < 0) return r;
    s->single = mode == HY_TX_SINGLE || mode == HY_TX_ATOMIC;
    if (s->single) return HY_DB_ONE; /* autocommit: the one statement is its own transaction */
    r = hy_pg_exec(s,
                   mode == HY_TX_WRITE    ? HY_Q_BEGIN_WRITE
                   : mode == HY_TX_INSERT ? HY_Q_BEGIN_INSERT
                                          : HY_Q_BEGIN_READ,
                   NULL, NULL);
    if (r < 0) return r;
    s->in_tx = true;
    return HY_DB_ONE;
}

/* Commits the open transaction. HY_DB_SOFT on a serialization failure (the transaction is then
 * over and may be retried). A connection lost during COMMIT is HY_DB_HARD, not SOFT: the
 * commit may have happened, and retrying could apply the work twice. A COMMIT that PostgreSQL
 * turned into ROLLBACK (an earlier statement failed and the caller went on) is HY_DB_HARD. */
static int pg_commit(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (s->single) {
        s->single = false;
        return HY_DB_ONE;
    }
    if (!s->in_tx) return HY_DB_HARD;
    int r = pipe_end(s);
    if (r < 0) return r; /* the transaction is aborted: the caller rolls it back */
    PGresult *res = NULL;
    r = hy_pg_exec(s, HY_Q_COMMIT, NULL, &res);
    if (r >= 0) {
        r = res && strcmp(PQcmdStatus(res), "COMMIT") == 0 ? HY_DB_ONE : HY_DB_HARD;
        PQclear(res);
    } else if (r == HY_DB_SOFT && s->need_reset) {
        r = HY_DB_HARD;
    }
    PGTransactionStatusType ts = PQtransactionStatus(s->conn);
    if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR) s->in_tx = false;
    return r;
}

/* Rolls the open transaction back, if any. Never fails: if the ROLLBACK cannot be delivered,
 * the connection is reset at the next begin. */
static void pg_rollback(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    pipe_end(s);
    PGTransactionStatusType ts = PQtransactionStatus(s->conn);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
        hy_pg_exec(s, HY_Q_ROLLBACK, NULL, NULL);
        if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) s->need_reset = true;
    }
    s->in_tx = false;
}

static bool pg_in_tx(const hy_store *base) {
    const hy_pg *s = (const hy_pg *)base;
    return s->in_tx;
}

/* Savepoints inside a write transaction. ROLLBACK TO also ends the "current transaction is
 * aborted" state a failed statement leaves; a serialization failure must still retry the
 * whole transaction (the caller gets HY_DB_SOFT from the statement and does). */
static int pg_savepoint(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (!s->in_tx || s->single) return HY_DB_HARD;
    return hy_pg_exec(s, HY_Q_SAVEPOINT, NULL, NULL);
}

static int pg_savepoint_release(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (!s->in_tx || s->single) return HY_DB_HARD;
    return hy_pg_exec(s, HY_Q_RELEASE, NULL, NULL);
}

static int pg_savepoint_rollback(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (!s->in_tx || s->single) return HY_DB_HARD;
    int r = hy_pg_exec(s, HY_Q_ROLLBACK_TO, NULL, NULL);
    return r < 0 ? r : hy_pg_exec(s, HY_Q_RELEASE, NULL, NULL);
}

/* Writes sent ahead inside a write transaction (struct hy_store_ops). */
static int pg_defer_writes(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (!s->in_tx || s->single) return HY_DB_HARD;
    if (s->piped) return HY_DB_ONE;
    if (PQenterPipelineMode(s->conn) != 1) return HY_DB_HARD;
    s->piped = true;
    s->sent = 0;
    return HY_DB_ONE;
}

static int pg_flush_writes(hy_store *base) { return pipe_end(hy_pg_of(base)); }

/* Parses a non-negative int column value; false if it is not one. */
static bool parse_int(const char *v, int *ret) {
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 0 || n > 1000000000L) return false;
    *ret = (int)n;
    return true;
}

/* Sets *ret to the newest applied migration, 0 when schema_migrations does not exist yet.
 * Works inside or outside a transaction. */
static int pg_schema_version(hy_store *base, int *ret) {
    hy_pg *s = hy_pg_of(base);
    PGresult *res;
    int r = hy_pg_exec(s, HY_PG_Q_SCHEMA_PROBE, NULL, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    bool exists = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (!exists) {
        *ret = 0;
        return HY_DB_ONE;
    }
    r = hy_pg_exec(s, HY_Q_SCHEMA_VERSION, NULL, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    int v;
    bool ok = parse_int(PQgetvalue(res, 0, 0), &v);
    PQclear(res);
    if (!ok) return HY_DB_HARD;
    *ret = v;
    return HY_DB_ONE;
}

/* Runs `sql` (one or several statements) with PQexec; `what` is the command tag expected from
 * the last one, or NULL for any success. */
static int exec_text(hy_pg *s, const char *sql, const char *what) {
    PGresult *res = PQexec(s->conn, sql);
    int r = hy_pg_status(s, res);
    if (r >= 0 && what && strcmp(PQcmdStatus(res), what) != 0) r = HY_DB_HARD;
    PQclear(res);
    return r;
}

/* Applies every pending step of migrations_pg.c in one transaction and sets *ret_version to
 * the version then in force. A transaction-scoped advisory lock makes processes that start
 * together take turns: the later ones wait, then find nothing left to do. Must not be called
 * inside a transaction. */
static int pg_migrate(hy_store *base, int *ret_version) {
    hy_pg *s = hy_pg_of(base);
    if (s->in_tx) return HY_DB_HARD;
    int r = ready(s);
    if (r < 0) return r;
    /* Read Committed on purpose: each statement sees what was committed before it started, so
     * a process that waited for the lock sees the table and steps its predecessor created. */
    r = exec_text(s,
                      "BEGIN ISOLATION LEVEL READ COMMITTED;"
                      "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");"
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version int PRIMARY KEY,"
                      " applied_at timestamptz NOT NULL DEFAULT now())",
                      NULL);
    if (r < 0) goto fail;
    /* Steps are applied by set, not by "above the newest": a step added below one that is
     * already applied (features land in any order) is still applied. */
    PGresult *res = PQexec(s->conn, "SELECT version FROM schema_migrations");
    r = hy_pg_status(s, res);
    bool applied[256] = {false};
    int have = 0;
    for (int row = 0; r >= 0 && row < PQntuples(res); row++) {
        int v;
        if (!parse_int(PQgetvalue(res, row, 0), &v) || v < 0 || v >= 256) r = HY_DB_HARD;
        else applied[v] = true, have = v > have ? v : have;
    }
    PQclear(res);
    if (r < 0) goto fail;
    for (size_t i = 0; i < hy_pg_migrations_count; i++) {
        const struct hy_migration *m = &hy_pg_migrations[i];
        if (m->version >= 0 && m->version < 256 && applied[m->version]) continue;
        r = exec_text(s, m->sql, NULL);
        if (r < 0) goto fail;
        char version[16];
        snprintf(version, sizeof version, "%d", m->version);
        const char *const params[] = {version};
        res = PQexecParams(s->conn, "INSERT INTO schema_migrations(version) VALUES ($1::int)", 1,
                           NULL, params, NULL, NULL, 0);
        r = hy_pg_status(s, res);
        PQclear(res);
        if (r < 0) goto fail;
        if (m->version > have) have = m->version;
    }
    r = exec_text(s, "COMMIT", "COMMIT");
    if (r < 0) goto fail;
    *ret_version = have;
    return HY_DB_ONE;
fail:
    if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) exec_text(s, "ROLLBACK", NULL);
    return r;
}

/* PostgreSQL checks its own pages; what we check is that the server answers, that the schema
 * is the one this build knows, and that PostGIS is installed. HY_DB_ONE and "ok" when sound,
 * HY_DB_NONE and a description when not; the report (if ret_report is set) is malloc()ed. */
static int pg_integrity_check(hy_store *base, char **ret_report) {
    hy_pg *s = hy_pg_of(base);
    PGresult *res;
    int r = hy_pg_exec(s, HY_PG_Q_INTEGRITY, NULL, &res);
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    bool postgis = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
    PQclear(res);
    int have = 0;
    r = pg_schema_version(base, &have);
    if (r < 0) return r;
    int newest = hy_pg_migrations[hy_pg_migrations_count - 1].version;
    char report[128];
    if (have != newest) {
        snprintf(report, sizeof report, "schema version %d, this build expects %d", have, newest);
        r = HY_DB_NONE;
    } else if (!postgis) {
        snprintf(report, sizeof report, "the postgis extension is missing");
        r = HY_DB_NONE;
    } else {
        snprintf(report, sizeof report, "ok");
        r = HY_DB_ONE;
    }
    if (ret_report) *ret_report = dup_text(report);
    return r;
}

/* Every function of store.h: the engine's here, the rest shared (store/shared.h). */
const struct hy_store_ops hy_store_pg_ops = {
    .abi = HY_STORE_ABI,
    .name = "postgres",
    .batch_writers = 4,
    .rate_hit_outside_batch = true,
    .http_threads_per_core = 4,
    .has_replicas = true,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .migrate = pg_migrate,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_tx,
    .savepoint = pg_savepoint,
    .savepoint_release = pg_savepoint_release,
    .savepoint_rollback = pg_savepoint_rollback,
    .defer_writes = pg_defer_writes,
    .flush_writes = pg_flush_writes,
    .schema_version = pg_schema_version,
    .integrity_check = pg_integrity_check,
    HY_STORE_OPS_SHARED,
    .groups = &hy_pg_group_ops,
    .requests = &hy_pg_request_ops,
    .library = &hy_pg_library_ops,
    .trees = &hy_st_tree_ops,
    .datasets = &hy_dataset_ops_shared,
    .news = &hy_st_news_ops,
    .skills = &hy_st_skills_ops,
    .board = &hy_st_board_ops,
    .faq = &hy_st_faq_ops,
    .challenges = &hy_st_challenge_ops,
};

/* Plain VACUUM marks the dead row versions' space free for reuse and removes their index
 * entries; it does not promise to overwrite the bytes (VACUUM FULL rewrites the tables, but
 * locks them). docs/requests.md says what that means for retention. Outside any transaction. */
static int pg_compact(hy_store *base) {
    hy_pg *s = hy_pg_of(base);
    if (s->in_tx) return HY_DB_HARD;
    PGresult *res = PQexec(s->conn, "VACUUM request_contacts, request_notes, outbox, "
                                    "idempotency, help_requests, request_events");
    int r = hy_pg_status(s, res);
    PQclear(res);
    return r;
}

const struct hy_request_ops hy_pg_request_ops = {
    HY_REQUEST_OPS_SHARED,
    .compact = pg_compact,
};

const struct hy_library_ops hy_pg_library_ops = {
    HY_LIBRARY_OPS_SHARED,
};
