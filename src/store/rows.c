/* rows.c — the column spec of every record the store reads (store/rows.h). Each list follows
 * the columns of the statements that read the record: the HY_COLS_… lists of
 * store/sql/columns.h, or the statement's own SELECT where there is no list. */
#include "store/rows.h"

#include <stddef.h>

#define FIELD_SIZE(S, f) sizeof(((S *)0)->f)

#define C_TEXT(S, f) {.type = HY_COL_TEXT, .off = offsetof(S, f), .present = -1}
#define C_TEXT_REQ(S, f)                                                                           \
    {.type = HY_COL_TEXT, .required = true, .off = offsetof(S, f), .present = -1}
#define C_FIXED(S, f)                                                                              \
    {.type = HY_COL_FIXED, .off = offsetof(S, f), .aux = FIELD_SIZE(S, f), .present = -1}
#define C_FIXED_REQ(S, f)                                                                          \
    {.type = HY_COL_FIXED,                                                                         \
     .required = true,                                                                             \
     .off = offsetof(S, f),                                                                        \
     .aux = FIELD_SIZE(S, f),                                                                      \
     .present = -1}
#define C_I64(S, f) {.type = HY_COL_I64, .off = offsetof(S, f), .present = -1}
#define C_INT(S, f) {.type = HY_COL_INT, .off = offsetof(S, f), .present = -1}
#define C_SIZE(S, f) {.type = HY_COL_SIZE, .off = offsetof(S, f), .present = -1}
#define C_F64(S, f) {.type = HY_COL_F64, .off = offsetof(S, f), .present = -1}
/* A double whose NULL clears the bool `flag`. */
#define C_F64_HAS(S, f, flag)                                                                      \
    {.type = HY_COL_F64, .off = offsetof(S, f), .present = offsetof(S, flag)}
#define C_BOOL(S, f) {.type = HY_COL_BOOL, .off = offsetof(S, f), .present = -1}
/* A column read only for whether it is NULL. */
#define C_PRESENT(S, flag) {.type = HY_COL_SKIP, .present = offsetof(S, flag)}
#define C_SKIP {.type = HY_COL_SKIP, .present = -1}
#define C_BLOB(S, f, len)                                                                          \
    {.type = HY_COL_BLOB, .off = offsetof(S, f), .aux = offsetof(S, len), .present = -1}

#define SPEC(name, S, cols, key)                                                                   \
    const struct hy_row_spec name = {(cols), sizeof(cols) / sizeof((cols)[0]), sizeof(S), (key)}

/* ---- single values ---- */

static const struct hy_col i64_cols[] = {{.type = HY_COL_I64, .off = 0, .present = -1}};
SPEC(hy_row_i64, int64_t, i64_cols, -1);

static const struct hy_col i64x2_cols[] = {C_I64(struct hy_row_i64x2, v[0]),
                                           C_I64(struct hy_row_i64x2, v[1])};
SPEC(hy_row_i64x2, struct hy_row_i64x2, i64x2_cols, -1);

static const struct hy_col text_cols[] = {C_TEXT(struct hy_row_text, v)};
SPEC(hy_row_text, struct hy_row_text, text_cols, -1);

static const struct hy_col id_cols[] = {
    {.type = HY_COL_FIXED, .required = true, .off = 0, .aux = HY_ID_LEN + 1, .present = -1}};
const struct hy_row_spec hy_row_id = {id_cols, 1, HY_ID_LEN + 1, -1};

static const struct hy_col count_cols[] = {C_TEXT(struct hy_row_count, key),
                                           C_I64(struct hy_row_count, count)};
SPEC(hy_row_count, struct hy_row_count, count_cols, -1);

/* ---- accounts ---- */

