/* library.h — saving a library document: prepare it (domain/library.h), store it, and record
 * a revision, inside the caller's write transaction. The API, the importer, the starter
 * content and the demo all save documents this one way. */
#ifndef HY_APP_LIBRARY_H
#define HY_APP_LIBRARY_H

#include <stdint.h>

#include "domain/library.h"
#include "store/library.h"
#include "store/store.h"
#include "util/arena.h"

/* Prepares d (hy_lib_doc_prepare), inserts it, and records revision `action` by `author`
 * (NULL = the system). d->id, timestamps, status and origin must be set. HY_DB_* status;
 * HY_DB_NONE when the id exists. -ENOMEM/-EINVAL from preparing map to HY_DB_HARD. */
int hy_lib_create(hy_store *s, hy_arena *a, struct hy_lib_doc *d, const char *author,
                  const char *action);
/* Prepares d, stores it over the existing document, and records revision "edit". */
int hy_lib_update(hy_store *s, hy_arena *a, struct hy_lib_doc *d, const char *author);
/* Records a revision with a snapshot of d. */
int hy_lib_record_revision(hy_store *s, const struct hy_lib_doc *d, const char *author,
                           const char *action, int64_t at);

#endif
