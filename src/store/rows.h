/* rows.h — how a result row becomes a record: one column spec per record, read by each
 * backend's one row reader (sqlite/sq_row.c, pg/pg_row.c). Internal to src/store/.
 *
 * A spec lists, in the order of the statement's columns (the HY_COLS_… lists of
 * store/sql/columns.h), the field each column fills and how. The rules, the same on both
 * backends:
 *   - the record is zeroed first; a field no column names stays 0 / NULL;
 *   - SQL NULL reads as NULL (text, blob), "" (fixed-size text), 0 (numbers) or false (bool);
 *     a column marked `required` refuses the row when it is NULL;
 *   - a column with a `present` flag clears that bool when it is NULL (flags start true, so a
 *     flag named by two columns says both are there);
 *   - the row is refused (the reader answers HY_DB_HARD) when the result has fewer columns than
 *     the spec, a value does not fit (fixed text longer than its buffer, an integer out of its
 *     type's range, a PostgreSQL text that is not a number) or the arena is full.
 * Row readers never log: the caller's status says it all. */
#ifndef HY_STORE_ROWS_H
#define HY_STORE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/account.h"
#include "domain/challenge.h"
#include "domain/board.h"
#include "domain/dataset.h"
#include "domain/group.h"
#include "domain/library.h"
#include "domain/news.h"
#include "domain/requests.h"
#include "domain/skills.h"
#include "domain/tree.h"

enum hy_col_type {
    HY_COL_SKIP,  /* not read (its `present` flag still applies) */
    HY_COL_TEXT,  /* const char *, copied into the arena */
    HY_COL_FIXED, /* char[aux]: text that must fit, NUL included */
    HY_COL_I64,   /* int64_t */
    HY_COL_INT,   /* int */
    HY_COL_SIZE,  /* size_t (a negative value refuses the row) */
    HY_COL_F64,   /* double */
    HY_COL_BOOL,  /* bool: SQLite nonzero, PostgreSQL t or a nonzero number */
    HY_COL_BLOB,  /* const void *, copied into the arena; its length goes to the size_t at aux */
};

struct hy_col {
    unsigned char type;    /* enum hy_col_type */
    bool required;         /* TEXT, FIXED, BLOB: SQL NULL refuses the row */
    unsigned short off;    /* offset of the field in the record */
    unsigned short aux;    /* FIXED: buffer size; BLOB: offset of the length */
    short present;         /* offset of a bool cleared when the column is NULL, or -1 */
};

struct hy_row_spec {
    const struct hy_col *cols;
    unsigned short ncols;
    unsigned short size; /* sizeof the record */
    /* A LEFT JOIN row may carry no record: when column `key` (>= 0) is NULL, the `required`
     * marks are not enforced (the caller tells such rows by that field). -1: none. */
    short key;
};

/* The largest record a spec describes (engines read one row into a buffer of this size). */
#define HY_ROW_MAX 512

/* ---- the specs (store/rows.c), named after their records ---- */

/* Single values. */
struct hy_row_text {
    const char *v;
};
struct hy_row_i64x2 {
    int64_t v[2];
};
struct hy_row_count {
    const char *key;
    int64_t count;
};
extern const struct hy_row_spec hy_row_i64;   /* one integer column into an int64_t */
extern const struct hy_row_spec hy_row_i64x2; /* two integer columns */
extern const struct hy_row_spec hy_row_text;  /* one text column (struct hy_row_text) */
extern const struct hy_row_spec hy_row_id;    /* one id into char[HY_ID_LEN + 1] */
extern const struct hy_row_spec hy_row_count; /* (text, integer): a GROUP BY count */

/* Accounts. */
extern const struct hy_row_spec hy_row_user;
extern const struct hy_row_spec hy_row_volunteer;
extern const struct hy_row_spec hy_row_session;
extern const struct hy_row_spec hy_row_audit;
extern const struct hy_row_spec hy_row_api_token;
extern const struct hy_row_spec hy_row_outbox_message;