#define S struct hy_user
static const struct hy_col user_cols[] = {
    C_FIXED(S, id),         C_TEXT(S, email),      C_TEXT(S, phone),      C_TEXT_REQ(S, name),
    C_TEXT(S, password_hash), C_TEXT_REQ(S, role), C_TEXT_REQ(S, status), C_TEXT_REQ(S, language),
    C_I64(S, created_at),   C_I64(S, updated_at),  C_BOOL(S, demo),
};
SPEC(hy_row_user, S, user_cols, -1);
#undef S

#define S struct hy_volunteer
static const struct hy_col volunteer_cols[] = {
    C_FIXED(S, user_id),     C_F64_HAS(S, lat, has_area), C_F64(S, lon),
    C_F64(S, radius_km),     C_TEXT_REQ(S, skills),       C_TEXT_REQ(S, languages),
    C_TEXT_REQ(S, availability), C_I64(S, consent_at), C_TEXT(S, consent_version),
};
SPEC(hy_row_volunteer, S, volunteer_cols, -1);
#undef S

#define S struct hy_session
static const struct hy_col session_cols[] = {
    C_FIXED(S, user_id), C_TEXT_REQ(S, csrf), C_I64(S, created_at),
    C_I64(S, last_seen), C_I64(S, expires_at),
};
SPEC(hy_row_session, S, session_cols, -1);
#undef S

#define S struct hy_api_token
static const struct hy_col api_token_cols[] = {
    C_FIXED_REQ(S, id), C_FIXED_REQ(S, user_id), C_TEXT_REQ(S, name),
    C_I64(S, created_at), C_I64(S, expires_at), C_I64(S, last_used_at),
};
SPEC(hy_row_api_token, S, api_token_cols, -1);
#undef S

#define S struct hy_audit_entry
static const struct hy_col audit_cols[] = {
    C_I64(S, id),         C_I64(S, at),         C_TEXT(S, actor_id),
    C_TEXT_REQ(S, action), C_TEXT(S, subject_id), C_TEXT_REQ(S, detail),
};
SPEC(hy_row_audit, S, audit_cols, -1);
#undef S

#define S struct hy_outbox_message
static const struct hy_col outbox_message_cols[] = {
    C_I64(S, created_at),     C_TEXT_REQ(S, recipient),     C_TEXT_REQ(S, channel),
    C_TEXT_REQ(S, language),  C_TEXT_REQ(S, template_name), C_TEXT_REQ(S, payload),
};
SPEC(hy_row_outbox_message, S, outbox_message_cols, -1);
#undef S

#define S struct hy_outbox_entry
static const struct hy_col outbox_entry_cols[] = {
    C_I64(S, id),          C_I64(S, created_at),      C_I64(S, next_attempt_at),
    C_I64(S, sent_at),     C_I64(S, attempts),        C_TEXT_REQ(S, status),
    C_TEXT_REQ(S, channel), C_TEXT_REQ(S, template_name), C_TEXT_REQ(S, language),
    C_TEXT(S, last_error), C_TEXT(S, recipient),
};
SPEC(hy_row_outbox_entry, S, outbox_entry_cols, -1);
#undef S

/* ---- help requests ---- */

#define S struct hy_request
static const struct hy_col request_cols[] = {
    C_FIXED(S, id),
    C_FIXED(S, tracking_code),
    C_TEXT_REQ(S, status),
    C_TEXT(S, kind),
    C_TEXT(S, urgency),
    C_TEXT(S, for_whom),
    C_TEXT(S, language),
    C_TEXT(S, source),
    C_F64_HAS(S, lat, has_area), /* has_area: lat and lon both there */
    C_F64_HAS(S, lon, has_area),
    C_FIXED(S, assignee_id),
    C_TEXT(S, assignee_name),
    C_TEXT(S, reason),
    C_TEXT_REQ(S, checklist),
    C_F64_HAS(S, receipt_amount, has_receipt),
    C_TEXT(S, reimbursement),
    C_I64(S, created_at),
    C_I64(S, updated_at),
    C_I64(S, opened_at),
    C_I64(S, claimed_at),
    C_I64(S, closed_at),
    C_PRESENT(S, purged), /* purged_at */
    C_BOOL(S, demo),
};
SPEC(hy_row_request, S, request_cols, -1);
#undef S

