/* demo.h — the demo data's marks, and their removal by `hamyari demo remove`.
 *
 * A row is demo by its own mark and by nothing else (not by its age, its author or its
 * contact details): a group with demo = true, a library document of origin "demo", an account,
 * a help request, a place or an open-data dataset the demo loader marked. Every function runs inside the caller's
 * write transaction and returns a store status. */
#ifndef HY_STORE_DEMO_H
#define HY_STORE_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct hy_demo_counts {
    int64_t groups, groups_edited; /* edited: changed after the demo loaded it */
    int64_t documents, documents_edited;
    int64_t accounts; /* the demo volunteers */
    int64_t requests;
    int64_t places; /* the demo's own place list (e.g. Tehran's neighbourhoods) */
    int64_t released; /* real requests a demo volunteer holds: back to the queue on removal */
    int64_t datasets, datasets_edited; /* open data; edited: a later version was uploaded */
};

/* Marks one account (a demo volunteer) or one help request as demo. */
int hy_demo_mark_user(hy_store *s, const char *user_id);
int hy_demo_mark_request(hy_store *s, const char *request_id);
/* The number of places in the operator's own place list (the demo loads its list only into
 * an empty one), and marking that list as the demo's once it is loaded. */
int hy_demo_operator_places(hy_store *s, int64_t *ret_count);
int hy_demo_mark_places(hy_store *s);

/* What `demo remove` would take now (with keep_edited: without the edited groups and
 * documents, which it keeps). */
int hy_demo_count(hy_store *s, bool keep_edited, struct hy_demo_counts *ret);

/* Removes every demo row. With keep_edited, demo groups and documents changed since they were
 * loaded lose their mark and stay as the operator's own. Real requests held by a demo
 * volunteer go back to "open" (an event records why) before the volunteer goes. Sets *ret to
 * what was removed. */
int hy_demo_remove(hy_store *s, bool keep_edited, int64_t now, struct hy_demo_counts *ret);

#endif
