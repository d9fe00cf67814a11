/* app.h — the application's state in one process of `hamyari serve`: what coordinates work
 * across requests and is not HTTP (caches kept exact by version numbers in the store).
 *
 * cli/serve.c makes one, hands it to the server as the opaque hy_server_config.app, and the
 * API's handlers reach it through hy_req_app(). */
#ifndef HY_APP_H
#define HY_APP_H

#include <stddef.h>

#include "app/grindex.h"
#include "app/libindex.h"
#include "store/store.h"
#include "util/anscache.h"

struct hy_app {
    hy_db *db;                   /* the primary store */
    hy_libindex_cache *libindex; /* the library's search index and its rebuilds, or NULL */
    hy_anscache *libanswers;     /* whole public library answers, or NULL */
    hy_anscache *dsanswers;      /* whole open-data aggregate answers, or NULL (set by serve) */
    hy_grindex_cache *grindex;   /* nearest groups from memory, or NULL (set by serve) */
};

/* Sets up `app` for `db` (which must outlive it): the library index cache, whose first build
 * starts in the background at once, and an answer cache of `library_cache` bytes (0 = none).
 * Out of memory, a cache is left NULL: the searches then go without it. */
void hy_app_init(struct hy_app *app, hy_db *db, size_t library_cache);
/* Stops a running index build and frees the caches (logging the answer caches' counts). */
void hy_app_free(struct hy_app *app);

#endif