#define S struct hy_request_contact
static const struct hy_col request_contact_cols[] = {
    C_TEXT(S, name),    C_TEXT(S, phone),                  C_TEXT(S, address),
    C_TEXT(S, details), C_TEXT(S, call_window),            C_F64_HAS(S, lat, has_exact),
    C_F64(S, lon),
};
SPEC(hy_row_request_contact, S, request_contact_cols, -1);
#undef S

#define S struct hy_request_event
static const struct hy_col request_event_cols[] = {
    C_I64(S, at), C_TEXT(S, actor_id), C_TEXT(S, from_status), C_TEXT(S, to_status),
    C_TEXT(S, reason),
};
SPEC(hy_row_request_event, S, request_event_cols, -1);
#undef S

#define S struct hy_request_note
static const struct hy_col request_note_cols[] = {
    C_I64(S, id),   C_I64(S, at),   C_TEXT(S, author_id), C_TEXT(S, author_name),
    C_TEXT(S, kind), C_TEXT(S, text), C_TEXT(S, outcome),
};
SPEC(hy_row_request_note, S, request_note_cols, -1);
#undef S

#define S struct hy_request_volunteer
static const struct hy_col request_volunteer_cols[] = {
    C_FIXED(S, user_id), C_TEXT(S, name),         C_TEXT(S, phone), C_TEXT(S, language),
    C_TEXT(S, languages), C_TEXT(S, availability), C_F64(S, lat),   C_F64(S, lon),
    C_F64(S, radius_km), C_I64(S, load),
};
SPEC(hy_row_request_volunteer, S, request_volunteer_cols, -1);
#undef S

#define S struct hy_rq_claimer
static const struct hy_col rq_claimer_cols[] = {
    C_F64_HAS(S, lat, has_area), /* has_area: lat and lon both there */
    C_F64_HAS(S, lon, has_area), C_F64(S, radius_km), C_I64(S, open_claims), C_I64(S, releases),
    C_I64(S, first_release),
};
SPEC(hy_row_rq_claimer, S, rq_claimer_cols, -1);
#undef S

#define S struct hy_request_stat_row
static const struct hy_col request_stat_cols[] = {
    C_TEXT(S, status), C_TEXT(S, kind), C_I64(S, day), C_F64_HAS(S, lat, has_area),
    C_F64(S, lon),     C_I64(S, count),
};
SPEC(hy_row_request_stat, S, request_stat_cols, -1);
#undef S

#define S struct hy_idempotency
static const struct hy_col idempotency_cols[] = {
    C_TEXT_REQ(S, request_hash), C_INT(S, status), C_TEXT_REQ(S, body), C_I64(S, created_at),
};
SPEC(hy_row_idempotency, S, idempotency_cols, -1);
#undef S

#define S struct hy_outbox_item
static const struct hy_col outbox_item_cols[] = {
    C_I64(S, id),      C_I64(S, attempts),      C_TEXT(S, recipient), C_TEXT(S, channel),
    C_TEXT(S, language), C_TEXT(S, template_name), C_TEXT(S, payload),
};
SPEC(hy_row_outbox_item, S, outbox_item_cols, -1);
#undef S

/* ---- groups and the gazetteer ---- */

#define S struct hy_group
static const struct hy_col group_cols[] = {
    C_FIXED_REQ(S, id),
    C_TEXT_REQ(S, name),
    C_TEXT(S, description),
    C_F64(S, lat),
    C_F64(S, lon),
    C_TEXT_REQ(S, area_kind),
    C_F64(S, radius_m),
    C_TEXT(S, area),
    C_F64(S, area_box.min_lat),
    C_F64(S, area_box.min_lon),
    C_F64(S, area_box.max_lat),
    C_F64(S, area_box.max_lon),
    C_TEXT(S, contact),
    C_TEXT(S, languages),
    C_TEXT(S, tags),
    C_TEXT_REQ(S, status),
    C_BOOL(S, verified),
    C_BOOL(S, demo),
    C_TEXT(S, name_norm),
    C_TEXT(S, search_text),
    C_TEXT(S, created_by),
    C_I64(S, created_at),
    C_I64(S, updated_at),
};
SPEC(hy_row_group, S, group_cols, -1);
#undef S

