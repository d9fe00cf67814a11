/* columns.h — the column lists that records are read with. Each list's order is that of the
 * record's column spec in store/rows.c: change both together. */
#ifndef HY_STORE_SQL_COLUMNS_H
#define HY_STORE_SQL_COLUMNS_H

#define HY_COLS_USER                                                                               \
    "id, email, phone, name, password_hash, role, status, language, created_at, updated_at"
/* What users are read with: HY_COLS_USER (which inserts write) and the demo mark. */
#define HY_COLS_USER_READ HY_COLS_USER ", demo"

#define HY_COLS_REQUEST                                                                            \
    "r.id, r.tracking_code, r.status, r.kind, r.urgency, r.for_whom, r.language, r.source, "      \
    "r.lat, r.lon, r.assignee_id, u.name, r.reason, r.checklist, r.receipt_amount, "              \
    "r.reimbursement, r.created_at, r.updated_at, r.opened_at, r.claimed_at, r.closed_at, "       \
    "r.purged_at, r.demo"
/* The FROM of HY_COLS_REQUEST: the assignee's name comes from users. */
#define HY_FROM_REQUEST " FROM help_requests r LEFT JOIN users u ON u.id = r.assignee_id "

#define HY_COLS_GROUP                                                                              \
    "id, name, description, lat, lon, area_kind, radius_m, area, area_min_lat, area_min_lon, "     \
    "area_max_lat, area_max_lon, contact, languages, tags, status, verified, demo, name_norm, "    \
    "search_text, created_by, created_at, updated_at"

#define HY_COLS_LIB_DOC                                                                            \
    "id, type, language, translation_group, title, summary, body_md, body_html, body_text, "     \
    "country, level, year, stage, themes, tags, organisations, authors, links, covid, status, "  \
    "origin, created_by, created_at, updated_at, published_at, sort_at, extra"

/* What the library's search scan reads of each candidate. */
#define HY_COLS_LIB_SCAN                                                                           \
    "id, type, language, country, level, stage, themes, status, year, covid, sort_at"

/* The neighbour-help board (store/sql/board.def). */
#define HY_COLS_BOARD_POST                                                                         \
    "id, author_id, kind, category, slot, body, body_norm, lat, lon, place, language, starts_at, " \
    "ends_at, expires_at, status, hidden_reason, demo, created_at, updated_at"
/* The same, an open post past its expiry (at NOW, a parameter) read as archived: expiry is
 * decided by the time of the read, whether or not the purge has archived it yet. */
#define HY_COLS_BOARD_POST_AT(NOW)                                                                 \
    "id, author_id, kind, category, slot, body, body_norm, lat, lon, place, language, starts_at, " \
    "ends_at, expires_at, CASE WHEN status = 'open' AND expires_at <= " NOW " THEN 'archived' "    \
    "ELSE status END, hidden_reason, demo, created_at, updated_at"
#define HY_COLS_BOARD_CONV                                                                         \
    "id, post_id, author_id, responder_id, coalesce(author_agreed_at, 0), "                        \
    "coalesce(responder_agreed_at, 0), created_at, updated_at"

#endif
