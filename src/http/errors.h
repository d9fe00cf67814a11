/* errors.h — every error the API can answer, with its HTTP status.
 *
 * One list, so a code always means the same status and the front-end can translate each code
 * (web/locales/fa.json and en.json have "error.<code>"). Add new codes at the end of the X-macro list. */
#ifndef HY_ERRORS_H
#define HY_ERRORS_H

#define HY_ERRORS(X)                                                                      \
    X(BAD_REQUEST, "bad_request", 400, "The request is malformed.")                        \
    X(BAD_JSON, "bad_json", 400, "The body is not valid JSON.")                            \
    X(BAD_UTF8, "bad_utf8", 400, "The request contains text that is not valid UTF-8.")    \
    X(INVALID_FIELD, "invalid_field", 400, "A field has a value that is not allowed.")     \
    X(MISSING_FIELD, "missing_field", 400, "A required field is missing.")                 \
    X(UNKNOWN_FIELD, "unknown_field", 400, "The request has a field this endpoint does not take.") \
    X(INVALID_QUERY, "invalid_query", 400, "A query parameter has a value that is not allowed.") \
    X(UNAUTHORIZED, "unauthorized", 401, "Sign in first.")                                 \
    X(FORBIDDEN, "forbidden", 403, "You are not allowed to do this.")                      \
    X(CSRF_FAILED, "csrf_failed", 403, "The request did not come from this site.")         \
    X(NOT_FOUND, "not_found", 404, "There is nothing at this address.")                    \
    X(METHOD_NOT_ALLOWED, "method_not_allowed", 405, "This address does not take that method.") \
    X(NOT_ACCEPTABLE, "not_acceptable", 406, "No representation matches the Accept header.") \
    X(CONFLICT, "conflict", 409, "The request conflicts with the current state.")          \
    X(GONE, "gone", 410, "This is no longer available.")                                   \
    X(LENGTH_REQUIRED, "length_required", 411, "A body needs a Content-Length or chunked encoding.") \
    X(PAYLOAD_TOO_LARGE, "payload_too_large", 413, "The request body is too large.")        \
    X(UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415, "The body has a Content-Type this endpoint does not take.") \
    X(RATE_LIMITED, "rate_limited", 429, "Too many requests; try again later.")            \
    X(INTERNAL, "internal", 500, "Something went wrong on our side.")                      \
    X(STORE_UNAVAILABLE, "store_unavailable", 503, "The database is not available; try again shortly.") \
    X(SHUTTING_DOWN, "shutting_down", 503, "The server is restarting; try again shortly.")  \
    X(INSUFFICIENT_STORAGE, "insufficient_storage", 507, "The server is out of storage space.") \
    X(REQUEST_TAKEN, "request_taken", 409, "Someone else has taken this request, or it is no longer open.") \
    X(IDEMPOTENCY_MISMATCH, "idempotency_mismatch", 409, "This Idempotency-Key was used with a different request.") \
    X(BAD_TRANSITION, "bad_transition", 409, "This change is not possible in the current status.") \
    X(BUSY, "busy", 503, "The server is busy; try again in a few seconds.") \
    X(NO_SERVICE_AREA, "no_service_area", 403, "Your volunteer profile has no home area, so you cannot take requests yourself.") \
    X(OUTSIDE_SERVICE_AREA, "outside_service_area", 403, "This request is outside the area you serve.") \
    X(TOO_MANY_OPEN_CLAIMS, "too_many_open_claims", 409, "You hold as many requests as you may at once.") \
    X(CLAIM_CYCLES_EXCEEDED, "claim_cycles_exceeded", 429, "You have given back too many requests within the hour; try again later.") \
    X(INVALID_TREE, "invalid_tree", 422, "The decision tree is not valid; see its problems.") \
    X(INVALID_ANSWER, "invalid_answer", 400, "An answer does not fit the question it answers.") \
    X(INVALID_DATASET, "invalid_dataset", 422, "The file has rows that cannot be loaded; nothing was changed.") \
    X(INVALID_GROUP_FILE, "invalid_group_file", 422, "The group file has rows that cannot be imported; nothing was imported.") \
    X(WRONG_PHASE, "wrong_phase", 409, "The challenge is not in the phase for this.") \
    X(VOTE_BUDGET_SPENT, "vote_budget_spent", 409, "You have used all your votes in this challenge.") \
    X(POSSIBLE_DUPLICATE, "possible_duplicate", 409, "You have a post much like this one nearby; confirm to post anyway.")

enum hy_error {
#define ERROR_ENUM_ENTRY(id, code, status, msg) HY_E_##id,
    HY_ERRORS(ERROR_ENUM_ENTRY)
#undef ERROR_ENUM_ENTRY
    HY_E__COUNT
};

const char *hy_error_code(enum hy_error e);
unsigned hy_error_status(enum hy_error e);
const char *hy_error_message(enum hy_error e);

#endif
