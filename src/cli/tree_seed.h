/* tree_seed.h — the sample decision trees built into the program (src/cli/trees/, in the order
 * of its seed.list; CMakeLists.txt writes them into a generated source), and their loader. */
#ifndef HY_CLI_TREE_SEED_H
#define HY_CLI_TREE_SEED_H

#include <stddef.h>

#include "store/store.h"

struct hy_tree_seed {
    const char *name; /* the file's name, for messages */
    const char *json;
    size_t len;
};

extern const struct hy_tree_seed hy_tree_seeds[];
extern const size_t hy_tree_seeds_count;

/* Loads the sample trees, published, once into a store (the meta key "trees_seeded" guards
 * it, so a tree an editor withdrew or changed is left alone). 0, or -1 on failure. */
int hy_tree_seed(hy_db *db);

#endif
