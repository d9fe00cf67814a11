#ifndef HY_MIGRATIONS_SQLITE_H
#define HY_MIGRATIONS_SQLITE_H

#include <stddef.h>

struct hy_migration {
    int version;
    const char *sql;
};

extern const struct hy_migration hy_sqlite_migrations[];
extern const size_t hy_sqlite_migrations_count;

#endif
