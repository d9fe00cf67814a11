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

/* Shared shapes. */
json_t *hy_user_json(const struct hy_user *u, bool with_contact);
json_t *hy_volunteer_json(const struct hy_volunteer *v);
/* The stored form of a login (lowercased e-mail or E.164 phone) in the arena, or NULL. */
const char *hy_login_normalise(hy_req *req, const char *login);
/* Checks a new password against the policy; answers 400 naming `field` when it fails. */
bool hy_api_password_ok(hy_req *req, const char *pw, const char *field, hy_result *ret);

#endif
