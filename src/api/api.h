/* api.h — the handlers: each translates HTTP to a call of app/ or domain/ and back. One file
 * per resource and audience. A handler's name says what it does, verb first
 * (hy_api_get_request, hy_api_claim_request); routes.c maps the routes to them. */
#ifndef HY_API_H
#define HY_API_H

#include <jansson.h>

#include "http/http.h"
#include "store/store.h"

hy_result hy_api_get_health(hy_req *req); /* health.c */
hy_result hy_api_get_config(hy_req *req); /* config.c */
hy_result hy_api_get_tile(hy_req *req);   /* tiles.c */

/* auth.c */
hy_result hy_api_log_in(hy_req *req);
hy_result hy_api_log_out(hy_req *req);
hy_result hy_api_get_me(hy_req *req);
hy_result hy_api_update_me(hy_req *req);
hy_result hy_api_ask_password_reset(hy_req *req);
hy_result hy_api_confirm_password_reset(hy_req *req);
/* volunteers.c */
hy_result hy_api_sign_up_volunteer(hy_req *req);
hy_result hy_api_sign_up_member(hy_req *req);
/* challenges.c */
hy_result hy_api_create_challenge(hy_req *req);
hy_result hy_api_list_challenges(hy_req *req);
hy_result hy_api_get_challenge(hy_req *req);
hy_result hy_api_create_idea(hy_req *req);
hy_result hy_api_moderate_challenge(hy_req *req);
hy_result hy_api_list_challenge_reports(hy_req *req);
hy_result hy_api_export_challenge(hy_req *req);
hy_result hy_api_get_idea(hy_req *req);
hy_result hy_api_vote_idea(hy_req *req);
hy_result hy_api_unvote_idea(hy_req *req);
hy_result hy_api_comment_idea(hy_req *req);
hy_result hy_api_report_idea(hy_req *req);
hy_result hy_api_list_volunteers(hy_req *req);
hy_result hy_api_approve_volunteer(hy_req *req);
hy_result hy_api_suspend_volunteer(hy_req *req);
/* admin.c */
hy_result hy_api_list_users(hy_req *req);
hy_result hy_api_set_user_role(hy_req *req);
hy_result hy_api_list_audit(hy_req *req);
hy_result hy_api_list_outbox(hy_req *req);
/* tokens.c */
hy_result hy_api_list_my_tokens(hy_req *req);
hy_result hy_api_create_my_token(hy_req *req);
hy_result hy_api_revoke_my_token(hy_req *req);
hy_result hy_api_list_tokens(hy_req *req);
hy_result hy_api_revoke_token(hy_req *req);
/* Inside a write transaction: revokes every API token of `user_id` and audits it (actor
 * `actor_id`, detail the count). Returns the count, or a negative store code. */
int hy_revoke_user_tokens(hy_store *s, const char *actor_id, const char *user_id);

/* requests_public.c */
hy_result hy_api_submit_request(hy_req *req);
hy_result hy_api_take_phone_request(hy_req *req);
hy_result hy_api_place_request(hy_req *req);
hy_result hy_api_show_request_sent(hy_req *req);
hy_result hy_api_get_request_status(hy_req *req);
hy_result hy_api_check_request_status(hy_req *req);
hy_result hy_api_cancel_request(hy_req *req);
hy_result hy_api_receive_sms(hy_req *req);
/* requests_dispatch.c */
hy_result hy_api_list_requests(hy_req *req);
hy_result hy_api_list_my_requests(hy_req *req);
hy_result hy_api_get_request(hy_req *req);
hy_result hy_api_claim_request(hy_req *req);
hy_result hy_api_release_request(hy_req *req);
hy_result hy_api_move_request(hy_req *req);
hy_result hy_api_assign_request(hy_req *req);
hy_result hy_api_suggest_volunteers(hy_req *req);
hy_result hy_api_add_request_note(hy_req *req);
hy_result hy_api_record_delivery(hy_req *req);
/* requests_reports.c */
hy_result hy_api_get_request_stats(hy_req *req);
hy_result hy_api_export_requests_csv(hy_req *req);
hy_result hy_api_get_coverage(hy_req *req);

