/* server.h — the HTTP server: libmicrohttpd set up safely, serving the routes and the static
 * files it is given. What a handler sees of the server is in http.h. */
#ifndef HY_SERVER_H
#define HY_SERVER_H

#include "http/http.h"
#include "store/store.h"

/* Starts serving cfg->routes. The caller keeps `cfg` (and what it points to) and `db` alive
 * until hy_server_stop(). On failure returns a negative errno-style code and logs why. */
int hy_server_start(hy_server *srv, const struct hy_server_config *cfg, hy_db *db);
/* Stops accepting, waits up to cfg->shutdown_timeout for in-flight requests, then stops. */
void hy_server_stop(hy_server *srv);

#endif
