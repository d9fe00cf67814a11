/* library.c — saving library documents with their revisions (app/library.h). */
#include "app/library.h"

#include <jansson.h>
#include <stdlib.h>

int hy_lib_record_revision(hy_store *s, const struct hy_lib_doc *d, const char *author,
                           const char *action, int64_t at) {
    json_t *snap = hy_lib_doc_json(d);
    json_object_del(snap, "body_html");
    char *text = json_dumps(snap, JSON_COMPACT);
    json_decref(snap);
    if (!text) return HY_DB_HARD;
    struct hy_lib_revision rv = {.at = at, .doc_id = d->id, .author_id = author,
                                 .action = action, .snapshot = text};
    int r = s->ops->library->revision_insert(s, &rv);
    free(text);
    return r;
}

int hy_lib_create(hy_store *s, hy_arena *a, struct hy_lib_doc *d, const char *author,
                  const char *action) {
    if (hy_lib_doc_prepare(a, d) < 0) return HY_DB_HARD;
    if (!d->translation_group) d->translation_group = d->id;
    if (!d->sort_at) d->sort_at = d->published_at ? d->published_at : d->created_at;
    int r = s->ops->library->doc_insert(s, d);
    if (r != HY_DB_ONE) return r;
    return hy_lib_record_revision(s, d, author, action ? action : "create", d->updated_at);
}

int hy_lib_update(hy_store *s, hy_arena *a, struct hy_lib_doc *d, const char *author) {
    if (hy_lib_doc_prepare(a, d) < 0) return HY_DB_HARD;
    int r = s->ops->library->doc_update(s, d);
    if (r != HY_DB_ONE) return r;
    return hy_lib_record_revision(s, d, author, "edit", d->updated_at);
}