/* Help requests. */
extern const struct hy_row_spec hy_row_request;
extern const struct hy_row_spec hy_row_request_contact;
extern const struct hy_row_spec hy_row_request_event;
extern const struct hy_row_spec hy_row_request_note;
extern const struct hy_row_spec hy_row_request_volunteer;
extern const struct hy_row_spec hy_row_request_stat;
extern const struct hy_row_spec hy_row_rq_claimer;
extern const struct hy_row_spec hy_row_idempotency;
extern const struct hy_row_spec hy_row_outbox_item;
extern const struct hy_row_spec hy_row_outbox_entry;

/* Groups and the gazetteer. */
extern const struct hy_row_spec hy_row_group;
extern const struct hy_row_spec hy_row_group_change;
extern const struct hy_row_spec hy_row_place;    /* a GeoNames place */
extern const struct hy_row_spec hy_row_postcode; /* a postcode, read into struct hy_place */

/* The library. */
struct hy_row_lib_doc_at {
    struct hy_lib_doc doc; /* doc.id is "" on the row without a document */
    int64_t version;
};
extern const struct hy_row_spec hy_row_lib_doc;
extern const struct hy_row_spec hy_row_lib_doc_at;    /* HY_COLS_LIB_DOC + the version */
extern const struct hy_row_spec hy_row_lib_doc_brief; /* id, language, title, status */
extern const struct hy_row_spec hy_row_lib_scan;       /* HY_COLS_LIB_SCAN */
extern const struct hy_row_spec hy_row_lib_scan_terms; /* … + tok_title, tok_summary, tok_tags */
extern const struct hy_row_spec hy_row_lib_index;      /* … + tokens */
extern const struct hy_row_spec hy_row_lib_revision;
extern const struct hy_row_spec hy_row_lib_attachment;      /* without the bytes */
extern const struct hy_row_spec hy_row_lib_attachment_data; /* with them */
extern const struct hy_row_spec hy_row_lib_org;
extern const struct hy_row_spec hy_row_lib_project;
extern const struct hy_row_spec hy_row_news_inst; /* struct hy_news_inst */
extern const struct hy_row_spec hy_row_fc_claim;  /* struct hy_fc_claim */

/* Decision trees. */
extern const struct hy_row_spec hy_row_tree;          /* the columns of TREE_COLS */
extern const struct hy_row_spec hy_row_tree_revision; /* id, tree_id, …, doc */
/* The open-data portal. */
extern const struct hy_row_spec hy_row_dataset;         /* HY_COLS_DATASET */
extern const struct hy_row_spec hy_row_dataset_version; /* HY_COLS_DATASET_VERSION */
extern const struct hy_row_spec hy_row_dataset_cell;    /* seq, day, col, area, value */
extern const struct hy_row_spec hy_row_dataset_day;     /* day, col, total, n, avg7 */
extern const struct hy_row_spec hy_row_dataset_area;    /* area, col, total, n, latest_day, latest */

/* Search synonyms (store/faq.h): the list, when and by whom it was saved. */
struct hy_row_faq_synonyms {
    const char *list;
    int64_t at;
    const char *by;
};
extern const struct hy_row_spec hy_row_faq_synonyms;

/* Skills matching. */
extern const struct hy_row_spec hy_row_skill;
extern const struct hy_row_spec hy_row_skill_level;
extern const struct hy_row_spec hy_row_org;
extern const struct hy_row_spec hy_row_need;
extern const struct hy_row_spec hy_row_candidate;
extern const struct hy_row_spec hy_row_offer;
/* Challenges, ideas, comments and reports (store/challenges.h). */
extern const struct hy_row_spec hy_row_challenge;
extern const struct hy_row_spec hy_row_idea;
extern const struct hy_row_spec hy_row_idea_comment;
extern const struct hy_row_spec hy_row_report;
extern const struct hy_row_spec hy_row_board_post;    /* HY_COLS_BOARD_POST */
extern const struct hy_row_spec hy_row_board_conv;    /* HY_COLS_BOARD_CONV */
extern const struct hy_row_spec hy_row_board_message; /* id, conv_id, sender_id, body, created_at */

#endif
