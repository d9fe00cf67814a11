/* routes.h — the route table: every endpoint, its handler and its access rule (routes.c).
 *
 * The server is given the table at start (hy_server_config.routes, set by cli/serve.c); HTTP
 * itself knows no route. docs/openapi.yaml must describe exactly these routes. */
#ifndef HY_API_ROUTES_H
#define HY_API_ROUTES_H

#include <stddef.h>
#include <stdio.h>

#include "http/http.h"

extern const struct hy_route hy_routes[];
extern const size_t hy_routes_count;

/* Writes the table as a JSON array of {method, path, access, body, summary} and a newline
 * (`hamyari routes`). 0, or -1 when out of memory or the write failed. */
int hy_routes_print(FILE *out);

#endif