/* groups.c */
hy_result hy_api_list_groups(hy_req *req);
hy_result hy_api_get_group(hy_req *req);
hy_result hy_api_create_group(hy_req *req);
hy_result hy_api_update_group(hy_req *req);
hy_result hy_api_list_group_changes(hy_req *req);
hy_result hy_api_approve_group_change(hy_req *req);
hy_result hy_api_reject_group_change(hy_req *req);
hy_result hy_api_approve_group(hy_req *req);
hy_result hy_api_reject_group(hy_req *req);
hy_result hy_api_delete_group(hy_req *req);
/* groups_import.c */
hy_result hy_api_import_groups(hy_req *req);
hy_result hy_api_add_group_coordinator(hy_req *req);
hy_result hy_api_remove_group_coordinator(hy_req *req);
hy_result hy_api_export_groups_geojson(hy_req *req);
hy_result hy_api_export_groups_csv(hy_req *req);
hy_result hy_api_geocode(hy_req *req);
hy_result hy_api_map_places(hy_req *req);
struct hy_group;
/* A group as the API shows it (public fields; distance_m and covers for "near" answers). */
json_t *hy_group_json(const struct hy_group *g, bool with_distance);
/* The same object written as JSON text onto `b` (the bytes hy_reply_json() would send for
 * hy_group_json()), without building a jansson tree: for the nearest-groups answer. */
int hy_group_json_write(hy_buf *b, const struct hy_group *g, bool with_distance);

/* faq.c */
hy_result hy_api_get_synonyms(hy_req *req);
hy_result hy_api_save_synonyms(hy_req *req);
hy_result hy_api_answer_question(hy_req *req);
hy_result hy_api_send_answer_feedback(hy_req *req);
hy_result hy_api_show_answers_page(hy_req *req);
/* An inbound text message that is a question (hy_faq_is_question()): queues the FAQ's best
 * answer by SMS to `phone` and answers the gateway (*ret). False when the FAQ has no answer
 * (the message is then a request for help as any other). */
bool hy_api_answer_sms(hy_req *req, const char *phone, const char *text, hy_result *ret);
/* library.c */
hy_result hy_api_search_library(hy_req *req);
hy_result hy_api_create_document(hy_req *req);
hy_result hy_api_get_document(hy_req *req);
hy_result hy_api_update_document(hy_req *req);
hy_result hy_api_submit_document(hy_req *req);
hy_result hy_api_publish_document(hy_req *req);
hy_result hy_api_unpublish_document(hy_req *req);
hy_result hy_api_list_revisions(hy_req *req);
hy_result hy_api_attach_file(hy_req *req);
hy_result hy_api_remove_attachment(hy_req *req);
hy_result hy_api_get_attachment(hy_req *req);
hy_result hy_api_list_communities(hy_req *req);
hy_result hy_api_get_library_feed(hy_req *req);
hy_result hy_api_get_sitemap(hy_req *req);

/* news.c: official news and fact checks (library documents of those types) for the public:
 * pages without JavaScript, feeds, CAP; the issuing institutions. */
hy_result hy_api_show_news(hy_req *req);
hy_result hy_api_show_news_item(hy_req *req);
hy_result hy_api_get_news_atom(hy_req *req);
hy_result hy_api_get_news_jsonfeed(hy_req *req);
hy_result hy_api_get_news_cap(hy_req *req);
hy_result hy_api_list_institutions(hy_req *req);
hy_result hy_api_put_institution(hy_req *req);
hy_result hy_api_show_factchecks(hy_req *req);
hy_result hy_api_show_factcheck(hy_req *req);
hy_result hy_api_get_factchecks_atom(hy_req *req);
hy_result hy_api_submit_claim(hy_req *req);
hy_result hy_api_show_claim_form(hy_req *req);
hy_result hy_api_list_claims(hy_req *req);
struct hy_lib_doc;
struct hy_parse_error;
/* Checks a library document object (the POST/PATCH body; imports also take "status") and
 * fills the fields present into *d (arena strings). create: type, language and title are
 * required and translation_of is allowed. False with *err filled on bad input. */
bool hy_api_library_input(json_t *obj, hy_arena *a, bool create, bool allow_status,
                          struct hy_lib_doc *d, const char **ret_translation_of,
                          struct hy_parse_error *err);

/* datasets.c: the open-data portal. */
hy_result hy_api_create_dataset(hy_req *req);
hy_result hy_api_list_datasets(hy_req *req);
hy_result hy_api_get_dataset(hy_req *req);
hy_result hy_api_get_dataset_csv(hy_req *req);
hy_result hy_api_get_dataset_json(hy_req *req);
hy_result hy_api_get_datapackage(hy_req *req);
hy_result hy_api_get_dataset_daily(hy_req *req);
hy_result hy_api_get_dataset_areas(hy_req *req);

