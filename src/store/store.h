/* store.h — the one contract every store backend fulfils.
 *
 * A backend (SQLite, PostgreSQL) fills a `struct hy_store_ops` table. A `hy_store` is one
 * connection, used by one thread at a time; `hy_db` hands each thread its own connection and
 * runs transactions, retrying those that failed for a passing reason (SQLITE_BUSY, SQLSTATE
 * 40001 or 40P01, a lost PostgreSQL connection) a bounded number of times.
 *
 * Every query function returns a status:
 *   HY_DB_FULL  (-4) the disk (or the database's quota) is full: do not retry; answered 507;
 *   HY_DB_HARD  (-2) a real failure (bad SQL, constraint): do not retry;
 *   HY_DB_SOFT  (-1) a passing conflict: the transaction runner rolls back and retries;
 *   HY_DB_NONE  ( 0) no row matched;
 *   HY_DB_ONE   ( 1) done / one row (functions that return lists return the count, >= 0).
 * Output parameters are named ret_… and are untouched on failure. Strings returned through
 * them are malloc()ed and owned by the caller unless the comment says otherwise. */
#ifndef HY_STORE_H
#define HY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/account.h"
#include "util/arena.h"

enum hy_db_status {
    HY_DB_FULL = -4,  /* out of space: SQLITE_FULL, SQLSTATE 53100 disk_full (not retried) */
    HY_DB_ABORT = -3, /* the transaction's callback chose to roll back (not an error of the store) */
    HY_DB_HARD = -2,
    HY_DB_SOFT = -1,
    HY_DB_NONE = 0,
    HY_DB_ONE = 1,
};

/* HY_TX_READ: a consistent snapshot for several reads. HY_TX_WRITE: behaves as if alone
 * (SQLite BEGIN IMMEDIATE, PostgreSQL SERIALIZABLE). HY_TX_SINGLE: exactly one read-only
 * statement, run without BEGIN/COMMIT (saves two round trips on hot read paths).
 * HY_TX_ATOMIC: exactly one statement that writes and is atomic by itself (a counter's
 * upsert): PostgreSQL runs it on its own (READ COMMITTED: concurrent writers of the same row
 * wait for its lock instead of failing to serialize, as SERIALIZABLE would make them — many
 * at once then ran out of retries); SQLite as HY_TX_WRITE. */
/* HY_TX_INSERT: a write transaction whose correctness rests only on constraints and on each
 * statement being atomic — it inserts new rows (e.g. a sign-up: the user, the profile, the
 * audit line) and reads nothing it decides on. PostgreSQL runs it READ COMMITTED: a unique
 * constraint still refuses a duplicate, and concurrent inserts into neighbouring index pages
 * no longer fail each other's serialization (32 sign-ups at once on 8 workers ran some out of
 * retries). SQLite runs it as HY_TX_WRITE. */
enum hy_tx_mode { HY_TX_READ, HY_TX_WRITE, HY_TX_SINGLE, HY_TX_ATOMIC, HY_TX_INSERT };

typedef struct hy_store hy_store;

/* Feature functions live in tables of their own, declared in the feature's header
 * (store/groups.h, store/requests.h, store/library.h); each backend fills one per feature,
 * mostly with the functions src/store/ writes once for every backend (store/shared.h). */
struct hy_group_ops;
struct hy_request_ops;
struct hy_library_ops;
struct hy_tree_ops;
struct hy_dataset_ops;
struct hy_news_ops;
struct hy_faq_ops;
struct hy_skills_ops;
struct hy_challenge_ops;
struct hy_board_ops;

struct hy_store_ops {
    unsigned abi;     /* HY_STORE_ABI: grows when functions are added */
    const char *name; /* "sqlite" or "postgres", for logs and messages */

