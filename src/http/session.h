/* session.h — who is calling: session cookies, API tokens, CSRF, client address, rate limits.
 *
 * A browser session is a 256-bit random token in the cookie `hy_session` (HttpOnly,
 * SameSite=Lax, Secure over TLS); scripts send `Authorization: Bearer TOKEN`. The store keeps
 * only tokens' hashes, so every server process sees every session. A session ends after
 * session_idle seconds unused or session_max seconds in all, or at logout. */
#ifndef HY_SESSION_H
#define HY_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "store/store.h"

#define HY_SESSION_COOKIE "hy_session"

/* Finds cookie `name` in a Cookie header value and copies its value into out (at most n-1
 * bytes). False when absent, malformed or too long. */
bool hy_cookie_get(const char *header, const char *name, char *out, size_t n);

/* The caller, looked up once per request (anonymous when there is no valid session or token).
 * Never NULL unless out of memory. A store failure counts as anonymous and is logged. */
const struct hy_principal *hy_req_principal(hy_req *req);

/* The client's address as text (X-Forwarded-For's last hop when trust_proxy is set). */
const char *hy_req_client_ip(hy_req *req);

/* True when the request came over TLS (directly or, with trust_proxy, through a proxy). */
bool hy_req_secure(hy_req *req);

/* Checks the CSRF rules for a state-changing request; 0 when it may go on. An Origin other than
 * our own (scheme, host and port of --public-url, or else of the request itself), or, without
 * an Origin, such a Referer, is refused always; a cookie session without a same-origin Origin
 * needs X-CSRF-Token. */
int hy_csrf_check(hy_req *req);

/* Starts a session for `user_id` inside the caller's write transaction: stores it and adds the
 * Set-Cookie header. Sets *ret_csrf (arena) for the answer. */
int hy_session_start(hy_req *req, hy_store *s, const char *user_id, const char **ret_csrf);
/* Ends the caller's cookie session (if any) and clears the cookie. */
int hy_session_end(hy_req *req, hy_store *s);

/* Counts a hit on `key` (store/rate.h: prefixed by the caller, e.g. "login:ip:1.2.3.4") and
 * answers 429 with Retry-After when more than `limit` hits fell in the current `window`
 * seconds. Returns true when the request may go on; otherwise *ret_result holds the queued
 * answer. Runs its own write statement. */
bool hy_rate_allow(hy_req *req, const char *key, unsigned limit, unsigned window,
                   hy_result *ret_result);

/* Answers 429 with Retry-After: window, as hy_rate_allow() does. */
hy_result hy_rate_reply(hy_req *req, unsigned window);

/* The signed-in caller's user id for an audit entry, or NULL: as far as the request has
 * looked the caller up already (hy_req_principal()), without a look-up of its own. */
const char *hy_req_actor(const hy_req *req);

#endif
