/* test_libindex_texts.c — the library index's texts across rebuilds (src/domain/libindex.c): a
 * rebuild shares the unchanged documents' records with the index before instead of copying
 * them, each index shows exactly its own texts whichever is freed first, and a shared chunk
 * that has become mostly dead records is copied out rather than kept alive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/libindex.h"

#define NDOCS 3000

/* Document i's body at edit `gen`: long enough that the texts fill several chunks. */
static void body_of(char *out, size_t cap, int i, int gen) {
    int at = snprintf(out, cap, "body %d gen %d:", i, gen);
    uint32_t x = (uint32_t)(i * 2654435761u) ^ (uint32_t)gen * 40503u;
    for (int k = 0; at > 0 && (size_t)at < cap - 32 && k < 200; k++) {
        x = x * 1664525u + 1013904223u; /* words that do not repeat: texts deflate little */
        at += snprintf(out + at, cap - (size_t)at, " %08x", (unsigned)x);
    }
}

/* An index of NDOCS documents; document i has edit generation gen[i]. */
static hy_libindex *build(hy_libindex *prev, const int *gen, int64_t version) {
    hy_libindex_builder *b = hy_libindex_builder_new();
    assert_non_null(b);
    hy_libindex_builder_follow(b, prev);
    static char bodies[100][2048];
    static char titles[100][64];
    struct hy_lib_row rows[100];
    for (int base = 0; base < NDOCS; base += 100) {
        memset(rows, 0, sizeof rows);
        for (int j = 0; j < 100; j++) {
            int i = base + j;
            struct hy_lib_row *r = &rows[j];
            snprintf(r->id, sizeof r->id, "d%031d", i);
            r->type = "guide";
            r->language = "en";
            r->status = "published";
            r->year = 2020;
            snprintf(titles[j], sizeof titles[j], "title %d", i);
            body_of(bodies[j], sizeof bodies[j], i, gen[i]);
            r->title = titles[j];
            r->summary = "a summary";
            r->body_text = bodies[j];
            r->origin = "import";
            r->tokens = r->tok_title = "title";
            r->tok_summary = "summary";
            r->tok_tags = "";
        }
        assert_int_equal(hy_libindex_builder_add(b, rows, 100), 0);
    }
    hy_libindex *ix = hy_libindex_builder_finish(b, version);
    assert_non_null(ix);
    return ix;
}

/* Every document of ix shows the body of its generation. */
static void check_texts(const hy_libindex *ix, const int *gen) {
    char want[2048], id[HY_ID_LEN + 1];
    for (int i = 0; i < NDOCS; i++) {
        hy_arena *a = hy_arena_new(0);
        struct hy_lib_doc d;
        snprintf(id, sizeof id, "d%031d", i);
        assert_int_equal(hy_libindex_doc(ix, a, id, true, &d), 1);
        body_of(want, sizeof want, i, gen[i]);
        assert_string_equal(d.body_text, want);
        hy_arena_free(a);
    }
}

static void test_shared_then_compacted(void **state) {
    (void)state;
    static int g0[NDOCS], g1[NDOCS], g2[NDOCS];
    hy_libindex *first = build(NULL, g0, 1);
    assert_int_equal(hy_libindex_text_shared(first), 0);
    assert_true(hy_libindex_text_bytes(first) > 2u << 20); /* several chunks */

    /* Ten documents change: the rest is shared, not copied. */
    memcpy(g1, g0, sizeof g1);
    for (int i = 0; i < NDOCS; i += NDOCS / 10) g1[i] = 1;
    hy_libindex *second = build(first, g1, 2);
    assert_int_equal(hy_libindex_text_reused(second), NDOCS - 10);
    assert_true(hy_libindex_text_shared(second) > hy_libindex_text_bytes(second) / 2);
    check_texts(second, g1);
    check_texts(first, g0);
    hy_libindex_release(first); /* the old one goes first: the shared texts stay */
    check_texts(second, g1);

    /* Most documents change: the old chunks, mostly dead, are not kept for the few left. */
    memcpy(g2, g1, sizeof g2);
    for (int i = 0; i < NDOCS; i++)
        if (i % 10) g2[i] = 2;
    hy_libindex *third = build(second, g2, 3);
    assert_true(hy_libindex_text_reused(third) >= NDOCS / 10 - 1);
    /* only the small chunk of the ten edited in `second` (all still live) is shared */
    assert_true(hy_libindex_text_shared(third) < hy_libindex_text_bytes(third) / 4);
    check_texts(third, g2);
    hy_libindex_release(third); /* the new one goes first this time */
    check_texts(second, g1);
    hy_libindex_release(second);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_then_compacted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