#define S struct hy_group_change
static const struct hy_col group_change_cols[] = {
    C_FIXED(S, group_id), C_TEXT(S, input), C_TEXT(S, submitted_by), C_I64(S, submitted_at),
};
SPEC(hy_row_group_change, S, group_change_cols, -1);
#undef S

#define S struct hy_place
static const struct hy_col place_cols[] = {
    C_I64(S, geonameid), C_TEXT(S, name), C_TEXT(S, ascii_name), C_TEXT(S, country),
    C_TEXT(S, admin1),   C_F64(S, lat),   C_F64(S, lon),         C_I64(S, population),
    C_TEXT(S, feature),  C_BOOL(S, exact), C_BOOL(S, word),
};
SPEC(hy_row_place, S, place_cols, -1);

/* key (not read), postcode, country, lat, lon, exact */
static const struct hy_col postcode_cols[] = {
    C_SKIP, C_TEXT(S, name), C_TEXT(S, country), C_F64(S, lat), C_F64(S, lon), C_BOOL(S, exact),
};
SPEC(hy_row_postcode, S, postcode_cols, -1);
#undef S

/* ---- the library ---- */

/* A document's columns into the fields of S named with prefix P (empty, or "doc." inside
 * struct hy_row_lib_doc_at). */
#define LIB_DOC_COLS(S, P)                                                                         \
    C_FIXED(S, P id), C_TEXT_REQ(S, P type), C_TEXT(S, P language),                                \
        C_TEXT(S, P translation_group), C_TEXT_REQ(S, P title), C_TEXT(S, P summary),              \
        C_TEXT(S, P body_md), C_TEXT(S, P body_html), C_TEXT(S, P body_text),                      \
        C_TEXT(S, P country), C_TEXT(S, P level), C_INT(S, P year), C_TEXT(S, P stage),            \
        C_TEXT(S, P themes), C_TEXT(S, P tags), C_TEXT(S, P organisations),                        \
        C_TEXT(S, P authors), C_TEXT(S, P links), C_BOOL(S, P covid), C_TEXT_REQ(S, P status),     \
        C_TEXT(S, P origin), C_TEXT(S, P created_by), C_I64(S, P created_at),                      \
        C_I64(S, P updated_at), C_I64(S, P published_at), C_I64(S, P sort_at),                 \
        C_TEXT(S, P extra)

static const struct hy_col lib_doc_cols[] = {LIB_DOC_COLS(struct hy_lib_doc, )};
SPEC(hy_row_lib_doc, struct hy_lib_doc, lib_doc_cols, -1);

/* Column 0 (the id) is NULL on the one row the LEFT JOIN gives when no document matched: the
 * version is still read, the document's required columns are not checked. */
static const struct hy_col lib_doc_at_cols[] = {
    LIB_DOC_COLS(struct hy_row_lib_doc_at, doc.),
    C_I64(struct hy_row_lib_doc_at, version),
};
SPEC(hy_row_lib_doc_at, struct hy_row_lib_doc_at, lib_doc_at_cols, 0);

#define S struct hy_lib_doc
static const struct hy_col lib_doc_brief_cols[] = {
    C_FIXED(S, id), C_TEXT(S, language), C_TEXT(S, title), C_TEXT(S, status),
};
SPEC(hy_row_lib_doc_brief, S, lib_doc_brief_cols, -1);
#undef S

