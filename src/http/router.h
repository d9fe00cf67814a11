/* router.h — matching a request's method and path against a route table. */
#ifndef HY_ROUTER_H
#define HY_ROUTER_H

#include <stddef.h>

#include "http/http.h"
#include "util/arena.h"

/* Finds the route for method+path among routes[0..nroutes), the first that matches. Returns
 * it, or NULL with *ret_allowed set to the methods that path does take (0 = no such path).
 * Fills args (copies in the arena) and *ret_nargs; args, ret_nargs and ret_allowed may be
 * NULL. */
const struct hy_route *hy_route_match(const struct hy_route *routes, size_t nroutes,
                                      const char *path, enum hy_method method,
                                      const char **args, int *ret_nargs, unsigned *ret_allowed,
                                      hy_arena *arena);
/* The method named `name` ("GET" …), or 0. */
enum hy_method hy_method_parse(const char *name);
const char *hy_method_name(enum hy_method m);

#endif
