#ifndef HY_MIGRATIONS_PG_H
#define HY_MIGRATIONS_PG_H

#include "store/migrations.h"

/* The steps run through PQexec's simple-query protocol inside the migration's transaction. */
extern const struct hy_migration hy_pg_migrations[];
extern const size_t hy_pg_migrations_count;

#endif