#define S struct hy_lib_row
#define LIB_SCAN_COLS                                                                              \
    C_FIXED(S, id), C_TEXT(S, type), C_TEXT(S, language), C_TEXT(S, country), C_TEXT(S, level),   \
        C_TEXT(S, stage), C_TEXT(S, themes), C_TEXT(S, status), C_INT(S, year),                    \
        C_BOOL(S, covid), C_I64(S, sort_at)
static const struct hy_col lib_scan_cols[] = {LIB_SCAN_COLS};
SPEC(hy_row_lib_scan, S, lib_scan_cols, -1);
static const struct hy_col lib_scan_terms_cols[] = {
    LIB_SCAN_COLS, C_TEXT(S, tok_title), C_TEXT(S, tok_summary), C_TEXT(S, tok_tags),
};
SPEC(hy_row_lib_scan_terms, S, lib_scan_terms_cols, -1);
static const struct hy_col lib_index_cols[] = {
    LIB_SCAN_COLS,         C_TEXT(S, tok_title), C_TEXT(S, tok_summary),
    C_TEXT(S, tok_tags),   C_TEXT(S, tokens),
};
SPEC(hy_row_lib_index, S, lib_index_cols, -1);
#undef S

#define S struct hy_lib_revision
static const struct hy_col lib_revision_cols[] = {
    C_I64(S, id),      C_I64(S, at),     C_TEXT(S, doc_id),
    C_TEXT(S, author_id), C_TEXT(S, action), C_TEXT(S, snapshot),
};
SPEC(hy_row_lib_revision, S, lib_revision_cols, -1);
#undef S

#define S struct hy_lib_attachment
#define LIB_ATT_COLS                                                                               \
    C_FIXED(S, id), C_FIXED(S, doc_id), C_TEXT(S, filename), C_TEXT(S, content_type),             \
        C_SIZE(S, size), C_TEXT(S, created_by), C_I64(S, created_at)
static const struct hy_col lib_attachment_cols[] = {LIB_ATT_COLS};
SPEC(hy_row_lib_attachment, S, lib_attachment_cols, -1);
/* The bytes' length overrides the size column. */
static const struct hy_col lib_attachment_data_cols[] = {LIB_ATT_COLS, C_BLOB(S, data, size)};
SPEC(hy_row_lib_attachment_data, S, lib_attachment_data_cols, -1);
#undef S

#define S struct hy_lib_org
static const struct hy_col lib_org_cols[] = {
    C_TEXT(S, slug),           C_TEXT(S, name_fa),        C_TEXT(S, name_en),
    C_TEXT(S, region),         C_TEXT(S, country),        C_TEXT(S, website),
    C_TEXT(S, description_fa), C_TEXT(S, description_en), C_TEXT(S, origin),
};
SPEC(hy_row_lib_org, S, lib_org_cols, -1);
#undef S

#define S struct hy_lib_project
static const struct hy_col lib_project_cols[] = {
    C_TEXT(S, slug),           C_TEXT(S, org_slug),       C_TEXT(S, name_fa),
    C_TEXT(S, name_en),        C_TEXT(S, description_fa), C_TEXT(S, description_en),
    C_TEXT(S, website),        C_INT(S, year),            C_BOOL(S, covid),
    C_TEXT(S, doc_id),
};
SPEC(hy_row_lib_project, S, lib_project_cols, -1);
#undef S

/* ---- search synonyms ---- */

static const struct hy_col faq_synonyms_cols[] = {C_TEXT(struct hy_row_faq_synonyms, list),
                                                  C_I64(struct hy_row_faq_synonyms, at),
                                                  C_TEXT(struct hy_row_faq_synonyms, by)};
SPEC(hy_row_faq_synonyms, struct hy_row_faq_synonyms, faq_synonyms_cols, -1);

_Static_assert(sizeof(struct hy_row_lib_doc_at) <= HY_ROW_MAX &&
                   sizeof(struct hy_group) <= HY_ROW_MAX && sizeof(struct hy_request) <= HY_ROW_MAX,
               "a record outgrew HY_ROW_MAX");