    /* ---- capabilities: what callers ask of a backend instead of its name ---- */
    /* Group-commit writer threads that suit it (hy_db_batch_start()): one where writers
     * take turns anyway (SQLite), several where one writer mostly waits for round trips. */
    unsigned batch_writers;
    /* A rate-limit hit that guards a batched write is counted by the writer before the
     * batch's transaction (hy_db_run_batched_hit), rather than inside the job: with several
     * writers, one address's counter in their batches would make concurrent batches wait
     * for each other's commits. */
    bool rate_hit_outside_batch;
    /* HTTP worker threads a core that suit it when the operator sets none: 0 for the server's
     * default (one a core, where queries run on the CPU in the server's own process); more
     * where each worker mostly waits for the database's round trips (PostgreSQL: 2 cores with
     * the nearest-groups query, 2 workers ~490 answers/s, 8 workers ~770/s, bench/README.md). */
    unsigned http_threads_per_core;
    /* Read replicas (serve --db-replica) may stand beside a primary of this backend. */
    bool has_replicas;

    /* Opens one connection to `url` (the part after "sqlite:" for SQLite, a libpq URI for
     * PostgreSQL). On failure returns HY_DB_HARD and, if ret_err is set, a malloc()ed reason. */
    int (*connect)(const char *url, hy_store **ret, char **ret_err);
    /* Closes the connection. Accepts NULL. */
    void (*disconnect)(hy_store *s);

    /* Brings the schema up to the newest version; safe when several processes start at once.
     * Sets *ret_version to the version now in force. */
    int (*migrate)(hy_store *s, int *ret_version);

    int (*begin)(hy_store *s, enum hy_tx_mode mode);
    int (*commit)(hy_store *s);
    void (*rollback)(hy_store *s);
    bool (*in_transaction)(const hy_store *s);

    /* The schema version in force (0 before the first migration). */
    int (*schema_version)(hy_store *s, int *ret_version);
    /* Small key/value settings kept in the store (e.g. "demo_loaded"). meta_get returns
     * HY_DB_NONE when the key is absent. */
    int (*meta_get)(hy_store *s, const char *key, char **ret_value);
    int (*meta_set)(hy_store *s, const char *key, const char *value);
    int (*meta_delete)(hy_store *s, const char *key);
    /* Runs the backend's own consistency check; HY_DB_ONE when sound. */
    int (*integrity_check)(hy_store *s, char **ret_report);

    /* ---- accounts (ABI 2) ---- */
    /* Inserts a user (and, if `v` is not NULL, its volunteer profile). HY_DB_NONE when the
     * e-mail or phone is taken. */
    int (*user_insert)(hy_store *s, const struct hy_user *u, const struct hy_volunteer *v);
    /* Finds a user by id, or by login: a lowercased e-mail or an E.164 phone. */
    int (*user_get)(hy_store *s, const char *id, hy_arena *a, struct hy_user *ret);
    int (*user_by_login)(hy_store *s, const char *login, hy_arena *a, struct hy_user *ret);
    /* Lists users, newest first; *ret_users is an arena array. Returns the count listed; the
     * number matching in all goes to *ret_total. */
    int (*user_list)(hy_store *s, const struct hy_user_filter *f, hy_arena *a,
                     struct hy_user **ret_users, size_t *ret_total);
    int (*user_set_status)(hy_store *s, const char *id, const char *status, int64_t now);
    int (*user_set_role)(hy_store *s, const char *id, const char *role, int64_t now);
    int (*user_set_password)(hy_store *s, const char *id, const char *hash, int64_t now);
    int (*volunteer_get)(hy_store *s, const char *user_id, hy_arena *a, struct hy_volunteer *ret);

