/* shared.h — the store functions written once for every backend (src/store/accounts.c,
 * requests.c, groups.c, library.c, engine.c), and the entries of the ops tables they fill.
 * Internal to src/store/: each backend's table initialisers take the HY_…_SHARED entries and
 * add their own. Semantics: as the ops tables' comments in store/…h say. */
#ifndef HY_STORE_SHARED_H
#define HY_STORE_SHARED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/engine.h"
#include "store/groups.h"
#include "store/library.h"
#include "store/requests.h"
#include "store/store.h"

/* ---- the meta table and accounts (struct hy_store_ops) ---- */

int hy_st_meta_get(hy_store *s, const char *key, char **ret_value);
int hy_st_meta_set(hy_store *s, const char *key, const char *value);
int hy_st_meta_delete(hy_store *s, const char *key);

int hy_st_user_insert(hy_store *s, const struct hy_user *u, const struct hy_volunteer *v);
int hy_st_user_get(hy_store *s, const char *id, hy_arena *a, struct hy_user *ret);
int hy_st_user_by_login(hy_store *s, const char *login, hy_arena *a, struct hy_user *ret);
int hy_st_user_list(hy_store *s, const struct hy_user_filter *f, hy_arena *a,
                    struct hy_user **ret_users, size_t *ret_total);
int hy_st_user_set_status(hy_store *s, const char *id, const char *status, int64_t now);
int hy_st_user_set_role(hy_store *s, const char *id, const char *role, int64_t now);
int hy_st_user_set_password(hy_store *s, const char *id, const char *hash, int64_t now);
int hy_st_user_set_profile(hy_store *s, const char *id, const char *name, const char *language,
                           int64_t now);
int hy_st_volunteer_get(hy_store *s, const char *user_id, hy_arena *a, struct hy_volunteer *ret);
int hy_st_session_insert(hy_store *s, const char *token_hash, const char *user_id,
                         const char *csrf, int64_t now, int64_t expires_at);
int hy_st_session_get(hy_store *s, const char *token_hash, hy_arena *a, struct hy_session *ret);
int hy_st_session_touch(hy_store *s, const char *token_hash, int64_t now);
int hy_st_session_delete(hy_store *s, const char *token_hash);
int hy_st_session_delete_user(hy_store *s, const char *user_id);
int hy_st_token_insert(hy_store *s, const char *token_hash, const struct hy_api_token *t);
int hy_st_token_get(hy_store *s, const char *token_hash, int64_t now, int64_t made_since,
                    char *ret_user_id);
int hy_st_token_list(hy_store *s, const char *user_id, size_t limit, size_t offset, hy_arena *a,
                     struct hy_api_token **ret, size_t *ret_total);
int hy_st_token_revoke(hy_store *s, const char *id, const char *user_id, char *ret_user_id);
int hy_st_token_last_used(hy_store *s, const char *token_hash, int64_t *ret);
int hy_st_token_touch(hy_store *s, const char *token_hash, int64_t now);
int hy_st_token_revoke_user(hy_store *s, const char *user_id);
int hy_st_rate_hit(hy_store *s, const char *key, int64_t now, int64_t window, int64_t *ret_count);
int hy_st_rate_clear(hy_store *s, const char *key);
int hy_st_audit_insert(hy_store *s, int64_t at, const char *actor_id, const char *action,
                       const char *subject_id, const char *detail);
int hy_st_audit_list(hy_store *s, int64_t before, size_t limit, hy_arena *a,
                     struct hy_audit_entry **ret_entries);
int hy_st_reset_insert(hy_store *s, const char *token_hash, const char *user_id,
                       int64_t expires_at);
int hy_st_reset_take(hy_store *s, const char *token_hash, int64_t now, char *ret_user_id);
int hy_st_reset_revoke_user(hy_store *s, const char *user_id);
int hy_st_reset_outbox_expire(hy_store *s, int64_t created_before, int64_t now);
int hy_st_outbox_insert(hy_store *s, const struct hy_outbox_message *m);
int hy_st_outbox_list(hy_store *s, const char *recipient, size_t limit, hy_arena *a,
                      struct hy_outbox_message **ret);
int hy_st_expired_purge(hy_store *s, int64_t now, int64_t rate_before);