/* ---- decision trees ---- */

#define S struct hy_tree_rec
static const struct hy_col tree_cols[] = {
    C_TEXT_REQ(S, id),      C_TEXT_REQ(S, language), C_TEXT_REQ(S, title),
    C_I64(S, version),      C_TEXT_REQ(S, reviewed_at), C_TEXT(S, source_url),
    C_BOOL(S, published),   C_TEXT(S, doc),          C_TEXT(S, created_by),
    C_I64(S, created_at),   C_TEXT(S, updated_by),   C_I64(S, updated_at),
    C_I64(S, published_at),
};
SPEC(hy_row_tree, S, tree_cols, -1);
#undef S

#define S struct hy_tree_revision
static const struct hy_col tree_revision_cols[] = {
    C_I64(S, id),      C_TEXT_REQ(S, tree_id), C_TEXT_REQ(S, language), C_I64(S, version),
    C_I64(S, at),      C_TEXT(S, author_id),   C_TEXT_REQ(S, action),   C_TEXT(S, doc),
};
SPEC(hy_row_tree_revision, S, tree_revision_cols, -1);
#undef S
/* ---- the open-data portal ---- */

#define S struct hy_dataset
static const struct hy_col dataset_cols[] = {
    C_FIXED_REQ(S, id),  C_TEXT(S, title_fa),    C_TEXT(S, title_en),    C_TEXT(S, description_fa),
    C_TEXT(S, description_en), C_TEXT(S, source), C_TEXT(S, licence),    C_TEXT(S, contact),
    C_TEXT(S, cutoff),   C_I64(S, version),      C_I64(S, rows),         C_TEXT(S, columns),
    C_TEXT(S, date_column), C_TEXT(S, area_column), C_TEXT(S, date_hxl), C_TEXT(S, area_hxl),
    C_INT(S, min_day),   C_INT(S, max_day),      C_TEXT(S, created_by),  C_I64(S, created_at),
    C_I64(S, updated_at), C_BOOL(S, demo),
};
SPEC(hy_row_dataset, S, dataset_cols, -1);
#undef S

#define S struct hy_dataset_version
static const struct hy_col dataset_version_cols[] = {
    C_I64(S, version),    C_I64(S, rows),         C_TEXT(S, columns),  C_TEXT(S, date_column),
    C_TEXT(S, area_column), C_TEXT(S, date_hxl),  C_TEXT(S, area_hxl), C_INT(S, min_day),
    C_INT(S, max_day),    C_TEXT(S, created_by),  C_I64(S, created_at), C_BOOL(S, ready),
};
SPEC(hy_row_dataset_version, S, dataset_version_cols, -1);
#undef S

#define S struct hy_dataset_cell
static const struct hy_col dataset_cell_cols[] = {
    C_I64(S, seq), C_INT(S, day), C_INT(S, col), C_TEXT(S, area), C_F64_HAS(S, value, has_value),
};
SPEC(hy_row_dataset_cell, S, dataset_cell_cols, -1);
#undef S

#define S struct hy_dataset_day
static const struct hy_col dataset_day_cols[] = {
    C_INT(S, day), C_INT(S, col), C_F64(S, total), C_I64(S, count), C_F64(S, avg7),
};
SPEC(hy_row_dataset_day, S, dataset_day_cols, -1);
#undef S

#define S struct hy_dataset_area
static const struct hy_col dataset_area_cols[] = {
    C_TEXT(S, area), C_INT(S, col), C_F64(S, total), C_I64(S, count), C_INT(S, latest_day),
    C_F64(S, latest),
};
SPEC(hy_row_dataset_area, S, dataset_area_cols, -1);
#undef S

_Static_assert(sizeof(struct hy_dataset) <= HY_ROW_MAX, "a record outgrew HY_ROW_MAX");
#define S struct hy_news_inst
static const struct hy_col news_inst_cols[] = {
    C_TEXT(S, slug),   C_TEXT(S, name_fa), C_TEXT(S, name_en),
    C_TEXT(S, colour), C_TEXT(S, website), C_I64(S, updated_at),
};
SPEC(hy_row_news_inst, S, news_inst_cols, -1);
#undef S

