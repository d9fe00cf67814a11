/* anscache.c — see anscache.h. A chained hash table plus a FIFO list for eviction. */
#include "util/anscache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/gzip.h"

#define BUCKETS 4096u

struct entry {
    struct entry *next;  /* in its bucket */
    struct entry *older; /* FIFO: toward the oldest */
    struct entry *newer;
    uint64_t hash;
    size_t gzlen, plainlen;
    char *key;
    unsigned char *gz;
};

struct hy_anscache {
    pthread_mutex_t lock;
    size_t cap, bytes, entries;
    int64_t version;
    struct entry *buckets[BUCKETS];
    struct entry *oldest, *newest;
    uint64_t hits, misses, stored, evicted;
};

static uint64_t key_hash(const char *s) {
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* What malloc holds for a block of n bytes on glibc: a size word before it, rounded up to 16
 * bytes, at least 32. */
static size_t heap_cost(size_t n) {
    n = (n + sizeof(size_t) + 15) & ~(size_t)15;
    return n < 32 ? 32 : n;
}

/* An entry's memory as the heap holds it: its record, key and compressed bytes. */
static size_t entry_cost(const struct entry *e) {
    return heap_cost(sizeof *e) + heap_cost(strlen(e->key) + 1) + heap_cost(e->gzlen);
}

hy_anscache *hy_anscache_new(size_t cap_bytes) {
    if (!cap_bytes) return NULL;
    hy_anscache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->cap = cap_bytes;
    return c;
}

static void lru_unlink(hy_anscache *c, struct entry *e) {
    struct entry **p = &c->buckets[e->hash % BUCKETS];
    while (*p != e) p = &(*p)->next;
    *p = e->next;
    if (e->older) e->older->newer = e->newer;
    else c->oldest = e->newer;
    if (e->newer) e->newer->older = e->older;
    else c->newest = e->older;
    c->bytes -= entry_cost(e);
    c->entries--;
    free(e->key);
    free(e->gz);
    free(e);
}

static void clear_entries(hy_anscache *c) {
    for (unsigned i = 0; i < BUCKETS; i++) {
        struct entry *e = c->buckets[i];
        while (e) {
            struct entry *next = e->next;
            free(e->key);
            free(e->gz);
            free(e);
            e = next;
        }
        c->buckets[i] = NULL;
    }
    c->oldest = c->newest = NULL;
    c->bytes = c->entries = 0;
}

void hy_anscache_free(hy_anscache *c) {
    if (!c) return;
    clear_entries(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static struct entry *find_entry(hy_anscache *c, const char *key, uint64_t h) {
    for (struct entry *e = c->buckets[h % BUCKETS]; e; e = e->next)
        if (e->hash == h && !strcmp(e->key, key)) return e;
    return NULL;
}

bool hy_anscache_get(hy_anscache *c, int64_t version, const char *key, void **ret_gz,
                     size_t *ret_gzlen, size_t *ret_plainlen) {
    if (!c) return false;
    uint64_t h = key_hash(key);
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    struct entry *e = c->version == version ? find_entry(c, key, h) : NULL;
    if (e) {
        void *copy = malloc(e->gzlen);
        if (copy) {
            memcpy(copy, e->gz, e->gzlen);
            *ret_gz = copy;
            *ret_gzlen = e->gzlen;
            *ret_plainlen = e->plainlen;
            hit = true;
        }
    }
    if (hit) c->hits++;
    else c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void hy_anscache_put(hy_anscache *c, int64_t version, const char *key, const void *plain,
                     size_t n) {
    if (!c || n > UINT32_MAX) return;
    /* gzip at level 1: answers compress ~4x in a few tens of microseconds. */
    size_t gzlen = 0;
    unsigned char *gz = NULL;
    if (!hy_gzip(plain, n, 1, &gz, &gzlen)) gz = NULL;
    if (gz) { /* hy_gzip's buffer has room for the plain size: keep only what is used */
        unsigned char *fit = malloc(gzlen ? gzlen : 1);
        if (fit) memcpy(fit, gz, gzlen);
        free(gz);
        gz = fit;
    }
    struct entry *e = calloc(1, sizeof *e);
    char *k = strdup(key);
    if (!gz || !e || !k) {
        free(gz);
        free(e);
        free(k);
        return;
    }
    e->hash = key_hash(key);
    e->key = k;
    e->gz = gz;
    e->gzlen = gzlen;
    e->plainlen = n;
    pthread_mutex_lock(&c->lock);
    if (version > c->version) {
        clear_entries(c);
        c->version = version;
    }
    if (version != c->version || entry_cost(e) > c->cap || find_entry(c, key, e->hash)) {
        pthread_mutex_unlock(&c->lock);
        free(gz);
        free(e);
        free(k);
        return;
    }
    while (c->bytes + entry_cost(e) > c->cap) {
        struct entry *old = c->oldest;
        if (!old) break;
        lru_unlink(c, old); /* NOLINT(clang-analyzer-unix.Malloc): unlink moves c->oldest on */
        c->evicted++;
    }
    struct entry **b = &c->buckets[e->hash % BUCKETS];
    e->next = *b;
    *b = e;
    e->older = c->newest;
    if (c->newest) c->newest->newer = e;
    else c->oldest = e;
    c->newest = e;
    c->bytes += entry_cost(e);
    c->entries++;
    c->stored++;
    pthread_mutex_unlock(&c->lock);
}

void hy_anscache_stats(hy_anscache *c, struct hy_anscache_stats *ret) {
    memset(ret, 0, sizeof *ret);
    if (!c) return;
    pthread_mutex_lock(&c->lock);
    *ret = (struct hy_anscache_stats){c->hits, c->misses, c->stored, c->evicted, c->entries,
                                      c->bytes};
    pthread_mutex_unlock(&c->lock);
}