    /* Sessions and API tokens are looked up by the hash of their secret, never the secret. */
    int (*session_insert)(hy_store *s, const char *token_hash, const char *user_id,
                          const char *csrf, int64_t now, int64_t expires_at);
    int (*session_get)(hy_store *s, const char *token_hash, hy_arena *a, struct hy_session *ret);
    int (*session_touch)(hy_store *s, const char *token_hash, int64_t now);
    int (*session_delete)(hy_store *s, const char *token_hash);
    /* Ends every session of a user (suspension, password change). Returns the count. */
    int (*session_delete_user)(hy_store *s, const char *user_id);
    /* Stores a token (t->expires_at 0 = no date of its own). HY_DB_NONE when the hash or id is
     * taken. */
    int (*token_insert)(hy_store *s, const char *token_hash, const struct hy_api_token *t);
    /* Sets ret_user_id (HY_ID_LEN + 1 bytes) for a token that has not expired by `now` and
     * was made at or after `made_since` (the lifetime cap; 0 = none). */
    int (*token_get)(hy_store *s, const char *token_hash, int64_t now, int64_t made_since,
                     char *ret_user_id);
    /* A user's tokens (user_id NULL: everyone's), newest first; *ret is an arena array.
     * Returns the count listed; the number in all goes to *ret_total. */
    int (*token_list)(hy_store *s, const char *user_id, size_t limit, size_t offset,
                      hy_arena *a, struct hy_api_token **ret, size_t *ret_total);
    /* When the token with this hash was last used (*ret 0: never); HY_DB_NONE when there is
     * no such token. token_touch records a use at `now`. */
    int (*token_last_used)(hy_store *s, const char *token_hash, int64_t *ret);
    int (*token_touch)(hy_store *s, const char *token_hash, int64_t now);
    /* Deletes token `id` (only if it is `user_id`'s, unless that is NULL) and sets
     * ret_user_id to its owner. HY_DB_NONE when there is no such token. */
    int (*token_revoke)(hy_store *s, const char *id, const char *user_id, char *ret_user_id);
    /* Deletes every token of a user. Returns the count. */
    int (*token_revoke_user)(hy_store *s, const char *user_id);

    /* Counts one hit on `key` in a fixed window of `window` seconds and returns the hits in
     * the current window through *ret_count (the first hit of a new window counts 1). Shared
     * by every process on the store. */
    int (*rate_hit)(hy_store *s, const char *key, int64_t now, int64_t window, int64_t *ret_count);
    int (*rate_clear)(hy_store *s, const char *key);

    int (*audit_insert)(hy_store *s, int64_t at, const char *actor_id, const char *action,
                        const char *subject_id, const char *detail);
    /* Newest first, entries with id < before (0 = from the newest). Returns the count. */
    int (*audit_list)(hy_store *s, int64_t before, size_t limit, hy_arena *a,
                      struct hy_audit_entry **ret_entries);

    int (*reset_insert)(hy_store *s, const char *token_hash, const char *user_id,
                        int64_t expires_at);
    /* Takes (deletes) a password-reset token that has not expired; sets ret_user_id. */
    int (*reset_take)(hy_store *s, const char *token_hash, int64_t now, char *ret_user_id);
    /* Deletes every reset token of a user and the reset messages to them not yet delivered.
     * Returns the number of tokens deleted. */
    int (*reset_revoke_user)(hy_store *s, const char *user_id);
    /* Gives up the reset messages created before `created_before` that are still undelivered
     * (leases ended by `now`), erasing their payload. Returns the count. */
    int (*reset_outbox_expire)(hy_store *s, int64_t created_before, int64_t now);

    /* Queues a message: HY_DB_ONE. When the connection's outbox_per_hour is set and the
     * recipient was queued that many messages in the hour before m->created_at, the message
     * is dropped instead (a row with status "dropped" and no recipient or payload, for the
     * statistics) and HY_DB_NONE is returned. Exact across processes on one store. */
    int (*outbox_insert)(hy_store *s, const struct hy_outbox_message *m);
    /* The newest messages to `recipient` (tests and the operator's diagnostics). */
    int (*outbox_list)(hy_store *s, const char *recipient, size_t limit, hy_arena *a,
                       struct hy_outbox_message **ret);
    /* Sets a user's display name and language. HY_DB_NONE for an unknown id. */
    int (*user_set_profile)(hy_store *s, const char *id, const char *name, const char *language,
                            int64_t now);
    /* Deletes what has expired: rate-limit counters whose window began before `rate_before`
     * (they name network addresses), sessions, password-reset and API tokens past their end. */
    int (*expired_purge)(hy_store *s, int64_t now, int64_t rate_before);

