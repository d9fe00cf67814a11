/* common.c — what several sub-commands share: opening and migrating the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/tree_seed.h"
#include "util/log.h"

int hy_cli_open_store(const char *url, hy_db **ret_db, int *ret_version) {
    hy_db *db = NULL;
    char *err = NULL;
    if (hy_db_open(url, &db, &err) < 0) {
        hy_error("cannot open the store: %s", err ? err : "unknown error");
        free(err);
        return -1;
    }
    hy_store *s = hy_db_conn(db);
    int before = 0, after = 0;
    if (s->ops->schema_version(s, &before) < 0) {
        hy_error("cannot read the schema version");
        hy_db_close(db);
        return -1;
    }
    int r = HY_DB_SOFT;
    for (int attempt = 0; attempt < HY_TX_RETRIES && r == HY_DB_SOFT; attempt++)
        r = s->ops->migrate(s, &after);
    if (r < 0) {
        hy_error("migrating the %s store failed", hy_db_backend(db));
        hy_db_close(db);
        return -1;
    }
    if (after != before)
        hy_info("store: %s schema migrated from version %d to %d", hy_db_backend(db), before,
                after);
    if (hy_library_seed(db) < 0) { /* starter library content, once (library_seed.c) */
        hy_db_close(db);
        return -1;
    }
    if (hy_tree_seed(db) < 0) { /* the sample decision trees, once (tree_seed.c) */
        hy_db_close(db);
        return -1;
    }
    /* A store made before files were created private (or copied with cp) may be readable by
     * others; its -wal and -shm files take the same mode. Say so rather than change it. */
    struct stat sb;
    if (strncmp(url, "sqlite:", 7) == 0 && stat(url + 7, &sb) == 0 && (sb.st_mode & 077))
        hy_warn("store: %s can be read by other users (mode %04o); it holds personal data: "
                "chmod 600 it (and its -wal and -shm files)",
                url + 7, (unsigned)(sb.st_mode & 0777));
    *ret_db = db;
    if (ret_version) *ret_version = after;
    return 0;
}
