/* routes.c — the route table: every endpoint the server has, with its access rule.
 *
 * docs/openapi.yaml must describe exactly these (tests/api/openapi.test.mjs compares them
 * through `hamyari routes`), and the access-control matrix test enumerates them. */
#include "api/routes.h"

#include <jansson.h>
#include <stdlib.h>

#include "api/api.h"
#include "http/router.h"

#define JSON HY_ROUTE_JSON
#define FORM (HY_ROUTE_JSON | HY_ROUTE_FORM)

const struct hy_route hy_routes[] = {
    {HY_GET, "/healthz", hy_api_get_health, HY_ACCESS_PUBLIC, 0, "Liveness and store status"},
    {HY_GET, "/api/v1/config", hy_api_get_config, HY_ACCESS_PUBLIC, 0, "Settings the front-end needs"},
    {HY_GET, "/tiles/{z}/{x}/{y}", hy_api_get_tile, HY_ACCESS_PUBLIC, 0,
     "A map tile from the operator's MBTiles file"},

    /* Accounts */
    {HY_POST, "/api/v1/auth/login", hy_api_log_in, HY_ACCESS_PUBLIC, FORM, "Sign in"},
    {HY_POST, "/api/v1/auth/logout", hy_api_log_out, HY_ACCESS_PUBLIC, 0, "Sign out"},
    {HY_POST, "/api/v1/auth/reset", hy_api_ask_password_reset, HY_ACCESS_PUBLIC, FORM,
     "Ask for a password-reset code"},
    {HY_POST, "/api/v1/auth/reset/confirm", hy_api_confirm_password_reset, HY_ACCESS_PUBLIC, FORM,
     "Set a new password with a reset code"},
    {HY_GET, "/api/v1/me", hy_api_get_me, HY_ACCESS_SIGNED_IN, 0, "The signed-in account"},
    {HY_PATCH, "/api/v1/me", hy_api_update_me, HY_ACCESS_SIGNED_IN, JSON,
     "Change one's name, language or password"},
    {HY_POST, "/api/v1/volunteers", hy_api_sign_up_volunteer, HY_ACCESS_PUBLIC, FORM,
     "Sign up to volunteer"},
    {HY_POST, "/api/v1/members", hy_api_sign_up_member, HY_ACCESS_PUBLIC, FORM,
     "Sign up as a member of the public (ideas, votes, comments)"},
    {HY_GET, "/api/v1/volunteers", hy_api_list_volunteers, HY_ACCESS_COORDINATOR, 0,
     "Volunteers to vet"},
    {HY_POST, "/api/v1/volunteers/{id}/approve", hy_api_approve_volunteer,
     HY_ACCESS_COORDINATOR, 0, "Approve a volunteer"},
    {HY_POST, "/api/v1/volunteers/{id}/suspend", hy_api_suspend_volunteer,
     HY_ACCESS_COORDINATOR, 0, "Suspend a volunteer"},
    {HY_GET, "/api/v1/users", hy_api_list_users, HY_ACCESS_ADMIN, 0, "Every account"},
    {HY_POST, "/api/v1/users/{id}/role", hy_api_set_user_role, HY_ACCESS_ADMIN, JSON,
     "Change an account's role"},
    {HY_GET, "/api/v1/audit", hy_api_list_audit, HY_ACCESS_ADMIN, 0, "The security audit log"},
    {HY_GET, "/api/v1/outbox", hy_api_list_outbox, HY_ACCESS_ADMIN, 0,
     "Outgoing messages' delivery state (no text; recipients masked)"},
    {HY_GET, "/api/v1/me/tokens", hy_api_list_my_tokens, HY_ACCESS_SIGNED_IN, 0,
     "The caller's API tokens"},
    {HY_POST, "/api/v1/me/tokens", hy_api_create_my_token, HY_ACCESS_SIGNED_IN, JSON,
     "Make an API token (from a browser session)"},
    {HY_DELETE, "/api/v1/me/tokens/{id}", hy_api_revoke_my_token, HY_ACCESS_SIGNED_IN, 0,
     "Revoke one of the caller's API tokens"},
    {HY_GET, "/api/v1/tokens", hy_api_list_tokens, HY_ACCESS_ADMIN, 0, "Every API token"},
    {HY_DELETE, "/api/v1/tokens/{id}", hy_api_revoke_token, HY_ACCESS_ADMIN, 0,
     "Revoke any API token"},

    /* Help requests and dispatch: literal paths before /requests/{id} */
    {HY_POST, "/api/v1/requests", hy_api_submit_request, HY_ACCESS_PUBLIC, FORM,
     "Ask for help (no account; JSON or a plain form post)"},
    {HY_GET, "/api/v1/requests", hy_api_list_requests, HY_ACCESS_VOLUNTEER, 0,
     "Open requests near a volunteer, or the coordinators' dispatch queue"},
    {HY_GET, "/api/v1/requests/sent", hy_api_show_request_sent, HY_ACCESS_PUBLIC, 0,
     "The confirmation page after a form post"},
    {HY_GET, "/api/v1/requests/status", hy_api_get_request_status, HY_ACCESS_PUBLIC, 0,
     "Deprecated: the requester's view with code and phone in the query"},
    {HY_POST, "/api/v1/requests/status", hy_api_check_request_status, HY_ACCESS_PUBLIC, FORM,
     "A requester's view of their request (tracking code and phone)"},
    {HY_POST, "/api/v1/requests/cancel", hy_api_cancel_request, HY_ACCESS_PUBLIC, FORM,
     "A requester cancels (tracking code and phone)"},
    {HY_POST, "/api/v1/requests/phone", hy_api_take_phone_request, HY_ACCESS_COORDINATOR, JSON,
     "A request a coordinator takes by phone"},
    {HY_GET, "/api/v1/requests/mine", hy_api_list_my_requests, HY_ACCESS_VOLUNTEER, 0,
     "The caller's tasks, with contact details"},
    {HY_GET, "/api/v1/requests/stats", hy_api_get_request_stats, HY_ACCESS_COORDINATOR, 0,
     "Request counts by status, kind, day and area"},
    {HY_GET, "/api/v1/requests.csv", hy_api_export_requests_csv, HY_ACCESS_COORDINATOR, 0,
     "Requests as CSV, without personal data"},
    {HY_GET, "/api/v1/requests/{id}", hy_api_get_request, HY_ACCESS_VOLUNTEER, 0,
     "One request (contact details for coordinators and the assignee)"},
    {HY_POST, "/api/v1/requests/{id}/claim", hy_api_claim_request, HY_ACCESS_VOLUNTEER, 0,
     "Take an open request (one volunteer wins)"},
    {HY_POST, "/api/v1/requests/{id}/release", hy_api_release_request, HY_ACCESS_VOLUNTEER, 0,
     "Give a taken request back (it is open again)"},
    {HY_POST, "/api/v1/requests/{id}/status", hy_api_move_request, HY_ACCESS_VOLUNTEER, JSON,
     "Move a request on in its lifecycle"},
    {HY_POST, "/api/v1/requests/{id}/assign", hy_api_assign_request, HY_ACCESS_COORDINATOR,
     JSON, "Assign or reassign a request to a volunteer"},
    {HY_POST, "/api/v1/requests/{id}/area", hy_api_place_request, HY_ACCESS_COORDINATOR, JSON,
     "Set a request's area"},
    {HY_GET, "/api/v1/requests/{id}/suggestions", hy_api_suggest_volunteers,
     HY_ACCESS_COORDINATOR, 0, "Volunteers suggested for a request"},
    {HY_POST, "/api/v1/requests/{id}/notes", hy_api_add_request_note, HY_ACCESS_VOLUNTEER, JSON,
     "Add a note or a call to a request's log"},
    {HY_POST, "/api/v1/requests/{id}/delivery", hy_api_record_delivery, HY_ACCESS_VOLUNTEER,
     JSON, "Record the delivery checklist, receipt and reimbursement"},
    {HY_GET, "/api/v1/coverage", hy_api_get_coverage, HY_ACCESS_PUBLIC, 0,
     "Where volunteers are active (about 1 km cells of 3 or more)"},
    {HY_POST, "/api/v1/inbound/sms", hy_api_receive_sms, HY_ACCESS_PUBLIC, FORM,
     "A text message from the SMS gateway becomes a request"},

    /* Mutual-aid groups */
    {HY_GET, "/api/v1/groups", hy_api_list_groups, HY_ACCESS_PUBLIC, 0,
     "Approved groups: nearest to a point (near=), by text (q=), or all by id"},
    {HY_POST, "/api/v1/groups", hy_api_create_group, HY_ACCESS_SIGNED_IN, JSON,
     "Submit a group (pending until approved; the caller owns it)"},
    {HY_POST, "/api/v1/groups/import", hy_api_import_groups, HY_ACCESS_COORDINATOR,
     HY_ROUTE_RAW | HY_ROUTE_UPLOAD,
     "Import groups from CSV or GeoJSON, pending review (?dry_run=true checks only)"},
    {HY_GET, "/api/v1/groups.geojson", hy_api_export_groups_geojson, HY_ACCESS_PUBLIC, 0,
     "Approved groups as GeoJSON (public fields)"},
    {HY_GET, "/api/v1/groups.csv", hy_api_export_groups_csv, HY_ACCESS_PUBLIC, 0,
     "Approved groups as CSV (public fields)"},
    {HY_GET, "/api/v1/groups/{id}", hy_api_get_group, HY_ACCESS_PUBLIC, 0,
     "One group (pending ones: owners, coordinators, admins)"},
    {HY_PATCH, "/api/v1/groups/{id}", hy_api_update_group, HY_ACCESS_SIGNED_IN, JSON,
     "Edit a group (owners, coordinators, admins)"},
    {HY_POST, "/api/v1/groups/{id}/approve", hy_api_approve_group, HY_ACCESS_COORDINATOR, 0,
     "Approve a submitted group"},
    {HY_GET, "/api/v1/group-changes", hy_api_list_group_changes, HY_ACCESS_COORDINATOR, 0,
     "Changes owners proposed to approved groups, waiting for review"},
    {HY_POST, "/api/v1/groups/{id}/changes/approve", hy_api_approve_group_change,
     HY_ACCESS_COORDINATOR, 0, "Apply a group's pending change"},
    {HY_POST, "/api/v1/groups/{id}/changes/reject", hy_api_reject_group_change,
     HY_ACCESS_COORDINATOR, 0, "Discard a group's pending change"},
    {HY_POST, "/api/v1/groups/{id}/coordinators", hy_api_add_group_coordinator, HY_ACCESS_ADMIN,
     JSON, "Make an account a coordinator of the group"},
    {HY_DELETE, "/api/v1/groups/{id}/coordinators/{user_id}", hy_api_remove_group_coordinator,
     HY_ACCESS_ADMIN, 0, "Remove a coordinator of the group"},
    {HY_GET, "/api/v1/geocode", hy_api_geocode, HY_ACCESS_PUBLIC, 0,
     "Places and postcodes by name prefix (offline gazetteer)"},
    {HY_GET, "/api/v1/map/places", hy_api_map_places, HY_ACCESS_PUBLIC, 0,
     "Place labels of a map view (offline map)"},
    /* Knowledge library */
    {HY_GET, "/api/v1/library", hy_api_search_library, HY_ACCESS_PUBLIC, 0,
     "Search and filter the library, with facet counts"},
    {HY_POST, "/api/v1/library", hy_api_create_document, HY_ACCESS_EDITOR, JSON,
     "Create a library document (a draft)"},
    {HY_GET, "/api/v1/library/{id}", hy_api_get_document, HY_ACCESS_PUBLIC, 0,
     "One library document"},
    {HY_PATCH, "/api/v1/library/{id}", hy_api_update_document, HY_ACCESS_EDITOR, JSON,
     "Edit a library document"},
    {HY_POST, "/api/v1/library/{id}/submit", hy_api_submit_document, HY_ACCESS_EDITOR, 0,
     "Submit a draft for review"},
    {HY_POST, "/api/v1/library/{id}/publish", hy_api_publish_document, HY_ACCESS_ADMIN, 0,
     "Publish a document"},
    {HY_POST, "/api/v1/library/{id}/unpublish", hy_api_unpublish_document, HY_ACCESS_ADMIN, 0,
     "Take a document back to draft"},
    {HY_GET, "/api/v1/library/{id}/revisions", hy_api_list_revisions, HY_ACCESS_EDITOR, 0,
     "A document's revision history"},
    {HY_POST, "/api/v1/library/{id}/attachments", hy_api_attach_file, HY_ACCESS_EDITOR,
     HY_ROUTE_RAW | HY_ROUTE_UPLOAD, "Attach a file to a document"},
    {HY_DELETE, "/api/v1/library/{id}/attachments/{attachment_id}", hy_api_remove_attachment,
     HY_ACCESS_EDITOR, 0, "Remove a file from a document"},
    {HY_GET, "/api/v1/attachments/{id}", hy_api_get_attachment, HY_ACCESS_PUBLIC, 0,
     "Download an attachment"},
    {HY_GET, "/api/v1/communities", hy_api_list_communities, HY_ACCESS_PUBLIC, 0,
     "Civic-tech communities and their projects"},
    {HY_GET, "/library.atom", hy_api_get_library_feed, HY_ACCESS_PUBLIC, 0,
     "Atom feed of newly published library documents"},
    {HY_GET, "/sitemap.xml", hy_api_get_sitemap, HY_ACCESS_PUBLIC, 0, "Sitemap of public pages"},
    /* Decision trees */
    {HY_GET, "/api/v1/trees", hy_api_list_trees, HY_ACCESS_PUBLIC, 0,
     "Published decision trees (editors: all=true lists drafts too)"},
    {HY_POST, "/api/v1/trees", hy_api_create_tree, HY_ACCESS_EDITOR, JSON,
     "Create a decision tree in one language (a draft)"},
    {HY_GET, "/api/v1/trees/{id}", hy_api_get_tree, HY_ACCESS_PUBLIC, 0,
     "One decision tree with its document"},
    {HY_PUT, "/api/v1/trees/{id}", hy_api_update_tree, HY_ACCESS_EDITOR, JSON,
     "Save a new version of a decision tree"},
    {HY_POST, "/api/v1/trees/{id}/publish", hy_api_publish_tree, HY_ACCESS_EDITOR, 0,
     "Publish one language of a decision tree"},
    {HY_POST, "/api/v1/trees/{id}/unpublish", hy_api_unpublish_tree, HY_ACCESS_EDITOR, 0,
     "Withdraw one language of a decision tree"},
    {HY_GET, "/api/v1/trees/{id}/revisions", hy_api_list_tree_revisions, HY_ACCESS_EDITOR, 0,
     "A decision tree's revisions"},
    {HY_GET, "/api/v1/trees/{id}/revisions/{version}", hy_api_get_tree_revision,
     HY_ACCESS_EDITOR, 0, "One revision of a decision tree, with its document"},
    {HY_POST, "/api/v1/trees/{id}/evaluate", hy_api_evaluate_tree, HY_ACCESS_PUBLIC, JSON,
     "The next question or the result for the answers so far"},
    {HY_GET, "/trees", hy_api_show_trees_page, HY_ACCESS_PUBLIC, 0,
     "The page of decision trees (server-rendered)"},
    {HY_GET, "/trees/{id}", hy_api_show_tree_page, HY_ACCESS_PUBLIC, 0,
     "A decision tree's first question (server-rendered)"},
    {HY_POST, "/trees/{id}", hy_api_walk_tree_page, HY_ACCESS_PUBLIC, HY_ROUTE_FORM,
     "The next question or the result, from a plain form post"},
    /* Official news and fact checks (library documents of those types) */
    {HY_GET, "/news", hy_api_show_news, HY_ACCESS_PUBLIC, 0,
     "Official news: the list page, with search and filters"},
    {HY_GET, "/news.atom", hy_api_get_news_atom, HY_ACCESS_PUBLIC, 0, "Atom feed of official news"},
    {HY_GET, "/news.json", hy_api_get_news_jsonfeed, HY_ACCESS_PUBLIC, 0,
     "JSON Feed 1.1 of official news"},
    {HY_GET, "/news/{id}.cap", hy_api_get_news_cap, HY_ACCESS_PUBLIC, 0, "An alert as CAP 1.2"},
    {HY_GET, "/news/{id}", hy_api_show_news_item, HY_ACCESS_PUBLIC, 0,
     "One news item's page (editors also see drafts: the preview)"},
    {HY_GET, "/api/v1/news/institutions", hy_api_list_institutions, HY_ACCESS_PUBLIC, 0,
     "The institutions that issue news"},
    {HY_PUT, "/api/v1/news/institutions/{slug}", hy_api_put_institution, HY_ACCESS_EDITOR, JSON,
     "Add or change an issuing institution"},
    {HY_GET, "/factchecks", hy_api_show_factchecks, HY_ACCESS_PUBLIC, 0,
     "Fact checks: the list page, with search and facets"},
    {HY_GET, "/factchecks.atom", hy_api_get_factchecks_atom, HY_ACCESS_PUBLIC, 0,
     "Atom feed of fact checks"},
    {HY_GET, "/factchecks/submit", hy_api_show_claim_form, HY_ACCESS_PUBLIC, 0,
     "The form to send a claim to be checked"},
    {HY_POST, "/api/v1/factchecks/claims", hy_api_submit_claim, HY_ACCESS_PUBLIC, FORM,
     "Send a claim to be checked (a near-duplicate is pointed out, not stored)"},
    {HY_GET, "/api/v1/factchecks/claims", hy_api_list_claims, HY_ACCESS_EDITOR, 0,
     "The claims sent to be checked, newest first"},
    {HY_GET, "/factchecks/{id}", hy_api_show_factcheck, HY_ACCESS_PUBLIC, 0,
     "One fact check's page, with ClaimReview JSON-LD"},
    /* FAQ assistant and search synonyms */
    {HY_GET, "/api/v1/faq/answers", hy_api_answer_question, HY_ACCESS_PUBLIC, 0,
     "The three FAQ documents that best answer a question"},
    {HY_POST, "/api/v1/faq/{id}/feedback", hy_api_send_answer_feedback, HY_ACCESS_PUBLIC, FORM,
     "Say whether an FAQ answer helped (counted per document, nothing personal kept)"},
    {HY_GET, "/faq/answers", hy_api_show_answers_page, HY_ACCESS_PUBLIC, 0,
     "The FAQ answers page (no JavaScript needed; schema.org FAQPage data)"},
    {HY_GET, "/api/v1/synonyms", hy_api_get_synonyms, HY_ACCESS_EDITOR, 0,
     "The search synonym list"},
    {HY_PUT, "/api/v1/synonyms", hy_api_save_synonyms, HY_ACCESS_EDITOR, JSON,
     "Replace the search synonym list"},
    /* Hospital-load forecast */
    {HY_GET, "/api/v1/forecast", hy_api_get_forecast, HY_ACCESS_PUBLIC, 0,
     "Hospital admissions and census forecast (CHIME's model)"},
    /* Open data: {id}.csv and {id}.json before {id} */
    {HY_GET, "/api/v1/datasets", hy_api_list_datasets, HY_ACCESS_PUBLIC, 0,
     "The open-data index"},
    {HY_POST, "/api/v1/datasets", hy_api_create_dataset, HY_ACCESS_EDITOR,
     HY_ROUTE_RAW | HY_ROUTE_UPLOAD, "Upload a CSV time series as a dataset's next version"},
    {HY_GET, "/api/v1/datasets/{id}.csv", hy_api_get_dataset_csv, HY_ACCESS_PUBLIC, 0,
     "A dataset's data as CSV (filter by area and period)"},
    {HY_GET, "/api/v1/datasets/{id}.json", hy_api_get_dataset_json, HY_ACCESS_PUBLIC, 0,
     "A dataset's data as JSON (filter by area and period)"},
    {HY_GET, "/api/v1/datasets/{id}", hy_api_get_dataset, HY_ACCESS_PUBLIC, 0,
     "A dataset's description, columns and versions"},
    {HY_GET, "/api/v1/datasets/{id}/data.csv", hy_api_get_dataset_csv, HY_ACCESS_PUBLIC, 0,
     "A dataset's data as CSV (the data package's resource)"},
    {HY_GET, "/api/v1/datasets/{id}/datapackage.json", hy_api_get_datapackage, HY_ACCESS_PUBLIC,
     0, "A Frictionless Data Package descriptor of the dataset"},
    {HY_GET, "/api/v1/datasets/{id}/daily", hy_api_get_dataset_daily, HY_ACCESS_PUBLIC, 0,
     "Daily sums and 7-day averages over the areas or one area"},
    {HY_GET, "/api/v1/datasets/{id}/areas", hy_api_get_dataset_areas, HY_ACCESS_PUBLIC, 0,
     "Totals and latest values per area over a period"},
};

const size_t hy_routes_count = sizeof hy_routes / sizeof hy_routes[0];

int hy_routes_print(FILE *out) {
    json_t *arr = json_array();
    if (!arr) return -1;
    for (size_t i = 0; i < hy_routes_count; i++) {
        const struct hy_route *rt = &hy_routes[i];
        const char *body = (rt->flags & HY_ROUTE_FORM)
                               ? ((rt->flags & HY_ROUTE_JSON) ? "json+form" : "form")
                           : (rt->flags & HY_ROUTE_JSON) ? "json"
                           : (rt->flags & HY_ROUTE_RAW)  ? "raw"
                                                         : "none";
        if (json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:s,s:s}", "method",
                                                 hy_method_name(rt->method), "path", rt->pattern,
                                                 "access", (int)rt->access, "body", body,
                                                 "summary", rt->summary ? rt->summary : "")) < 0) {
            json_decref(arr);
            return -1;
        }
    }
    char *text = json_dumps(arr, JSON_INDENT(2));
    json_decref(arr);
    if (!text) return -1;
    int r = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    free(text);
    return r;
}
