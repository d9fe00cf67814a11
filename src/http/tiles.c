#include "http/tiles.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

struct hy_tiles {
    sqlite3 *db;
    sqlite3_stmt *get;
    pthread_mutex_t lock;
    const char *mime;
    unsigned max_zoom;
    char attribution[512];
};

static void meta(struct hy_tiles *t) {
    sqlite3_stmt *st;
    t->mime = "image/png";
    t->max_zoom = 18;
    if (sqlite3_prepare_v2(t->db, "SELECT name, value FROM metadata", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (!k || !v) continue;
        if (strcmp(k, "format") == 0) {
            if (strcmp(v, "jpg") == 0 || strcmp(v, "jpeg") == 0) t->mime = "image/jpeg";
            else if (strcmp(v, "webp") == 0) t->mime = "image/webp";
            else if (strcmp(v, "pbf") == 0) t->mime = "application/x-protobuf";
        } else if (strcmp(k, "maxzoom") == 0) {
            long z = strtol(v, NULL, 10);
            if (z >= 0 && z <= 24) t->max_zoom = (unsigned)z;
        } else if (strcmp(k, "attribution") == 0) {
            size_t n = strlen(v);
            if (n >= sizeof t->attribution) n = sizeof t->attribution - 1;
            memcpy(t->attribution, v, n);
            t->attribution[n] = '\0';
        }
    }
    sqlite3_finalize(st);
}

int hy_tiles_open(const char *path, struct hy_tiles **ret) {
    struct hy_tiles *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v3(t->db,
                           "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND "
                           "tile_column = ?2 AND tile_row = ?3",
                           -1, SQLITE_PREPARE_PERSISTENT, &t->get, NULL) != SQLITE_OK) {
        hy_error("tiles: %s is not an MBTiles file: %s", path,
                 t->db ? sqlite3_errmsg(t->db) : "cannot open");
        sqlite3_close_v2(t->db);
        free(t);
        return -EINVAL;
    }
    pthread_mutex_init(&t->lock, NULL);
    meta(t);
    *ret = t;
    return 0;
}

void hy_tiles_close(struct hy_tiles *t) {
    if (!t) return;
    sqlite3_finalize(t->get);
    sqlite3_close_v2(t->db);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

int hy_tiles_get(struct hy_tiles *t, unsigned z, unsigned x, unsigned y, void **ret_data,
                 size_t *ret_len) {
    if (!t || z > 24) return 0;
    unsigned long long n = 1ull << z;
    if (x >= n || y >= n) return 0;
    int r = 0;
    pthread_mutex_lock(&t->lock);
    sqlite3_bind_int(t->get, 1, (int)z);
    sqlite3_bind_int64(t->get, 2, (sqlite3_int64)x);
    sqlite3_bind_int64(t->get, 3, (sqlite3_int64)(n - 1 - y));
    int rc = sqlite3_step(t->get);
    if (rc == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(t->get, 0);
        const void *p = sqlite3_column_blob(t->get, 0);
        void *copy = malloc(len ? len : 1);
        if (copy) {
            if (len) memcpy(copy, p, len);
            *ret_data = copy;
            *ret_len = len;
            r = 1;
        } else {
            r = -ENOMEM;
        }
    } else if (rc != SQLITE_DONE) {
        r = -EIO;
    }
    sqlite3_reset(t->get);
    pthread_mutex_unlock(&t->lock);
    return r;
}

const char *hy_tiles_mime(const struct hy_tiles *t) { return t->mime; }
unsigned hy_tiles_max_zoom(const struct hy_tiles *t) { return t->max_zoom; }
const char *hy_tiles_attribution(const struct hy_tiles *t) { return t->attribution; }

size_t hy_tiles_origin(const char *url, char *out, size_t n) {
    const char *p;
    if (!url || n == 0) return 0;
    if (strncmp(url, "https://", 8) == 0) p = url + 8;
    else if (strncmp(url, "http://", 7) == 0) p = url + 7;
    else return 0;
    size_t host = strcspn(p, "/?#");
    if (host == 0) return 0;
    size_t len = (size_t)(p - url) + host;
    for (size_t i = 0; i < host; i++) {
        char c = p[i];
        /* A template may put {s} in the host name; allow it as a wildcard, nothing else odd. */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '{' || c == '}'))
            return 0;
    }
    if (len + 1 > n) return 0;
    memcpy(out, url, len);
    out[len] = '\0';
    /* "{s}.tile.example.org" → "*.tile.example.org" for the CSP. */
    char *brace = strstr(out, "{s}");
    if (brace) {
        *brace = '*';
        memmove(brace + 1, brace + 3, strlen(brace + 3) + 1);
        len -= 2;
    }
    return len;
}