    /* ---- savepoints (ABI 3), used by the group-commit writer (hy_db_run_batched) ----
     * One level, inside a write transaction (HY_TX_INSERT or HY_TX_WRITE): savepoint() marks
     * the point, savepoint_release() keeps what was done since, savepoint_rollback() undoes
     * it (and clears a PostgreSQL statement error) while the transaction goes on. */
    int (*savepoint)(hy_store *s);
    int (*savepoint_release)(hy_store *s);
    int (*savepoint_rollback)(hy_store *s);

    /* ---- writes sent ahead (ABI 4), used by the group-commit writer; NULL where a write
     * costs no round trip (SQLite) ----
     * defer_writes(), in a write transaction, lets the writes the shared code runs with
     * hy_st_write() go out without waiting for their outcome (PostgreSQL: libpq's pipeline
     * mode); the next statement that needs an answer, or flush_writes(), collects them.
     * A write sent ahead that failed, or that touched no row, makes that statement (or
     * flush_writes()) fail: HY_DB_SOFT for a conflict, else HY_DB_HARD — so the caller cannot
     * tell which write it was, and runs its work again without sending ahead to find out.
     * flush_writes() collects what is outstanding and ends the mode; rollback() ends it too. */
    int (*defer_writes)(hy_store *s);
    int (*flush_writes)(hy_store *s);

    /* ---- a change stamp without a transaction; NULL where there is none ----
     * Copies into ret (HY_CHANGE_STAMP_SIZE bytes) a stamp of what the database holds: every
     * commit of any connection of any process changes it before the commit returns, so two
     * equal stamps mean nothing was committed between their reads. HY_DB_ONE, or HY_DB_NONE
     * when no stamp can be had (then the caller reads what it needs). SQLite in WAL mode. */
    int (*change_stamp)(hy_store *s, unsigned char *ret);

    /* ---- features ---- */
    const struct hy_group_ops *groups;
    const struct hy_request_ops *requests;
    const struct hy_library_ops *library;
    const struct hy_tree_ops *trees;
    const struct hy_dataset_ops *datasets;
    const struct hy_news_ops *news;
    const struct hy_faq_ops *faq; /* search synonyms, FAQ feedback (store/faq.h) */
    const struct hy_skills_ops *skills; /* skills matching (store/skills.h) */
    const struct hy_challenge_ops *challenges; /* challenges, ideas, votes (store/challenges.h) */
    const struct hy_board_ops *board; /* the neighbour-help board (store/board.h) */
};

#define HY_STORE_ABI 4
#define HY_CHANGE_STAMP_SIZE 48

/* Every backend's connection struct begins with this. `engine` runs the statements of the
 * store's shared code (store/engine.h: internal to src/store/). */
struct hy_engine;
struct hy_store {
    const struct hy_store_ops *ops;
    const struct hy_engine *engine;
    /* Messages one recipient may be queued in any hour (outbox_insert); 0 = no cap. A
     * connection of a hy_db takes the db's (hy_db_set_outbox_cap). */
    unsigned outbox_per_hour;
    /* Times this connection sent statements and waited for the server's answer (a round
     * trip), counted by backends where that costs (PostgreSQL); hy_db_round_trips() sums them. */
    _Atomic uint64_t round_trips;
};

#define HY_OUTBOX_CAP_WINDOW 3600 /* seconds: the per-recipient cap's window */
#define HY_OUTBOX_PER_HOUR_DEFAULT 5

extern const struct hy_store_ops hy_store_sqlite_ops;
extern const struct hy_store_ops hy_store_pg_ops;

/* ---- hy_db: one database, a connection per thread, the transaction runner ---- */

typedef struct hy_db hy_db;

/* Parses `url` ("sqlite:PATH", "postgres://…", "postgresql://…") and checks that a connection
 * can be made. Does not migrate. Refuses a backend whose ops->abi is below HY_STORE_ABI. On
 * failure returns a negative status, leaves *ret untouched and puts a malloc()ed reason in
 * *ret_err (NULL if even that could not be allocated). */
int hy_db_open(const char *url, hy_db **ret, char **ret_err);
/* Closes every connection. Call only when no thread uses the db any more (other threads'
 * thread-local references to it then go stale harmlessly: they never match another db, even
 * one later allocated at the same address). Accepts NULL. */
