#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK 8192

struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct hy_arena {
    struct chunk *head;
    size_t cap, total;
    /* The first chunk lives inside the arena allocation itself. */
};

hy_arena *hy_arena_new(size_t cap) {
    hy_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->cap = cap ? cap : (size_t)64 << 20;
    return a;
}

hy_arena *hy_arena_free(hy_arena *a) {
    if (!a) return NULL;
    struct chunk *c = a->head;
    while (c) {
        struct chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
    return NULL;
}

void *hy_arena_alloc(hy_arena *a, size_t n) {
    if (!a) return NULL;
    if (n == 0) n = 1;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n || need > a->cap || a->total > a->cap - need) return NULL;
    struct chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = need > ARENA_CHUNK / 2 ? need : ARENA_CHUNK;
        c = malloc(sizeof *c + size);
        if (!c) return NULL;
        c->size = size;
        c->used = 0;
        if (need > ARENA_CHUNK / 2 && a->head) {
            /* A large block gets a chunk of its own behind the current one, so the current
             * chunk's free space stays usable. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    return p;
}

void *hy_arena_zalloc(hy_arena *a, size_t n) {
    void *p = hy_arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *hy_arena_strndup(hy_arena *a, const char *s, size_t n) {
    if (n == SIZE_MAX) return NULL;
    char *p = hy_arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *hy_arena_strdup(hy_arena *a, const char *s) {
    return s ? hy_arena_strndup(a, s, strlen(s)) : NULL;
}

char *hy_arena_printf(hy_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = hy_arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t hy_arena_used(const hy_arena *a) { return a ? a->total : 0; }
