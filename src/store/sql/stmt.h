/* stmt.h — the ids of the statements every backend runs, one list per feature.
 *
 * Each store/sql/<feature>.def is a list of
 *   HY_SQL(ID, "text")   a statement written once for both backends, in PostgreSQL's words:
 *                        parameters $1…$N, casts like $1::bigint that type a parameter, and
 *                        COLLATE "C" where text is sorted. SQLite's backend rewrites the text
 *                        when it prepares it: $N becomes ?N, the casts and COLLATE "C" go
 *                        (SQLite binds typed values and sorts text by bytes anyway);
 *   HY_DIALECT(ID)       a statement each backend writes in its own dialect (SKIP LOCKED,
 *                        FTS5 against tsvector, json_each against arrays …), with the same
 *                        parameters and columns: store/sqlite/sq_sql.def, store/pg/pg_sql.def.
 * Shared code (src/store/…c) runs them by id through store/engine.h. Statements only one
 * backend runs (its R*Tree or GiST search, its bulk inserts) are listed in its own .def. */
#ifndef HY_STORE_SQL_STMT_H
#define HY_STORE_SQL_STMT_H

enum hy_stmt {
#define HY_SQL(id, text) HY_Q_##id,
#define HY_DIALECT(id) HY_Q_##id,
#include "store/sql/all.def"
#undef HY_SQL
#undef HY_DIALECT
    HY_Q__COMMON /* the number of statements every backend has */
};

#endif