hy_db *hy_db_close(hy_db *db);
/* "sqlite" or "postgres". */
const char *hy_db_backend(const hy_db *db);
const struct hy_store_ops *hy_db_ops(const hy_db *db);

/* The calling thread's connection (opened on first use), or NULL if it cannot be opened. */
hy_store *hy_db_conn(hy_db *db);
/* Drops the calling thread's connection, e.g. before the thread ends. */
void hy_db_release(hy_db *db);
/* The store's change stamp (hy_store_ops.change_stamp) read on the calling thread's
 * connection: HY_DB_ONE, or HY_DB_NONE when the backend has none or cannot tell now. */
int hy_db_change_stamp(hy_db *db, unsigned char ret[HY_CHANGE_STAMP_SIZE]);
/* Sets the per-recipient cap of the outbox (hy_store.outbox_per_hour) for every connection of
 * the db; a db opens with HY_OUTBOX_PER_HOUR_DEFAULT. 0 = no cap. */
void hy_db_set_outbox_cap(hy_db *db, unsigned per_hour);

typedef int (*hy_tx_fn)(hy_store *s, void *ctx);

/* Runs fn inside a transaction on the calling thread's connection. fn returns a status:
 * >= 0 commits and is returned; HY_DB_SOFT rolls back and retries — at most HY_TX_RETRIES
 * attempts in all, after a pause of 0.5 ms doubling to at most 250 ms (each drawn at random
 * from its upper half), and no attempt that would begin more than HY_TX_RETRY_MS after the
 * first — then HY_DB_SOFT is returned; HY_DB_HARD and HY_DB_ABORT roll back and are
 * returned. A commit that fails softly is retried too. fn must not keep state across
 * attempts other than what it recomputes from the store. */
int hy_db_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx);

#define HY_TX_RETRIES 12
#define HY_TX_RETRY_MS 2000

/* Counts of retries since start (for /healthz diagnostics and tests). */
uint64_t hy_db_retries(const hy_db *db);
/* Round trips to the database server since start, every connection of the db (those closed
 * since included): 0 on an embedded store. A figure for benchmarks and the shutdown log. */
uint64_t hy_db_round_trips(hy_db *db);

/* ---- group commit: many small write transactions sharing one commit ----
 * A durable commit costs a disk flush (SQLite synchronous=FULL, PostgreSQL fsync): a few
 * thousand a second, however small the transaction. hy_db_batch_start() gives the db its
 * writer threads, each with its own connection. hy_db_run_batched() queues a job and returns
 * at once; a writer takes every job queued (at most `max_jobs`), opens ONE HY_TX_INSERT
 * transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED — jobs insert new rows and
 * rely on constraints, never on what they read), runs each job's fn, COMMITs once, and only
 * then calls each job's `done` with the job's status. The jobs run without savepoints first;
 * if one fails, that run is rolled back and the batch runs again (once, outside the retry
 * budget) with each job inside a savepoint of its own. So:
 *   - a job is durable when its `done` runs, never before (no answer may be given earlier);
 *   - fn >= 0 keeps the job's work (savepoint released); HY_DB_HARD, HY_DB_ABORT and HY_DB_FULL
 *     undo this job's work only (rollback to its savepoint) and are passed to its `done`,
 *     while the other jobs go on;
 *   - fn may run more than once (after a conflict, or when another job of its batch failed),
 *     so it must not keep state across runs other than what it recomputes from the store;
 *   - HY_DB_SOFT from any fn, a savepoint, or the COMMIT rolls the whole batch back and runs
 *     it again (every job's fn anew) with the hy_db_run() retry budget (HY_TX_RETRIES
 *     attempts, HY_TX_RETRY_MS); when that is spent every job gets HY_DB_SOFT. A failed COMMIT
 *     or a lost connection gives every job of the batch that status;
 *   - jobs run in the order they were queued (those of hy_db_run_batched_in_order() last, in
 *     their own order) and see the work of the jobs before them in the same batch (e.g. an
 *     idempotency key stored by the previous job);
 *   - fn runs on a writer thread and `done` too: both must only touch what `ctx` owns, and
 *     ctx must stay valid until `done` has been called; `done` must be short (it delays the
 *     next batch) and must not queue more jobs.
 * A db with a fallback (a read replica) sends its jobs to the fallback. */
