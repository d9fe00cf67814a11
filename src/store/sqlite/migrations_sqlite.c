/* migrations_sqlite.c — the SQLite schema, one numbered step at a time. Never edit a step that
 * has shipped; add a new one. The PostgreSQL steps carry the same numbers and meaning. */
#include "store/sqlite/migrations_sqlite.h"

const struct hy_migration hy_sqlite_migrations[] = {
    {1,
     "CREATE TABLE meta ("
     " key TEXT PRIMARY KEY,"
     " value TEXT NOT NULL"
     ") WITHOUT ROWID;"},
};

const size_t hy_sqlite_migrations_count =
    sizeof hy_sqlite_migrations / sizeof hy_sqlite_migrations[0];
