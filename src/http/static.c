#include "http/static.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/gzip.h"
#include "util/log.h"

#define STATIC_FILE_MAX ((size_t)32 << 20)
#define STATIC_TOTAL_MAX ((size_t)512 << 20)

struct file {
    char *path; /* "/css/app.css" */
    const char *mime;
    char etag[HY_ETAG_SIZE];   /* of the file's bytes */
    char gzetag[HY_ETAG_SIZE]; /* of its gzip copy: another representation, another tag */
    unsigned char *data;
    size_t len;
    unsigned char *gz;
    size_t gzlen;
    struct MHD_Response *plain, *gzip;
};

struct hy_static {
    struct file *files;
    size_t nfiles, cap;
    size_t *index; /* open addressing over files, SIZE_MAX = empty */
    size_t index_size;
    size_t bytes;
    int notfound; /* index of /404.html or -1 */
};

const char *hy_mime_type(const char *name) {
    static const struct {
        const char *ext, *mime;
    } t[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".map", "application/json; charset=utf-8"},
        {".webmanifest", "application/manifest+json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".xml", "application/xml; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".pdf", "application/pdf"},
        {".yaml", "application/yaml; charset=utf-8"},
        {".geojson", "application/geo+json; charset=utf-8"},
        {".topojson", "application/json; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (strcasecmp(dot, t[i].ext) == 0) return t[i].mime;
    return "application/octet-stream";
}

static uint64_t fnv_hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int add_file(struct hy_static *st, const char *rel, const char *full) {
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -errno;
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return 0;
    }
    size_t len = (size_t)sb.st_size;
    if (len > STATIC_FILE_MAX || st->bytes + len > STATIC_TOTAL_MAX) {
        close(fd);
        hy_warn("static: %s skipped (too large)", rel);
        return 0;
    }
    unsigned char *data = malloc(len ? len : 1);
    if (!data) {
        close(fd);
        return -ENOMEM;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) continue;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    if (got != len) {
        free(data);
        return -EIO;
    }
    if (st->nfiles == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct file *f = realloc(st->files, cap * sizeof *f);
        if (!f) {
            free(data);
            return -ENOMEM;
        }
        st->files = f;
        st->cap = cap;
    }
    struct file *f = &st->files[st->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(rel);
    if (!f->path) {
        free(data);
        return -ENOMEM;
    }
    f->mime = hy_mime_type(rel);
    f->data = data;
    f->len = len;
    hy_etag(data, len, f->etag);
    if (hy_compressible(f->mime) && len > 256) {
        unsigned char *gz;
        size_t gzlen;
        if (hy_gzip(data, len, 6, &gz, &gzlen)) {
            if (gzlen < len) {
                f->gz = gz;
                f->gzlen = gzlen;
                hy_etag(gz, gzlen, f->gzetag);
            } else {
                free(gz);
            }
        }
    }
    st->bytes += len;
    st->nfiles++;
    return 0;
}

static int walk(struct hy_static *st, const char *dir, const char *rel, int depth) {
    if (depth > 16) return 0;
    DIR *d = opendir(dir);
    if (!d) return -errno;
    int r = 0;
    struct dirent *e;
    while (r >= 0 && (e = readdir(d))) {
        /* Dot-files are private; names starting with "_" are the front-end build's sources
         * (web/_pages/, web/_shell/), which are assembled into the pages that are served. */
        if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
        hy_buf full = HY_BUF_INIT(4096), sub = HY_BUF_INIT(4096);
        if (hy_buf_printf(&full, "%s/%s", dir, e->d_name) || hy_buf_printf(&sub, "%s/%s", rel, e->d_name)) {
            hy_buf_free(&full);
            hy_buf_free(&sub);
            continue;
        }
        struct stat sb;
        if (lstat(full.data, &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) r = walk(st, full.data, sub.data, depth + 1);
            else if (S_ISREG(sb.st_mode)) r = add_file(st, sub.data, full.data);
        }
        hy_buf_free(&full);
        hy_buf_free(&sub);
    }
    closedir(d);
    return r;
}

/* A file the front-end build wrote under /assets/ with its content hash in the name
 * ("/assets/css/app.3f2a9c1d0b.css"): a changed file gets a new name, so it never changes. */
static bool fingerprinted(const char *path) {
    if (strncmp(path, "/assets/", 8) != 0) return false;
    const char *name = strrchr(path, '/') + 1;
    const char *ext = strrchr(name, '.');
    if (!ext) return false;
    const char *p = ext; /* back over the hash: lowercase hex digits */
    while (p > name && ((p[-1] >= '0' && p[-1] <= '9') || (p[-1] >= 'a' && p[-1] <= 'f'))) p--;
    return ext - p >= 8 && p - 1 > name && p[-1] == '.';
}

/* Fingerprinted files are kept for a year without asking again; the libraries in /vendor/ for a
 * day; everything else, pages first, is revalidated on every use (ETag). */
static const char *cache_control(const char *path) {
    if (fingerprinted(path)) return "public, max-age=31536000, immutable";
    if (strncmp(path, "/vendor/", 8) == 0 || strncmp(path, "/fonts/", 7) == 0)
        return "public, max-age=86400";
    return "no-cache";
}

static struct MHD_Response *response(const struct file *f, bool gz) {
    struct MHD_Response *r = MHD_create_response_from_buffer(gz ? f->gzlen : f->len,
                                                             gz ? f->gz : f->data,
                                                             MHD_RESPMEM_PERSISTENT);
    if (!r) return NULL;
    MHD_add_response_header(r, "Content-Type", f->mime);
    MHD_add_response_header(r, "ETag", gz ? f->gzetag : f->etag);
    MHD_add_response_header(r, "Cache-Control", cache_control(f->path));
    if (f->gz) MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (gz) MHD_add_response_header(r, "Content-Encoding", "gzip");
    return r;
}

int hy_static_load(const char *dir, struct hy_static **ret) {
    struct hy_static *st = calloc(1, sizeof *st);
    if (!st) return -ENOMEM;
    st->notfound = -1;
    if (dir && *dir) {
        int r = walk(st, dir, "", 0);
        if (r < 0) {
            hy_error("static: cannot read %s: %s", dir, strerror(-r));
            hy_static_free(st);
            return r;
        }
    }
    st->index_size = 16;
    while (st->index_size < st->nfiles * 2) st->index_size *= 2;
    st->index = malloc(st->index_size * sizeof *st->index);
    if (!st->index) {
        hy_static_free(st);
        return -ENOMEM;
    }
    for (size_t i = 0; i < st->index_size; i++) st->index[i] = SIZE_MAX;
    for (size_t i = 0; i < st->nfiles; i++) {
        size_t h = (size_t)fnv_hash(st->files[i].path, strlen(st->files[i].path)) & (st->index_size - 1);
        while (st->index[h] != SIZE_MAX) h = (h + 1) & (st->index_size - 1);
        st->index[h] = i;
        if (strcmp(st->files[i].path, "/404.html") == 0) st->notfound = (int)i;
    }
    *ret = st;
    return 0;
}

void hy_static_free(struct hy_static *st) {
    if (!st) return;
    for (size_t i = 0; i < st->nfiles; i++) {
        struct file *f = &st->files[i];
        if (f->plain) MHD_destroy_response(f->plain);
        if (f->gzip) MHD_destroy_response(f->gzip);
        free(f->path);
        free(f->data);
        free(f->gz);
    }
    free(st->files);
    free(st->index);
    free(st);
}

void hy_static_stats(const struct hy_static *st, size_t *ret_files, size_t *ret_bytes) {
    *ret_files = st ? st->nfiles : 0;
    *ret_bytes = st ? st->bytes : 0;
}

static struct file *find_exact(const struct hy_static *st, const char *path, size_t n) {
    if (!st || !st->nfiles) return NULL;
    size_t h = (size_t)fnv_hash(path, n) & (st->index_size - 1);
    while (st->index[h] != SIZE_MAX) {
        struct file *f = &st->files[st->index[h]];
        if (strncmp(f->path, path, n) == 0 && f->path[n] == '\0') return f;
        h = (h + 1) & (st->index_size - 1);
    }
    return NULL;
}

static struct file *find_file(const struct hy_static *st, const char *path) {
    char tmp[1100];
    size_t n = strlen(path);
    if (n == 0 || n > 1024) return NULL;
    if (path[n - 1] == '/') {
        snprintf(tmp, sizeof tmp, "%sindex.html", path);
        return find_exact(st, tmp, strlen(tmp));
    }
    struct file *f = find_exact(st, path, n);
    if (f) return f;
    snprintf(tmp, sizeof tmp, "%s.html", path);
    return find_exact(st, tmp, strlen(tmp));
}

bool hy_static_exists(const struct hy_static *st, const char *path) {
    return find_file(st, path) != NULL;
}

bool hy_static_get(const struct hy_static *st, const char *path, const char **ret_data,
                   size_t *ret_len) {
    const struct file *f = find_file(st, path);
    if (!f) return false;
    *ret_data = (const char *)f->data;
    *ret_len = f->len;
    return true;
}

hy_result hy_static_serve(struct hy_static *st, hy_req *req) {
    struct file *f = find_file(st, req->path);
    unsigned status = 200;
    if (!f) {
        if (!st || st->notfound < 0) return hy_reply_error(req, HY_E_NOT_FOUND, NULL, NULL);
        f = &st->files[st->notfound];
        status = 404;
    }
    bool gz = f->gz && hy_accepts_gzip(hy_req_header(req, "Accept-Encoding"));
    if (status == 200 &&
        hy_etag_matches(hy_req_header(req, "If-None-Match"), gz ? f->gzetag : f->etag))
        return hy_reply_not_modified(req, gz ? f->gzetag : f->etag, cache_control(f->path),
                                     f->gz != NULL, 0, gz ? f->gzlen : f->len);
    /* Responses are built once per file and variant, then reused by every request. The build
     * races harmlessly at most once per variant; the loser's copy is dropped. */
    struct MHD_Response **slot = gz ? &f->gzip : &f->plain;
    struct MHD_Response *r = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!r) {
        struct MHD_Response *fresh = response(f, gz);
        if (!fresh) return MHD_NO;
        if (strncmp(f->path, "/embed/", 7) == 0)
            hy_http_embed_headers(req->srv, fresh);
        else
            hy_http_security_headers(req->srv, fresh);
        struct MHD_Response *expected = NULL;
        if (__atomic_compare_exchange_n(slot, &expected, fresh, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            r = fresh;
        } else {
            MHD_destroy_response(fresh);
            r = expected;
        }
    }
    return hy_reply_response(req, status, r, gz ? f->gzlen : f->len);
}