typedef void (*hy_batch_done_fn)(void *ctx, int status);

/* Starts the writer (idempotent): `writers` threads (1..HY_BATCH_WRITERS_MAX; 0 = 1), each
 * taking the queued jobs a batch at a time on its own connection; the backend's ops say how
 * many suit it (batch_writers). One suits SQLite (one writer at a time anyway); on PostgreSQL
 * a writer mostly waits for round trips, and several keep the server busy — jobs of
 * concurrent batches should then not update the same rows, or the batches wait for each
 * other's commits (and a deadlock runs one again). max_jobs 0 = HY_BATCH_MAX. 0 on success,
 * else a negative errno-style code. */
int hy_db_batch_start(hy_db *db, unsigned max_jobs, unsigned writers);
/* Queues a job. HY_DB_ONE: queued, `done` will be called exactly once on a writer thread.
 * HY_DB_HARD: not queued (no writer, or it is stopping, or out of memory) and `done` will
 * never be called: the caller runs fn itself, e.g. with hy_db_run(). */
int hy_db_run_batched(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done);
/* A rate-limit hit that guards a job (store/rate.h's fixed windows): counted by the writer
 * before the batch's transaction, in a short transaction of its own that counts every hit of
 * the batch on one key with one statement, in queue order — so the jobs of one address do
 * not hold its counter's row until their batch commits (which would make the writers wait
 * for each other's commits), and a submission costs no commit of its own for its hit. The
 * hit stays counted whatever becomes of the job. Before fn runs, `over` says whether this
 * hit was over `limit`; fn decides what that means (a submission then writes nothing). When
 * the hits cannot be counted, every job of the batch gets that status. `hit` belongs to the
 * caller and must live until `done`. */
struct hy_batch_hit {
    const char *key;
    unsigned limit, window;
    bool over; /* set by the writer */
};
/* hy_db_run_batched() with the job's hit counted first. */
int hy_db_run_batched_hit(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                          struct hy_batch_hit *hit);
/* hy_db_run_batched() for a job that locks the row named `order` (e.g. a claim: the
 * request's id) until its batch commits: a writer runs the jobs of a batch that have such a
 * name in the names' byte order (after those without one, which keep their queue order), so
 * batches that lock several of the same rows — in any process — lock them in one order and
 * never wait for each other in a circle. `order` must live until `done`. */
int hy_db_run_batched_in_order(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                               const char *order);
/* Lets the writers finish every job queued (new jobs are refused from now on), then stops
 * them and closes their connections. Accepts a db without a writer. hy_db_close() calls it. */
void hy_db_batch_stop(hy_db *db);
/* Jobs done and batches committed (or failed) since start: their ratio is the mean batch. */
void hy_db_batch_stats(const hy_db *db, uint64_t *ret_jobs, uint64_t *ret_batches);

#define HY_BATCH_MAX 128
#define HY_BATCH_WRITERS_MAX 16

/* ---- read replicas (serve --db-replica) ----
 * A replica db has a fallback: the primary. hy_db_run() on it sends HY_TX_WRITE straight to
 * the fallback, and when a read fails on the replica (HY_DB_SOFT after its retries, e.g. a
 * query cancelled by a recovery conflict, or HY_DB_HARD, e.g. the standby is unreachable) it
 * notes the time and runs the same callback again on the fallback. Set before any thread uses
 * the db; the fallback must outlive it. */
void hy_db_set_fallback(hy_db *db, hy_db *fallback);
/* hy_now-style monotonic microseconds of the db's last failed read, 0 if none. */
int64_t hy_db_failed_at(const hy_db *db);
/* Reads served by the db itself / sent on to its fallback after a failure (diagnostics). */
uint64_t hy_db_reads(const hy_db *db);
uint64_t hy_db_fallbacks(const hy_db *db);
/* CLOCK_MONOTONIC in microseconds, the clock of hy_db_failed_at(). */
int64_t hy_db_clock_us(void);

#endif