#define S struct hy_fc_claim
static const struct hy_col fc_claim_cols[] = {
    C_FIXED(S, id), C_TEXT(S, claim), C_TEXT(S, url), C_TEXT(S, language), C_I64(S, created_at),
};
SPEC(hy_row_fc_claim, S, fc_claim_cols, -1);
#undef S

/* ---- skills matching (store/sql/skills.def) ---- */

#define S struct hy_skill
static const struct hy_col skill_cols[] = {
    C_TEXT_REQ(S, slug), C_TEXT_REQ(S, name_fa), C_TEXT_REQ(S, name_en), C_BOOL(S, retired),
    C_I64(S, updated_at),
};
SPEC(hy_row_skill, S, skill_cols, -1);
#undef S

#define S struct hy_skill_level
static const struct hy_col skill_level_cols[] = {
    C_FIXED_REQ(S, owner), C_TEXT_REQ(S, skill), C_INT(S, level),
};
SPEC(hy_row_skill_level, S, skill_level_cols, -1);
#undef S

#define S struct hy_org
static const struct hy_col org_cols[] = {
    C_FIXED_REQ(S, id), C_TEXT_REQ(S, name), C_TEXT_REQ(S, kind), C_TEXT_REQ(S, area),
    C_F64_HAS(S, lat, has_pos), C_F64(S, lon), C_TEXT_REQ(S, contact), C_FIXED(S, owner_id),
    C_TEXT_REQ(S, status), C_I64(S, created_at), C_BOOL(S, demo),
};
SPEC(hy_row_org, S, org_cols, -1);
#undef S

#define S struct hy_need
static const struct hy_col need_cols[] = {
    C_FIXED_REQ(S, id), C_FIXED_REQ(S, org_id), C_TEXT_REQ(S, title), C_TEXT_REQ(S, description),
    C_TEXT_REQ(S, commitment), C_TEXT_REQ(S, status), C_INT(S, people), C_INT(S, accepted),
    C_BOOL(S, remote), C_F64_HAS(S, lat, has_pos), C_F64(S, lon), C_TEXT(S, starts_on),
    C_TEXT(S, ends_on), C_FIXED(S, created_by), C_I64(S, created_at), C_BOOL(S, demo),
    C_TEXT_REQ(S, org_name), C_TEXT_REQ(S, org_status),
};
SPEC(hy_row_need, S, need_cols, -1);
#undef S

#define S struct hy_candidate_row
static const struct hy_col candidate_cols[] = {
    C_FIXED_REQ(S, user_id), C_TEXT(S, name), C_F64_HAS(S, lat, has_pos), C_F64(S, lon),
    C_TEXT_REQ(S, skill), C_INT(S, level),
};
SPEC(hy_row_candidate, S, candidate_cols, -1);
#undef S

#define S struct hy_offer
static const struct hy_col offer_cols[] = {
    C_FIXED_REQ(S, need_id), C_FIXED_REQ(S, user_id), C_TEXT_REQ(S, status),
    C_I64(S, created_at), C_I64(S, decided_at), C_TEXT(S, name), C_TEXT(S, phone),
    C_TEXT(S, email), C_TEXT(S, title), C_TEXT(S, org_name), C_TEXT(S, org_contact),
};
SPEC(hy_row_offer, S, offer_cols, -1);
#undef S

/* ---- challenges, ideas, comments, reports ---- */

