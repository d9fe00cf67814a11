/* api.h — the handlers: each translates HTTP to a domain call and back. One file per resource. */
#ifndef HY_API_H
#define HY_API_H

#include <jansson.h>

#include "http/http.h"
#include "store/store.h"

hy_result hy_api_health(hy_req *req);
hy_result hy_api_config(hy_req *req);
hy_result hy_api_tile(hy_req *req);

/* auth.c */
hy_result hy_api_login(hy_req *req);
hy_result hy_api_logout(hy_req *req);
hy_result hy_api_me(hy_req *req);
hy_result hy_api_me_patch(hy_req *req);
hy_result hy_api_reset_request(hy_req *req);
hy_result hy_api_reset_confirm(hy_req *req);
/* volunteers.c */
hy_result hy_api_volunteer_signup(hy_req *req);
hy_result hy_api_volunteer_list(hy_req *req);
hy_result hy_api_volunteer_approve(hy_req *req);
hy_result hy_api_volunteer_suspend(hy_req *req);
/* admin.c */
hy_result hy_api_users(hy_req *req);
hy_result hy_api_user_role(hy_req *req);
hy_result hy_api_audit(hy_req *req);

/* requests.c (issue 6) */
hy_result hy_api_request_submit(hy_req *req);
hy_result hy_api_request_sent(hy_req *req);
hy_result hy_api_request_status(hy_req *req);
hy_result hy_api_request_cancel(hy_req *req);
hy_result hy_api_request_list(hy_req *req);
hy_result hy_api_request_mine(hy_req *req);
hy_result hy_api_request_stats(hy_req *req);
hy_result hy_api_request_csv(hy_req *req);
hy_result hy_api_request_get(hy_req *req);
hy_result hy_api_request_claim(hy_req *req);
hy_result hy_api_request_release(hy_req *req);
hy_result hy_api_request_move(hy_req *req);
hy_result hy_api_request_assign(hy_req *req);
hy_result hy_api_request_suggestions(hy_req *req);
hy_result hy_api_request_note(hy_req *req);
hy_result hy_api_request_delivery(hy_req *req);
hy_result hy_api_coverage(hy_req *req);
hy_result hy_api_inbound_sms(hy_req *req);

/* groups.c (issue 5) */
hy_result hy_api_groups(hy_req *req);
hy_result hy_api_group_get(hy_req *req);
hy_result hy_api_group_create(hy_req *req);
hy_result hy_api_group_patch(hy_req *req);
hy_result hy_api_group_approve(hy_req *req);
hy_result hy_api_group_coordinator_add(hy_req *req);
hy_result hy_api_group_coordinator_remove(hy_req *req);
hy_result hy_api_groups_geojson(hy_req *req);
hy_result hy_api_groups_csv(hy_req *req);
hy_result hy_api_geocode(hy_req *req);
struct hy_group;
/* A group as the API shows it (public fields; distance_m and covers for "near" answers). */
json_t *hy_group_json(const struct hy_group *g, bool with_distance);
/* The same object written as JSON text onto `b` (the bytes hy_reply_json() would send for
 * hy_group_json()), without building a jansson tree: for the nearest-groups answer. */
int hy_group_json_write(hy_buf *b, const struct hy_group *g, bool with_distance);

/* library.c (issue 7) */
hy_result hy_api_library_search(hy_req *req);
hy_result hy_api_library_create(hy_req *req);
hy_result hy_api_library_get(hy_req *req);
hy_result hy_api_library_patch(hy_req *req);
hy_result hy_api_library_submit(hy_req *req);
hy_result hy_api_library_publish(hy_req *req);
hy_result hy_api_library_unpublish(hy_req *req);
hy_result hy_api_library_revisions(hy_req *req);
hy_result hy_api_library_attach(hy_req *req);
hy_result hy_api_attachment_get(hy_req *req);
hy_result hy_api_communities(hy_req *req);
hy_result hy_api_library_atom(hy_req *req);
hy_result hy_api_sitemap(hy_req *req);
struct hy_lib_doc;
struct hy_parse_error;
/* Checks a library document object (the POST/PATCH body; imports also take "status") and
 * fills the fields present into *d (arena strings). create: type, language and title are
 * required and translation_of is allowed. False with *err filled on bad input. */
bool hy_api_library_input(json_t *obj, hy_arena *a, bool create, bool allow_status,
                          struct hy_lib_doc *d, const char **ret_translation_of,
                          struct hy_parse_error *err);

/* forecast.c: the hospital-load forecast; the writers are shared with `hamyari forecast`. */
hy_result hy_api_forecast(hy_req *req);
struct hy_fc_params;
struct hy_fc_result;
/* Today's date (the server's time zone) as days since 1970-01-01: the default current_date. */
int32_t hy_forecast_today(void);
/* The forecast as JSON / as CSV appended to `b`; HY_BUF_OK or a hy_buf error. */
int hy_forecast_write_json(hy_buf *b, const struct hy_fc_params *p,
                           const struct hy_fc_result *r);
int hy_forecast_write_csv(hy_buf *b, const struct hy_fc_params *p, const struct hy_fc_result *r);

/* Shared shapes. */
json_t *hy_user_json(const struct hy_user *u, bool with_contact);
json_t *hy_volunteer_json(const struct hy_volunteer *v);
/* The stored form of a login (lowercased e-mail or E.164 phone) in the arena, or NULL. */
const char *hy_login_normalise(hy_req *req, const char *login);
/* Checks a new password against the policy; answers 400 naming `field` when it fails. */
bool hy_api_password_ok(hy_req *req, const char *pw, const char *field, hy_result *ret);

#endif
