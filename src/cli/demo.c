/* demo.c — the demo data: loaded once into an empty store by `serve --demo`.
 *
 * Every demo record is marked as demo where it is shown. Each feature adds a loader to the
 * list below; all run in one transaction, so a store gets all of the demo data or none. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"

typedef int (*hy_demo_loader)(hy_store *s);

static const struct {
    const char *name;
    hy_demo_loader load;
} hy__loaders[] = {
    {NULL, NULL},
};

static int hy__load_all(hy_store *s, void *ctx) {
    char *done = NULL;
    int r = s->ops->meta_get(s, "demo_loaded", &done);
    if (r < 0) return r;
    if (r == HY_DB_ONE) {
        free(done);
        *(int *)ctx = 1;
        return HY_DB_NONE;
    }
    for (size_t i = 0; i < sizeof hy__loaders / sizeof hy__loaders[0]; i++) {
        if (!hy__loaders[i].load) continue;
        r = hy__loaders[i].load(s);
        if (r < 0) {
            hy_error("demo: loading %s failed", hy__loaders[i].name);
            return r;
        }
    }
    return s->ops->meta_set(s, "demo_loaded", "1");
}

int hy_demo_load(hy_db *db) {
    int already = 0;
    int r = hy_db_run(db, HY_TX_WRITE, hy__load_all, &already);
    if (r < 0) {
        hy_error("demo: the demo data could not be loaded");
        return -1;
    }
    if (already) hy_info("demo: demo data already loaded");
    else hy_info("demo: demo data loaded (every demo record is marked as demo)");
    return 0;
}
