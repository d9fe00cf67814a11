#ifndef HY_MIGRATIONS_SQLITE_H
#define HY_MIGRATIONS_SQLITE_H

#include "store/migrations.h"

extern const struct hy_migration hy_sqlite_migrations[];
extern const size_t hy_sqlite_migrations_count;

#endif
