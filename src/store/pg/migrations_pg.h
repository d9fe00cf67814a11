#ifndef HY_MIGRATIONS_PG_H
#define HY_MIGRATIONS_PG_H

#include <stddef.h>

/* One schema step: `sql` may hold several statements (it runs through PQexec's simple-query
 * protocol inside the migration's transaction). Same shape as the SQLite backend's
 * struct hy_migration, kept separate so both headers can be included together. */
struct hy_pg_migration {
    int version;
    const char *sql;
};

extern const struct hy_pg_migration hy_pg_migrations[];
extern const size_t hy_pg_migrations_count;

#endif