/* forecast.c: the hospital-load forecast; the writers are shared with `hamyari forecast`. */
hy_result hy_api_get_forecast(hy_req *req);
struct hy_fc_params;
struct hy_fc_result;
/* Today's date (the server's time zone) as days since 1970-01-01: the default current_date. */
int32_t hy_forecast_today(void);
/* The forecast as JSON / as CSV appended to `b`; HY_BUF_OK or a hy_buf error. */
int hy_forecast_write_json(hy_buf *b, const struct hy_fc_params *p,
                           const struct hy_fc_result *r);
int hy_forecast_write_csv(hy_buf *b, const struct hy_fc_params *p, const struct hy_fc_result *r);

/* trees.c: decision trees over JSON; trees_page.c: their pages (also without JavaScript). */
hy_result hy_api_list_trees(hy_req *req);
hy_result hy_api_create_tree(hy_req *req);
hy_result hy_api_get_tree(hy_req *req);
hy_result hy_api_update_tree(hy_req *req);
hy_result hy_api_publish_tree(hy_req *req);
hy_result hy_api_unpublish_tree(hy_req *req);
hy_result hy_api_list_tree_revisions(hy_req *req);
hy_result hy_api_get_tree_revision(hy_req *req);
hy_result hy_api_evaluate_tree(hy_req *req);
hy_result hy_api_show_trees_page(hy_req *req);
hy_result hy_api_show_tree_page(hy_req *req);
hy_result hy_api_walk_tree_page(hy_req *req);

/* skills.c — skills matching */
hy_result hy_api_list_skills(hy_req *req);
hy_result hy_api_add_skill(hy_req *req);
hy_result hy_api_update_skill(hy_req *req);
hy_result hy_api_get_my_skills(hy_req *req);
hy_result hy_api_set_my_skills(hy_req *req);
hy_result hy_api_list_my_offers(hy_req *req);
hy_result hy_api_list_orgs(hy_req *req);
hy_result hy_api_register_org(hy_req *req);
hy_result hy_api_get_org(hy_req *req);
hy_result hy_api_verify_org(hy_req *req);
hy_result hy_api_add_org_staff(hy_req *req);
hy_result hy_api_post_need(hy_req *req);
hy_result hy_api_list_needs(hy_req *req);
hy_result hy_api_list_needs_for_me(hy_req *req);
hy_result hy_api_get_need(hy_req *req);
hy_result hy_api_set_need_status(hy_req *req);
hy_result hy_api_list_need_candidates(hy_req *req);
hy_result hy_api_offer_help(hy_req *req);
hy_result hy_api_list_need_offers(hy_req *req);
hy_result hy_api_accept_offer(hy_req *req);
hy_result hy_api_decline_offer(hy_req *req);

/* Shared shapes. */
json_t *hy_user_json(const struct hy_user *u, bool with_contact);
json_t *hy_volunteer_json(const struct hy_volunteer *v);
/* The stored form of a login (lowercased e-mail or E.164 phone) in the arena, or NULL. */
const char *hy_login_normalise(hy_req *req, const char *login);
/* The page= (from 1) and per_page= (1-200, default 50) of a listing as a limit and offset;
 * answers 400 invalid_query naming the parameter when one is wrong. */
bool hy_api_paging(hy_req *req, size_t *ret_limit, size_t *ret_offset, hy_result *ret);
struct hy_strings;
struct hy_csv_writer;
/* A list of strings as a compact JSON array, malloc()ed (the caller frees it); NULL when out of
 * memory. */
char *hy_api_strings_json(const struct hy_strings *v);
/* Answers the CSV that writer w wrote into out as an attachment named `filename` (500 when the
 * writer failed), and frees out. */
hy_result hy_api_reply_csv(hy_req *req, const struct hy_csv_writer *w, hy_buf *out,
                           const char *filename);
/* Checks a new password against the policy; answers 400 naming `field` when it fails. */
bool hy_api_password_ok(hy_req *req, const char *pw, const char *field, hy_result *ret);

/* board.c */
hy_result hy_api_list_board_posts(hy_req *req);
hy_result hy_api_get_board_asks_text(hy_req *req);
hy_result hy_api_create_board_post(hy_req *req);
hy_result hy_api_get_board_post(hy_req *req);
hy_result hy_api_update_board_post(hy_req *req);
hy_result hy_api_close_board_post(hy_req *req);
hy_result hy_api_moderate_board_post(hy_req *req);
hy_result hy_api_start_board_conversation(hy_req *req);
hy_result hy_api_get_board_conversation(hy_req *req);
hy_result hy_api_send_board_message(hy_req *req);
hy_result hy_api_set_board_consent(hy_req *req);
hy_result hy_api_list_my_board(hy_req *req);
hy_result hy_api_show_board(hy_req *req);

#endif
