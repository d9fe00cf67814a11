/* reply.h — what the server (server.c) takes from the reply toolkit (reply.c) besides http.h. */
#ifndef HY_REPLY_H
#define HY_REPLY_H

#include "http/http.h"

/* Answers 405 with an Allow header listing `allowed` (a set of enum hy_method bits). */
hy_result hy_reply_405(hy_req *req, unsigned allowed);
/* Frees the fixed answers (hy_reply_fixed) made for `srv`, once its daemon has stopped. */
void hy_reply_fixed_free(const hy_server *srv);

#endif
