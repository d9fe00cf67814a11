/* routes.c — the route table: every endpoint the server has, with its access rule.
 *
 * docs/openapi.yaml must describe exactly these (tests/api/openapi.test.mjs compares them
 * through `hamyari routes`), and the access-control matrix test enumerates them. */
#include "api/api.h"
#include "http/server.h"

const struct hy_route hy_routes[] = {
    {HY_GET, "/healthz", hy_api_health, HY_ACCESS_PUBLIC, 0, "Liveness and store status"},
    {HY_GET, "/api/v1/config", hy_api_config, HY_ACCESS_PUBLIC, 0,
     "Settings the front-end needs"},
    {HY_GET, "/tiles/{z}/{x}/{y}", hy_api_tile, HY_ACCESS_PUBLIC, 0,
     "A map tile from the operator's MBTiles file"},
};

const size_t hy_routes_count = sizeof hy_routes / sizeof hy_routes[0];