#define HY_STORE_OPS_SHARED                                                                        \
    .meta_get = hy_st_meta_get, .meta_set = hy_st_meta_set, .meta_delete = hy_st_meta_delete,     \
    .user_insert = hy_st_user_insert, .user_get = hy_st_user_get,                                 \
    .user_by_login = hy_st_user_by_login, .user_list = hy_st_user_list,                           \
    .user_set_status = hy_st_user_set_status, .user_set_role = hy_st_user_set_role,               \
    .user_set_password = hy_st_user_set_password, .volunteer_get = hy_st_volunteer_get,           \
    .session_insert = hy_st_session_insert, .session_get = hy_st_session_get,                     \
    .session_touch = hy_st_session_touch, .session_delete = hy_st_session_delete,                 \
    .session_delete_user = hy_st_session_delete_user, .token_insert = hy_st_token_insert,         \
    .token_get = hy_st_token_get, .token_list = hy_st_token_list,                                 \
    .token_revoke = hy_st_token_revoke, .token_revoke_user = hy_st_token_revoke_user,             \
    .rate_hit = hy_st_rate_hit, .rate_clear = hy_st_rate_clear,     \
    .audit_insert = hy_st_audit_insert, .audit_list = hy_st_audit_list,                           \
    .reset_insert = hy_st_reset_insert, .reset_take = hy_st_reset_take,                           \
    .reset_revoke_user = hy_st_reset_revoke_user,                                                 \
    .reset_outbox_expire = hy_st_reset_outbox_expire,                                             \
    .outbox_insert = hy_st_outbox_insert, .outbox_list = hy_st_outbox_list,                       \
    .user_set_profile = hy_st_user_set_profile, .expired_purge = hy_st_expired_purge,             \
    .token_last_used = hy_st_token_last_used, .token_touch = hy_st_token_touch

/* ---- help requests (struct hy_request_ops): every entry but compact ---- */

int hy_st_rq_insert(hy_store *s, const struct hy_request *r, const struct hy_request_contact *c);
int hy_st_rq_get(hy_store *s, const char *id, hy_arena *a, struct hy_request *ret);
int hy_st_rq_by_code(hy_store *s, const char *code, hy_arena *a, struct hy_request *ret);
int hy_st_rq_contact_get(hy_store *s, const char *id, hy_arena *a,
                         struct hy_request_contact *ret);
int hy_st_rq_list(hy_store *s, const struct hy_request_filter *f, hy_arena *a,
                  struct hy_request **ret);
int hy_st_rq_claim(hy_store *s, const char *id, const char *user_id, int64_t now);
int hy_st_rq_set_status(hy_store *s, const char *id, const char *from, const char *to,
                        const char *assignee, const char *reason, int64_t now);
int hy_st_rq_event_insert(hy_store *s, const char *id, const struct hy_request_event *e);
int hy_st_rq_events(hy_store *s, const char *id, hy_arena *a, struct hy_request_event **ret);
int hy_st_rq_note_insert(hy_store *s, const char *id, const struct hy_request_note *n);
int hy_st_rq_notes(hy_store *s, const char *id, hy_arena *a, struct hy_request_note **ret);
int hy_st_rq_set_area(hy_store *s, const char *id, double lat, double lon, double exact_lat,
                      double exact_lon, int64_t now);
int hy_st_rq_set_delivery(hy_store *s, const char *id, const char *checklist, bool has_receipt,
                          double amount, const char *reimbursement, int64_t now);
int hy_st_rq_volunteers(hy_store *s, const double *box, size_t limit, hy_arena *a,
                        struct hy_request_volunteer **ret);
int hy_st_rq_claimer(hy_store *s, const char *user_id, int64_t since, hy_arena *a,
                     struct hy_rq_claimer *ret);
int hy_st_rq_stats(hy_store *s, hy_arena *a, struct hy_request_stat_row **ret);
int hy_st_rq_actor_lock(hy_store *s, const char *user_id);
int hy_st_rq_idem_get(hy_store *s, const char *key, const char *route, hy_arena *a,
                      struct hy_idempotency *ret);
int hy_st_rq_idem_put(hy_store *s, const char *key, const char *route,
                      const struct hy_idempotency *v);
int hy_st_rq_purge(hy_store *s, int64_t now, int64_t finished_before, int64_t idem_before,
                   int64_t outbox_before, struct hy_purge_counts *ret);
int hy_st_rq_outbox_take(hy_store *s, int64_t now, int64_t lease_until, size_t limit,
                         hy_arena *a, struct hy_outbox_item **ret);
int hy_st_rq_outbox_sent(hy_store *s, int64_t id, int64_t now);
int hy_st_rq_outbox_retry(hy_store *s, int64_t id, int64_t next_at, bool give_up,
                          const char *error);
int hy_st_rq_outbox_counts(hy_store *s, int64_t ret[HY_OUTBOX_STATES]);
int hy_st_rq_outbox_page(hy_store *s, const char *status, int64_t before, size_t limit,
                         hy_arena *a, struct hy_outbox_entry **ret);