#define S struct hy_challenge
static const struct hy_col challenge_cols[] = {
    C_FIXED_REQ(S, id),      C_TEXT_REQ(S, title_fa), C_TEXT_REQ(S, title_en),
    C_TEXT_REQ(S, problem_fa), C_TEXT_REQ(S, problem_en), C_I64(S, ideas_at),
    C_I64(S, voting_at),     C_I64(S, results_at),    C_I64(S, votes_per_person),
    C_BOOL(S, show_votes),   C_BOOL(S, random_order), C_I64(S, threshold),
    C_I64(S, ideas),         C_TEXT(S, created_by),   C_I64(S, created_at),
    C_I64(S, updated_at),    C_BOOL(S, demo)};
SPEC(hy_row_challenge, S, challenge_cols, -1);
#undef S

#define S struct hy_idea
static const struct hy_col idea_cols[] = {
    C_FIXED_REQ(S, id),       C_FIXED_REQ(S, challenge_id), C_TEXT(S, author_id),
    C_TEXT(S, author_name),   C_TEXT_REQ(S, title),         C_TEXT_REQ(S, description),
    C_TEXT_REQ(S, team),      C_TEXT_REQ(S, links),         C_TEXT_REQ(S, tags),
    C_TEXT_REQ(S, language),  C_I64(S, votes),              C_I64(S, comments),
    C_BOOL(S, hidden),        C_TEXT(S, hidden_reason),     C_I64(S, created_at),
    C_I64(S, activity_at),    C_BOOL(S, demo)};
SPEC(hy_row_idea, S, idea_cols, -1);
#undef S

#define S struct hy_idea_comment
static const struct hy_col idea_comment_cols[] = {
    C_FIXED_REQ(S, id),  C_FIXED_REQ(S, idea_id),   C_TEXT(S, author_id), C_TEXT(S, author_name),
    C_TEXT_REQ(S, body), C_BOOL(S, hidden),         C_TEXT(S, hidden_reason),
    C_I64(S, created_at)};
SPEC(hy_row_idea_comment, S, idea_comment_cols, -1);
#undef S

#define S struct hy_content_report
static const struct hy_col report_cols[] = {C_FIXED_REQ(S, id), C_FIXED_REQ(S, idea_id),
                                            C_TEXT(S, comment_id), C_TEXT_REQ(S, reason),
                                            C_I64(S, created_at)};
SPEC(hy_row_report, S, report_cols, -1);
#undef S

/* ---- the neighbour-help board ---- */

#define S struct hy_board_post
static const struct hy_col board_post_cols[] = {
    C_FIXED_REQ(S, id), C_FIXED_REQ(S, author_id), C_TEXT(S, kind),    C_TEXT(S, category),
    C_INT(S, slot),     C_TEXT(S, body),           C_TEXT(S, body_norm), C_F64(S, lat),
    C_F64(S, lon),      C_TEXT(S, place),          C_TEXT(S, language), C_I64(S, starts_at),
    C_I64(S, ends_at),  C_I64(S, expires_at),      C_TEXT(S, status),  C_TEXT(S, hidden_reason),
    C_BOOL(S, demo),    C_I64(S, created_at),      C_I64(S, updated_at),
};
SPEC(hy_row_board_post, S, board_post_cols, -1);
#undef S
_Static_assert(sizeof(struct hy_board_post) <= HY_ROW_MAX, "a record outgrew HY_ROW_MAX");

#define S struct hy_board_conv
static const struct hy_col board_conv_cols[] = {
    C_FIXED_REQ(S, id),          C_FIXED_REQ(S, post_id),
    C_FIXED_REQ(S, author_id),   C_FIXED_REQ(S, responder_id),
    C_I64(S, author_agreed_at),  C_I64(S, responder_agreed_at),
    C_I64(S, created_at),        C_I64(S, updated_at),
};
SPEC(hy_row_board_conv, S, board_conv_cols, -1);
#undef S

#define S struct hy_board_message
static const struct hy_col board_message_cols[] = {
    C_I64(S, id), C_FIXED_REQ(S, conv_id), C_FIXED_REQ(S, sender_id), C_TEXT(S, body),
    C_I64(S, created_at),
};
SPEC(hy_row_board_message, S, board_message_cols, -1);
#undef S
