/* requests.h — what the help-request handlers' files share: requests_public.c (asking for
 * help, the requester's view, inbound SMS), requests_dispatch.c (volunteers and
 * coordinators), requests_reports.c (statistics, export, coverage); pages.h has the pages. */
#ifndef HY_API_REQUESTS_H
#define HY_API_REQUESTS_H

#include <math.h>

#include "domain/requests.h"
#include "http/http.h"
#include "store/requests.h"

/* Rounds to 6 decimals for an answer (the value is a cell centre already). */
static inline double hy_api_round6(double v) { return round(v * 1e6) / 1e6; }

/* Lists the requests matching `f` (a read-transaction callback). */
struct hy_api_rq_list {
    hy_req *req;
    struct hy_request_filter f;
    struct hy_request *rows; /* in the request's arena */
    int n;
};
int hy_api_rq_list_tx(hy_store *s, void *ctx);

/* Answers a refused step of a request's life (app/requests.h): the error its refusal stands
 * for, with the sentence why. */
hy_result hy_api_reply_refusal(hy_req *req, enum hy_rq_refusal refusal, const char *why);

#endif