#define HY_REQUEST_OPS_SHARED                                                                      \
    .insert = hy_st_rq_insert, .get = hy_st_rq_get, .by_code = hy_st_rq_by_code,                 \
    .contact_get = hy_st_rq_contact_get, .list = hy_st_rq_list, .claim = hy_st_rq_claim,          \
    .set_status = hy_st_rq_set_status, .event_insert = hy_st_rq_event_insert,                     \
    .events = hy_st_rq_events, .note_insert = hy_st_rq_note_insert, .notes = hy_st_rq_notes,      \
    .set_area = hy_st_rq_set_area, .set_delivery = hy_st_rq_set_delivery,                         \
    .volunteers = hy_st_rq_volunteers, .stats = hy_st_rq_stats, .idem_get = hy_st_rq_idem_get,    \
    .idem_put = hy_st_rq_idem_put, .purge = hy_st_rq_purge, .outbox_take = hy_st_rq_outbox_take,  \
    .outbox_sent = hy_st_rq_outbox_sent, .outbox_retry = hy_st_rq_outbox_retry,                   \
    .outbox_counts = hy_st_rq_outbox_counts, .claimer = hy_st_rq_claimer,                         \
    .outbox_page = hy_st_rq_outbox_page, .actor_lock = hy_st_rq_actor_lock

/* ---- groups (struct hy_group_ops): all but near, insert_many, layout_base and the
 * gazetteer's bulk writes ---- */

/* A group's 23 insert parameters ($1 id … $23 updated_at; store/sql/groups.def GR_INSERT). */
#define HY_GROUP_ARGS 23
void hy_st_group_args(const struct hy_group *g, struct hy_arg args[HY_GROUP_ARGS]);
/* The position is valid and every stored double finite (checked before any write). */
bool hy_st_group_finite(const struct hy_group *g);

int hy_st_gr_insert(hy_store *s, const struct hy_group *g);
int hy_st_gr_get(hy_store *s, const char *id, hy_arena *a, struct hy_group *ret);
int hy_st_gr_update(hy_store *s, const struct hy_group *g);
int hy_st_gr_set_status(hy_store *s, const char *id, const char *status, bool verified,
                        int64_t now);
int hy_st_gr_search(hy_store *s, const char *const *tokens, size_t ntokens, size_t limit,
                    size_t offset, hy_arena *a, struct hy_group **ret, size_t *ret_total);
int hy_st_gr_list(hy_store *s, const char *status, const char *after, size_t limit, hy_arena *a,
                  struct hy_group **ret);
int hy_st_gr_count(hy_store *s, const char *status, size_t *ret_count);
int hy_st_gr_version(hy_store *s, int64_t *ret);
int hy_st_gr_places_count(hy_store *s, size_t *ret_count);
int hy_st_gr_places_any(hy_store *s, bool *ret_any);
int hy_st_gr_owner_add(hy_store *s, const char *group_id, const char *user_id);
int hy_st_gr_is_owner(hy_store *s, const char *group_id, const char *user_id);
int hy_st_gr_coordinator_add(hy_store *s, const char *group_id, const char *user_id);
int hy_st_gr_coordinator_remove(hy_store *s, const char *group_id, const char *user_id);
int hy_st_gr_is_coordinator(hy_store *s, const char *group_id, const char *user_id);
int hy_st_gr_places_clear(hy_store *s, bool operator_list);
int hy_st_gr_geocode(hy_store *s, const struct hy_geocode_query *q, hy_arena *a,
                     struct hy_place **ret);
int hy_st_gr_change_put(hy_store *s, const struct hy_group_change *c);
int hy_st_gr_change_get(hy_store *s, const char *group_id, hy_arena *a,
                        struct hy_group_change *ret);
int hy_st_gr_change_delete(hy_store *s, const char *group_id);
int hy_st_gr_remove(hy_store *s, const char *id);
int hy_st_gr_change_list(hy_store *s, size_t limit, size_t offset, hy_arena *a,
                         struct hy_group_change **ret, size_t *ret_total);

