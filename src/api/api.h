/* api.h — the handlers: each translates HTTP to a domain call and back. One file per resource. */
#ifndef HY_API_H
#define HY_API_H

#include "http/http.h"

hy_result hy_api_health(hy_req *req);
hy_result hy_api_config(hy_req *req);
hy_result hy_api_tile(hy_req *req);

#endif
