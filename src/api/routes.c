/* routes.c — the route table: every endpoint the server has, with its access rule.
 *
 * docs/openapi.yaml must describe exactly these (tests/api/openapi.test.mjs compares them
 * through `hamyari routes`), and the access-control matrix test enumerates them. */
#include "api/api.h"
#include "http/server.h"

#define JSON HY_ROUTE_JSON
#define FORM (HY_ROUTE_JSON | HY_ROUTE_FORM)

const struct hy_route hy_routes[] = {
    {HY_GET, "/healthz", hy_api_health, HY_ACCESS_PUBLIC, 0, "Liveness and store status"},
    {HY_GET, "/api/v1/config", hy_api_config, HY_ACCESS_PUBLIC, 0, "Settings the front-end needs"},
    {HY_GET, "/tiles/{z}/{x}/{y}", hy_api_tile, HY_ACCESS_PUBLIC, 0,
     "A map tile from the operator's MBTiles file"},

    /* Accounts */
    {HY_POST, "/api/v1/auth/login", hy_api_login, HY_ACCESS_PUBLIC, FORM, "Sign in"},
    {HY_POST, "/api/v1/auth/logout", hy_api_logout, HY_ACCESS_PUBLIC, 0, "Sign out"},
    {HY_POST, "/api/v1/auth/reset", hy_api_reset_request, HY_ACCESS_PUBLIC, FORM,
     "Ask for a password-reset token"},
    {HY_POST, "/api/v1/auth/reset/confirm", hy_api_reset_confirm, HY_ACCESS_PUBLIC, FORM,
     "Set a new password with a reset token"},
    {HY_GET, "/api/v1/me", hy_api_me, HY_ACCESS_SIGNED_IN, 0, "The signed-in account"},
    {HY_PATCH, "/api/v1/me", hy_api_me_patch, HY_ACCESS_SIGNED_IN, JSON,
     "Change one's name, language or password"},
    {HY_POST, "/api/v1/volunteers", hy_api_volunteer_signup, HY_ACCESS_PUBLIC, FORM,
     "Sign up to volunteer"},
    {HY_GET, "/api/v1/volunteers", hy_api_volunteer_list, HY_ACCESS_COORDINATOR, 0,
     "Volunteers to vet"},
    {HY_POST, "/api/v1/volunteers/{id}/approve", hy_api_volunteer_approve,
     HY_ACCESS_COORDINATOR, 0, "Approve a volunteer"},
    {HY_POST, "/api/v1/volunteers/{id}/suspend", hy_api_volunteer_suspend,
     HY_ACCESS_COORDINATOR, 0, "Suspend a volunteer"},
    {HY_GET, "/api/v1/users", hy_api_users, HY_ACCESS_ADMIN, 0, "Every account"},
    {HY_POST, "/api/v1/users/{id}/role", hy_api_user_role, HY_ACCESS_ADMIN, JSON,
     "Change an account's role"},
    {HY_GET, "/api/v1/audit", hy_api_audit, HY_ACCESS_ADMIN, 0, "The security audit log"},
};

const size_t hy_routes_count = sizeof hy_routes / sizeof hy_routes[0];