#define HY_GROUP_OPS_SHARED                                                                        \
    .insert = hy_st_gr_insert, .get = hy_st_gr_get, .update = hy_st_gr_update,                    \
    .set_status = hy_st_gr_set_status, .search = hy_st_gr_search, .list = hy_st_gr_list,          \
    .count = hy_st_gr_count, .owner_add = hy_st_gr_owner_add, .is_owner = hy_st_gr_is_owner,      \
    .coordinator_add = hy_st_gr_coordinator_add,                                                  \
    .coordinator_remove = hy_st_gr_coordinator_remove,                                            \
    .is_coordinator = hy_st_gr_is_coordinator, .geocode = hy_st_gr_geocode,     \
        .places_clear = hy_st_gr_places_clear,                       \
    .change_put = hy_st_gr_change_put, .change_get = hy_st_gr_change_get,                         \
    .change_delete = hy_st_gr_change_delete, .change_list = hy_st_gr_change_list,                  \
    .remove = hy_st_gr_remove,                                                                    \
    .places_count = hy_st_gr_places_count, .places_any = hy_st_gr_places_any, .version = hy_st_gr_version

/* ---- the library (struct hy_library_ops): every entry ---- */

int hy_st_lib_doc_insert(hy_store *s, const struct hy_lib_doc *d);
int hy_st_lib_doc_update(hy_store *s, const struct hy_lib_doc *d);
int hy_st_lib_doc_get(hy_store *s, const char *id, hy_arena *a, struct hy_lib_doc *ret);
int hy_st_lib_doc_get_many(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                           struct hy_lib_doc **ret);
int hy_st_lib_doc_set_status(hy_store *s, const char *id, const char *from, const char *to,
                             int64_t now);
int hy_st_lib_doc_list(hy_store *s, const char *status, const char *after, size_t limit,
                       hy_arena *a, struct hy_lib_doc **ret);
int hy_st_lib_doc_group(hy_store *s, const char *group, hy_arena *a, struct hy_lib_doc **ret);
int hy_st_lib_doc_count(hy_store *s, int64_t *ret_count, int64_t *ret_newest);
int hy_st_lib_scan(hy_store *s, const struct hy_lib_scan *q, hy_arena *a,
                   struct hy_lib_row **ret, size_t *ret_n);
int hy_st_lib_version(hy_store *s, int64_t *ret);
int hy_st_lib_index_rows(hy_store *s, const char *after, size_t limit, hy_arena *a,
                         struct hy_lib_row **ret);
int hy_st_lib_doc_get_many_at(hy_store *s, const char *const *ids, size_t n, hy_arena *a,
                              struct hy_lib_doc **ret, int64_t *ret_version);
int hy_st_lib_revision_insert(hy_store *s, const struct hy_lib_revision *r);
int hy_st_lib_revision_list(hy_store *s, const char *doc_id, size_t limit, hy_arena *a,
                            struct hy_lib_revision **ret);
int hy_st_lib_attachment_insert(hy_store *s, const struct hy_lib_attachment *att);
int hy_st_lib_attachment_get(hy_store *s, const char *id, hy_arena *a,
                             struct hy_lib_attachment *ret);
int hy_st_lib_attachment_list(hy_store *s, const char *doc_id, hy_arena *a,
                              struct hy_lib_attachment **ret);
int hy_st_lib_attachment_delete(hy_store *s, const char *doc_id, const char *id);
int hy_st_lib_org_put(hy_store *s, const struct hy_lib_org *o);
int hy_st_lib_project_put(hy_store *s, const struct hy_lib_project *p);
int hy_st_lib_org_list(hy_store *s, hy_arena *a, struct hy_lib_org **ret);
int hy_st_lib_project_list(hy_store *s, hy_arena *a, struct hy_lib_project **ret);

#define HY_LIBRARY_OPS_SHARED                                                                      \
    .doc_insert = hy_st_lib_doc_insert, .doc_update = hy_st_lib_doc_update,                       \
    .doc_get = hy_st_lib_doc_get, .doc_get_many = hy_st_lib_doc_get_many,                         \
    .doc_set_status = hy_st_lib_doc_set_status, .doc_list = hy_st_lib_doc_list,                   \
    .doc_group = hy_st_lib_doc_group, .doc_count = hy_st_lib_doc_count, .scan = hy_st_lib_scan,   \
    .version = hy_st_lib_version, .index_rows = hy_st_lib_index_rows,                             \
    .doc_get_many_at = hy_st_lib_doc_get_many_at,                                                 \
    .revision_insert = hy_st_lib_revision_insert, .revision_list = hy_st_lib_revision_list,       \
    .attachment_insert = hy_st_lib_attachment_insert,                                             \
    .attachment_get = hy_st_lib_attachment_get, .attachment_list = hy_st_lib_attachment_list,     \
    .attachment_delete = hy_st_lib_attachment_delete,                                             \
    .org_put = hy_st_lib_org_put, .project_put = hy_st_lib_project_put,                           \
    .org_list = hy_st_lib_org_list, .project_list = hy_st_lib_project_list

#endif
