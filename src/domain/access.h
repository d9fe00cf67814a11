/* access.h — who may call what. One function decides for every route (the route table names
 * the rule), so the access-control matrix test can enumerate every rule and role. */
#ifndef HY_ACCESS_H
#define HY_ACCESS_H

#include <stdbool.h>

/* Who may call a route. The server checks it before the handler runs; the access-control
 * matrix test enumerates the route table with these. */
enum hy_access {
    HY_ACCESS_PUBLIC = 0,   /* anyone, signed in or not */
    HY_ACCESS_SIGNED_IN,    /* any account that may sign in, pending volunteers and members
                             * of the public (role member) included */
    HY_ACCESS_VOLUNTEER,    /* approved volunteers, coordinators and admins */
    HY_ACCESS_COORDINATOR,  /* coordinators and admins */
    HY_ACCESS_EDITOR,       /* editors and admins */
    HY_ACCESS_ADMIN,        /* admins */
    HY_ACCESS__COUNT
};

/* Who is calling, once hy_req_principal() has looked. */
struct hy_principal {
    bool signed_in;
    bool via_cookie; /* a browser session (CSRF rules apply) rather than an API token */
    char user_id[33];
    const char *role;   /* member, volunteer, coordinator, editor, admin */
    const char *status; /* pending, approved, suspended */
    const char *name;
    const char *csrf;    /* the session's CSRF token (cookie sessions) */
    char token_hash[65]; /* the session's hash (cookie sessions) */
};


/* The answer for a caller: 0 allowed, 401 (must sign in) or 403 (signed in, not allowed). */
int hy_access_decide(enum hy_access rule, const struct hy_principal *who);
const char *hy_access_name(enum hy_access rule);

/* Roles and statuses we accept anywhere. */
bool hy_role_valid(const char *role);
bool hy_is_role(const struct hy_principal *who, const char *role);

#endif
