/* app.c — the application's state in one serving process (app.h). */
#include "app/app.h"

#include <string.h>

#include "util/log.h"

void hy_app_init(struct hy_app *app, hy_db *db, size_t library_cache) {
    memset(app, 0, sizeof *app);
    app->db = db;
    /* The library search index is built in the background: the first searches read the
     * store. Out of memory, either cache is NULL and searches simply go without it. */
    app->libindex = hy_libindex_cache_new(db);
    hy_libindex_cache_refresh(app->libindex);
    app->libanswers = hy_anscache_new(library_cache);
}

static void log_counts(const char *what, hy_anscache *c) {
    if (!c) return;
    struct hy_anscache_stats st;
    hy_anscache_stats(c, &st);
    hy_info("%s answer cache: %llu hits, %llu misses, %zu answers (%zu KiB) kept", what,
            (unsigned long long)st.hits, (unsigned long long)st.misses, st.entries,
            st.bytes / 1024);
}

void hy_app_free(struct hy_app *app) {
    hy_libindex_cache_free(app->libindex);
    app->libindex = NULL;
    hy_grindex_cache_free(app->grindex);
    app->grindex = NULL;
    log_counts("library", app->libanswers);
    log_counts("open-data", app->dsanswers);
    hy_anscache_free(app->libanswers);
    hy_anscache_free(app->dsanswers);
    app->libanswers = app->dsanswers = NULL;
}
