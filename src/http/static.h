/* static.h — the web front-end's files, held in memory with ready-made responses.
 *
 * hy_static_load() reads every regular file under the web folder at start (dot-files and
 * symbolic links are skipped, so nothing outside the folder can be served), gzip-compresses
 * those that shrink, and computes a strong ETag from the contents. A path is served only if it
 * names a loaded file: there is no file-system access per request and no path traversal. */
#ifndef HY_STATIC_H
#define HY_STATIC_H

#include <stdbool.h>

#include "http/http.h"

struct hy_static;

/* Loads `dir` (NULL or "" loads nothing). Returns 0 or a negative errno-style code. */
int hy_static_load(const char *dir, struct hy_static **ret);
void hy_static_free(struct hy_static *st);
/* True when `path` maps to a file ("/" → /index.html, "/a/" → /a/index.html, "/a" → /a or
 * /a.html). */
bool hy_static_exists(const struct hy_static *st, const char *path);
/* The bytes of the file `path` names (as hy_static_exists() maps it), for pages the server
 * fills in (a built page used as the template of a server-rendered one). False when absent. */
bool hy_static_get(const struct hy_static *st, const char *path, const char **ret_data,
                   size_t *ret_len);
/* Answers a GET/HEAD for `req->path`: the file, 304, or a 404 (web/404.html if present). */
hy_result hy_static_serve(struct hy_static *st, hy_req *req);
/* Number of files and bytes loaded. */
void hy_static_stats(const struct hy_static *st, size_t *ret_files, size_t *ret_bytes);

/* The MIME type for a file name, by extension. */
const char *hy_mime_type(const char *name);

#endif
