/* tree_seed.c — loads the sample decision trees (tree_seed.h) into a new store: each one
 * validated as an editor's save would be, published, with a "seed" revision. */
#include "cli/tree_seed.h"

#include <stdlib.h>
#include <string.h>

#include "domain/tree.h"
#include "store/trees.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/log.h"

static int seed_tx(hy_store *s, void *ctx) {
    int *loaded = ctx;
    *loaded = 0;
    char *flag = NULL;
    int r = s->ops->meta_get(s, "trees_seeded", &flag);
    free(flag);
    if (r != HY_DB_NONE) return r < 0 ? r : HY_DB_ONE;
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < hy_tree_seeds_count && r >= 0; i++) {
        const struct hy_tree_seed *sd = &hy_tree_seeds[i];
        struct hy_tree *t;
        struct hy_tree_problems probs;
        if (hy_tree_parse(a, sd->json, sd->len, &t, &probs) < 0) {
            hy_error("trees: the sample %s is not valid (%s)", sd->name,
                     probs.count ? probs.items[0].message : "out of memory");
            r = HY_DB_HARD;
            break;
        }
        char *doc = hy_arena_alloc(a, sd->len + 1);
        if (!doc) {
            r = HY_DB_HARD;
            break;
        }
        memcpy(doc, sd->json, sd->len);
        doc[sd->len] = '\0';
        struct hy_tree_rec rec = {.id = t->id,
                                  .language = t->language,
                                  .title = t->title,
                                  .version = t->version,
                                  .reviewed_at = t->reviewed_at,
                                  .source_url = t->source_url,
                                  .published = true,
                                  .doc = doc,
                                  .created_at = now,
                                  .updated_at = now,
                                  .published_at = now};
        r = s->ops->trees->insert(s, &rec);
        if (r == HY_DB_NONE) { /* there already (loaded by hand): leave it */
            r = HY_DB_ONE;
            continue;
        }
        if (r < 0) break;
        struct hy_tree_revision rev = {.tree_id = t->id,
                                       .language = t->language,
                                       .version = t->version,
                                       .at = now,
                                       .action = "seed",
                                       .doc = doc};
        r = s->ops->trees->revision_insert(s, &rev);
        if (r >= 0) (*loaded)++;
    }
    hy_arena_free(a);
    if (r < 0) return r;
    return s->ops->meta_set(s, "trees_seeded", "1");
}

int hy_tree_seed(hy_db *db) {
    int loaded = 0;
    if (hy_db_run(db, HY_TX_WRITE, seed_tx, &loaded) < 0) {
        hy_error("trees: loading the sample decision trees failed");
        return -1;
    }
    if (loaded) hy_info("trees: %d sample decision tree(s) loaded and published", loaded);
    return 0;
}
