/* arena.h — a bump allocator for one request's life.
 *
 * Everything a request allocates comes from its arena and is released at once by
 * hy_arena_free() when libmicrohttpd completes the request. Allocation never fails silently:
 * it returns NULL when the arena's cap is reached or the system is out of memory. */
#ifndef HY_ARENA_H
#define HY_ARENA_H

#include <stddef.h>

typedef struct hy_arena hy_arena;

/* Creates an arena that will hand out at most `cap` bytes in all (0 = 64 MiB).
 * The caller owns the result and frees it with hy_arena_free(). */
hy_arena *hy_arena_new(size_t cap);

/* Frees the arena and every allocation made from it. Accepts NULL; returns NULL. */
hy_arena *hy_arena_free(hy_arena *a);

/* Returns `n` bytes aligned for any type, valid until the arena is freed, or NULL. */
void *hy_arena_alloc(hy_arena *a, size_t n);

/* Like hy_arena_alloc() but zeroed. */
void *hy_arena_zalloc(hy_arena *a, size_t n);

/* Copies `n` bytes of `s` and appends a NUL. */
char *hy_arena_strndup(hy_arena *a, const char *s, size_t n);
char *hy_arena_strdup(hy_arena *a, const char *s);

/* printf into the arena. */
char *hy_arena_printf(hy_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes handed out so far. */
size_t hy_arena_used(const hy_arena *a);

#endif
