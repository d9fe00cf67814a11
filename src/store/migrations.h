/* migrations.h — one schema step of a backend's numbered list (sqlite/migrations_sqlite.c,
 * pg/migrations_pg.c): step N means the same tables and constraints in both. `sql` may hold
 * several statements; the backend's migrate() runs the steps not yet applied in one
 * transaction. */
#ifndef HY_STORE_MIGRATIONS_H
#define HY_STORE_MIGRATIONS_H

#include <stddef.h>

struct hy_migration {
    int version;
    const char *sql;
};

#endif
