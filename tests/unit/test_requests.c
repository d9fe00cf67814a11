/* test_requests.c — the help-request rules (src/domain/requests.c) and message texts
 * (src/domain/messages.c).
 *
 * The transition matrix is checked exhaustively: every (from, to, actor) triple of the 8
 * statuses and 5 actors — 320 cases — against the table written out independently below, so
 * a change to the rules must change this file too. The plans of each step (what it writes
 * besides the request) are checked case by case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "domain/messages.h"
#include "domain/requests.h"

enum { R = HY_RQ_REQUESTER, V = HY_RQ_VOLUNTEER, A = HY_RQ_ASSIGNEE, C = HY_RQ_COORDINATOR, S = HY_RQ_SYSTEM };

/* The legal moves: "from>to" and the actors allowed, as a string of R V A C S. */
static const struct {
    const char *move, *who;
} legal[] = {
    {"new>open", "CS"},
    {"new>cancelled", "RC"},
    {"new>unable_to_help", "C"},
    {"open>claimed", "VC"},
    {"open>cancelled", "RC"},
    {"open>unable_to_help", "C"},
    {"claimed>open", "AC"},
    {"claimed>in_progress", "AC"},
    {"claimed>cancelled", "RC"},
    {"claimed>unable_to_help", "C"},
    {"in_progress>open", "AC"},
    {"in_progress>delivered", "AC"},
    {"in_progress>cancelled", "C"},
    {"in_progress>unable_to_help", "C"},
    {"delivered>closed", "CS"},
};

static const char actor_letter[] = {'R', 'V', 'A', 'C', 'S'};

static void test_transition_matrix(void **state) {
    (void)state;
    int ok = 0, forbidden = 0, illegal = 0;
    for (int f = 0; hy_rq_statuses[f]; f++)
        for (int t = 0; hy_rq_statuses[t]; t++) {
            char move[64];
            snprintf(move, sizeof move, "%s>%s", hy_rq_statuses[f], hy_rq_statuses[t]);
            const char *who = NULL;
            for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++)
                if (!strcmp(legal[i].move, move)) who = legal[i].who;
            for (int a = 0; a < HY_RQ__ACTORS; a++) {
                enum hy_rq_verdict want = !who ? HY_RQ_ILLEGAL
                                          : strchr(who, actor_letter[a]) ? HY_RQ_OK
                                                                         : HY_RQ_FORBIDDEN;
                enum hy_rq_verdict got =
                    hy_rq_transition(hy_rq_statuses[f], hy_rq_statuses[t], (enum hy_rq_actor)a);
                if (got != want) fail_msg("%s by %c: got %d, want %d", move, actor_letter[a], got, want);
                ok += got == HY_RQ_OK;
                forbidden += got == HY_RQ_FORBIDDEN;
                illegal += got == HY_RQ_ILLEGAL;
            }
        }
    assert_int_equal(ok + forbidden + illegal, 8 * 8 * 5);
    assert_int_equal(ok, 25);
}

static void test_final_states_are_final(void **state) {
    (void)state;
    const char *finals[] = {"closed", "cancelled", "unable_to_help"};
    for (int i = 0; i < 3; i++) {
        assert_true(hy_rq_status_final(finals[i]));
        for (int t = 0; hy_rq_statuses[t]; t++)
            for (int a = 0; a < HY_RQ__ACTORS; a++)
                assert_int_equal(hy_rq_transition(finals[i], hy_rq_statuses[t], (enum hy_rq_actor)a),
                                 HY_RQ_ILLEGAL);
    }
    assert_false(hy_rq_status_final("delivered"));
    assert_false(hy_rq_status_final(NULL));
}

static void test_bad_input(void **state) {
    (void)state;
    assert_int_equal(hy_rq_transition(NULL, "open", HY_RQ_COORDINATOR), HY_RQ_ILLEGAL);
    assert_int_equal(hy_rq_transition("new", "bogus", HY_RQ_COORDINATOR), HY_RQ_ILLEGAL);
    assert_int_equal(hy_rq_transition("new", "open", (enum hy_rq_actor)99), HY_RQ_ILLEGAL);
    assert_false(hy_rq_status_valid("OPEN"));
    assert_true(hy_rq_status_valid("unable_to_help"));
}

static void test_contact_visibility(void **state) {
    (void)state;
    assert_true(hy_rq_may_see_contact(HY_RQ_COORDINATOR));
    assert_true(hy_rq_may_see_contact(HY_RQ_ASSIGNEE));
    assert_false(hy_rq_may_see_contact(HY_RQ_VOLUNTEER));
    assert_false(hy_rq_may_see_contact(HY_RQ_REQUESTER));
    assert_false(hy_rq_may_see_contact(HY_RQ_SYSTEM));
}

static void test_codes(void **state) {
    (void)state;
    char seen[200][HY_RQ_CODE_LEN + 1];
    for (int i = 0; i < 200; i++) {
        hy_rq_code_new(seen[i]);
        assert_int_equal(strlen(seen[i]), HY_RQ_CODE_LEN);
        for (int k = 0; k < HY_RQ_CODE_LEN; k++) {
            assert_non_null(strchr(HY_RQ_CODE_ALPHABET, seen[i][k]));
            assert_null(strchr("0O1IL", seen[i][k]));
        }
        for (int j = 0; j < i; j++) assert_string_not_equal(seen[i], seen[j]);
        char back[HY_RQ_CODE_LEN + 1];
        assert_true(hy_rq_code_normalise(seen[i], back));
        assert_string_equal(back, seen[i]);
    }
    char out[HY_RQ_CODE_LEN + 1];
    assert_true(hy_rq_code_normalise("ab2c-d3ef", out));
    assert_string_equal(out, "AB2CD3EF");
    assert_true(hy_rq_code_normalise(" 23 45 67 89 ", out));
    assert_string_equal(out, "23456789");
    assert_false(hy_rq_code_normalise("AB2CD3E", out));    /* short */
    assert_false(hy_rq_code_normalise("AB2CD3EFG", out));  /* long */
    assert_false(hy_rq_code_normalise("AB2CD3E0", out));   /* 0 is not in the alphabet */
    assert_false(hy_rq_code_normalise("AB2CD3EO", out));   /* nor O, I, L, 1 */
    assert_false(hy_rq_code_normalise("AB2CD3E\xd9", out));
    assert_false(hy_rq_code_normalise(NULL, out));
}

static void test_match_score(void **state) {
    (void)state;
    /* Nearer is better; outside one's radius, no shared language and load push down. */
    assert_true(hy_rq_match_score(1, 5, true, true, 0) < hy_rq_match_score(2, 5, true, true, 0));
    assert_true(hy_rq_match_score(6, 5, true, true, 0) > hy_rq_match_score(5, 5, true, true, 0) + 10);
    assert_true(hy_rq_match_score(1, 5, false, true, 0) > hy_rq_match_score(4, 5, true, true, 0));
    assert_true(hy_rq_match_score(1, 5, true, true, 2) > hy_rq_match_score(3, 5, true, true, 0));
    assert_true(hy_rq_match_score(1, 5, true, false, 0) > hy_rq_match_score(1, 5, true, true, 0));
}

static void test_messages(void **state) {
    (void)state;
    json_t *p = json_pack("{s:s,s:i}", "code", "AB2CD3EF", "count", 12);
    char *en = hy_message_render("request_received", "en", p);
    char *fa = hy_message_render("request_received", "fa", p);
    char *n = hy_message_render("nearby_requests", "fa", p);
    char *ne = hy_message_render("nearby_requests", "en", p);
    assert_non_null(en);
    assert_non_null(fa);
    assert_non_null(strstr(en, "AB2CD3EF"));
    assert_non_null(strstr(fa, "AB2CD3EF"));
    assert_null(strstr(en, "{"));
    assert_non_null(strstr(n, "\xdb\xb1\xdb\xb2")); /* ۱۲ */
    assert_non_null(strstr(ne, "12 new"));
    assert_null(hy_message_render("no_such_template", "en", p));
    char *other = hy_message_render("request_claimed", "de", NULL); /* falls back to Persian */
    assert_non_null(other);
    assert_true(hy_message_known("password_reset"));
    assert_false(hy_message_known(NULL));
    free(en);
    free(fa);
    free(n);
    free(ne);
    free(other);
    json_decref(p);
}

/* The plans: what each step writes besides the request (app/requests.c carries them out). */
static void test_plan_submit(void **state) {
    (void)state;
    struct hy_rq_plan p;
    hy_rq_plan_submit("new", "sms", &p);
    assert_null(p.to);
    assert_int_equal(p.nevents, 1);
    assert_string_equal(p.events[0].from, "");
    assert_string_equal(p.events[0].to, "new");
    assert_string_equal(p.events[0].reason, "sms");
    assert_string_equal(p.message, "request_received");
    assert_null(p.contact_view);
    assert_string_equal(p.audit, "request_created");
    assert_string_equal(p.audit_detail, "sms");
    hy_rq_plan_submit("open", "web", &p);
    assert_int_equal(p.nevents, 2);
    assert_string_equal(p.events[1].from, "new");
    assert_string_equal(p.events[1].to, "open");
    assert_string_equal(p.events[1].reason, "auto_open");
}

static void test_plan_cancel_and_claim(void **state) {
    (void)state;
    struct hy_rq_plan p;
    assert_int_equal(hy_rq_plan_cancel("claimed", &p), HY_RQ_ALLOWED);
    assert_string_equal(p.to, "cancelled");
    assert_null(p.assignee);
    assert_string_equal(p.message, "request_cancelled");
    assert_string_equal(p.audit, "request_cancelled");
    assert_int_equal(hy_rq_plan_cancel("in_progress", &p), HY_RQ_BAD_TRANSITION);
    assert_non_null(p.why);
    hy_rq_plan_claim(true, &p);
    assert_null(p.to); /* the store's claim sets the status and the holder itself */
    assert_int_equal(p.nevents, 1);
    assert_string_equal(p.events[0].to, "claimed");
    assert_string_equal(p.contact_view, "assignee");
    assert_string_equal(p.message, "request_claimed");
    /* A claim after a release: the requester was told already. */
    hy_rq_plan_claim(false, &p);
    assert_null(p.message);
    assert_string_equal(p.contact_view, "assignee");
    /* A lost claim: volunteers learn nothing of a request that is not open yet. */
    assert_int_equal(hy_rq_refuse_claim(NULL, HY_RQ_VOLUNTEER, &p), HY_RQ_NOT_FOUND);
    assert_int_equal(hy_rq_refuse_claim("new", HY_RQ_VOLUNTEER, &p), HY_RQ_NOT_FOUND);
    assert_int_equal(hy_rq_refuse_claim("new", HY_RQ_COORDINATOR, &p), HY_RQ_TAKEN);
    assert_int_equal(hy_rq_refuse_claim("claimed", HY_RQ_VOLUNTEER, &p), HY_RQ_TAKEN);
}

static void test_plan_move(void **state) {
    (void)state;
    struct hy_rq_plan p;
    assert_int_equal(hy_rq_plan_move("claimed", "in_progress", NULL, HY_RQ_VOLUNTEER, false, &p),
                     HY_RQ_NOT_FOUND);
    assert_int_equal(hy_rq_plan_move("open", "claimed", NULL, HY_RQ_REQUESTER, false, &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_move("new", "delivered", NULL, HY_RQ_COORDINATOR, false, &p),
                     HY_RQ_BAD_TRANSITION);
    assert_int_equal(hy_rq_plan_move("claimed", "in_progress", NULL, HY_RQ_ASSIGNEE, true, &p),
                     HY_RQ_NOT_PERMITTED); /* only coordinators place a request */
    /* Release: the holder is cleared and nobody is shown the contact. */
    assert_int_equal(hy_rq_plan_move("claimed", "open", "released", HY_RQ_ASSIGNEE, false, &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.assignee, "");
    assert_null(p.contact_view);
    assert_null(p.message);
    assert_string_equal(p.audit_detail, "claimed>open");
    assert_int_equal(hy_rq_plan_move("in_progress", "delivered", NULL, HY_RQ_ASSIGNEE, false, &p),
                     HY_RQ_ALLOWED);
    assert_null(p.assignee);
    assert_string_equal(p.message, "request_delivered");
    assert_string_equal(p.contact_view, "assignee");
    assert_string_equal(p.audit, "request_status");
    assert_string_equal(p.audit_detail, "in_progress>delivered");
    assert_int_equal(hy_rq_plan_move("open", "cancelled", "dup", HY_RQ_COORDINATOR, true, &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.message, "request_cancelled");
    assert_string_equal(p.audit, "request_cancelled");
    assert_string_equal(p.audit_detail, "coordinator"); /* the requester's says "requester" */
    assert_string_equal(p.contact_view, "coordinator");
    assert_string_equal(p.events[0].reason, "dup");
}

static void test_plan_assign_and_delivery(void **state) {
    (void)state;
    struct hy_rq_plan p;
    const char *v = "0123456789abcdef0123456789abcdef";
    assert_int_equal(hy_rq_plan_assign("open", HY_RQ_COORDINATOR, v, "volunteer", "approved", true, &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.to, "claimed");
    assert_string_equal(p.assignee, v);
    assert_string_equal(p.reason, "assigned");
    assert_string_equal(p.message, "request_claimed");
    assert_string_equal(p.audit_detail, v);
    /* Assigned again after a release: nothing new for the requester. */
    assert_int_equal(hy_rq_plan_assign("open", HY_RQ_COORDINATOR, v, "volunteer", "approved", false, &p),
                     HY_RQ_ALLOWED);
    assert_null(p.message);
    assert_int_equal(hy_rq_plan_assign("in_progress", HY_RQ_COORDINATOR, v, "coordinator",
                                       "approved", true, &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.to, "in_progress");
    assert_string_equal(p.reason, "reassigned");
    assert_null(p.message);
    assert_int_equal(
        hy_rq_plan_assign("delivered", HY_RQ_COORDINATOR, v, "volunteer", "approved", true, &p),
        HY_RQ_BAD_TRANSITION);
    assert_int_equal(hy_rq_plan_assign("open", HY_RQ_COORDINATOR, v, "volunteer", "pending", true, &p),
                     HY_RQ_NOT_VOLUNTEER);
    assert_int_equal(hy_rq_plan_assign("open", HY_RQ_COORDINATOR, v, "editor", "approved", true, &p),
                     HY_RQ_NOT_VOLUNTEER);
    assert_int_equal(hy_rq_plan_assign("open", HY_RQ_COORDINATOR, v, NULL, NULL, true, &p),
                     HY_RQ_NOT_VOLUNTEER);
    /* Straight from "new": the coordinator has spoken to the person. Nobody else may. */
    assert_int_equal(
        hy_rq_plan_assign("new", HY_RQ_COORDINATOR, v, "volunteer", "approved", true, &p),
        HY_RQ_ALLOWED);
    assert_string_equal(p.to, "claimed");
    assert_string_equal(p.reason, "assigned");
    assert_string_equal(p.message, "request_claimed");
    assert_int_equal(hy_rq_plan_assign("new", HY_RQ_ASSIGNEE, v, "volunteer", "approved", true, &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_assign("new", HY_RQ_VOLUNTEER, v, "volunteer", "approved", true, &p),
                     HY_RQ_NOT_FOUND);

    /* Placing a request: coordinators, any status before delivery, no status change. */
    static const char *const active[] = {"new", "open", "claimed", "in_progress", NULL};
    static const char *const finished[] = {"delivered", "closed", "cancelled", "unable_to_help",
                                           NULL};
    for (const char *const *st = active; *st; st++) {
        assert_int_equal(hy_rq_plan_area(*st, HY_RQ_COORDINATOR, &p), HY_RQ_ALLOWED);
        assert_null(p.to);
        assert_int_equal(p.nevents, 0);
        assert_string_equal(p.audit, "request_area_set");
    }
    for (const char *const *st = finished; *st; st++)
        assert_int_equal(hy_rq_plan_area(*st, HY_RQ_COORDINATOR, &p), HY_RQ_BAD_TRANSITION);
    assert_int_equal(hy_rq_plan_area("claimed", HY_RQ_ASSIGNEE, &p), HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_area("open", HY_RQ_VOLUNTEER, &p), HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_area("new", HY_RQ_VOLUNTEER, &p), HY_RQ_NOT_FOUND);

    assert_int_equal(hy_rq_plan_delivery("in_progress", HY_RQ_VOLUNTEER, false, false, NULL, &p),
                     HY_RQ_NOT_FOUND);
    assert_int_equal(hy_rq_plan_delivery("in_progress", HY_RQ_ASSIGNEE, false, true, "paid", &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_delivery("open", HY_RQ_COORDINATOR, false, true, "paid", &p),
                     HY_RQ_BAD_TRANSITION);
    assert_int_equal(hy_rq_plan_delivery("delivered", HY_RQ_ASSIGNEE, false, true, "pending", &p),
                     HY_RQ_ALLOWED);
    assert_null(p.to);
    assert_string_equal(p.audit, "request_delivery");
    assert_string_equal(p.audit_detail, "pending");
    /* Closed: frozen for the volunteer, checklist included; paid: the money is. */
    assert_int_equal(hy_rq_plan_delivery("closed", HY_RQ_ASSIGNEE, false, true, "pending", &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_delivery("closed", HY_RQ_ASSIGNEE, false, false, NULL, &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_delivery("delivered", HY_RQ_ASSIGNEE, true, true, NULL, &p),
                     HY_RQ_NOT_PERMITTED);
    assert_int_equal(hy_rq_plan_delivery("delivered", HY_RQ_ASSIGNEE, true, false, NULL, &p),
                     HY_RQ_ALLOWED);
    /* Coordinators correct, and it says so in the audit log. */
    assert_int_equal(hy_rq_plan_delivery("closed", HY_RQ_COORDINATOR, true, true, "pending", &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.audit, "request_delivery_corrected");
    assert_int_equal(hy_rq_plan_delivery("delivered", HY_RQ_COORDINATOR, false, true, "paid", &p),
                     HY_RQ_ALLOWED);
    assert_string_equal(p.audit, "request_delivery");
}

static void test_check_claim(void **state) {
    (void)state;
    struct hy_rq_plan p;
    struct hy_request r = {.has_area = true, .lat = 35.70, .lon = 51.40};
    struct hy_rq_claimer v = {.has_area = true, .lat = 35.70, .lon = 51.42, .radius_km = 5};
    const struct hy_rq_claim_limits lim = {.max_open = 3, .cycles_per_hour = 4};
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_ALLOWED); /* 1.8 km */
    v.radius_km = 1.5;
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_OUTSIDE_AREA);
    assert_non_null(p.why);
    v.radius_km = 5;
    r.lat = -34.6; /* another continent */
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_OUTSIDE_AREA);
    r.lat = 35.70;
    r.has_area = false; /* not placed yet: only a coordinator can give it out */
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_OUTSIDE_AREA);
    r.has_area = true;
    v.has_area = false;
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_NO_SERVICE_AREA);
    v.has_area = true;
    v.open_claims = 2;
    v.releases = 3;
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_ALLOWED);
    v.open_claims = 3;
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_TOO_MANY_OPEN);
    v.open_claims = 0;
    v.releases = 4;
    assert_int_equal(hy_rq_check_claim(&r, &v, &lim, &p), HY_RQ_TOO_MANY_CYCLES);
    /* No limits: the area still binds. */
    const struct hy_rq_claim_limits none = {0};
    v.open_claims = 100;
    v.releases = 100;
    assert_int_equal(hy_rq_check_claim(&r, &v, &none, &p), HY_RQ_ALLOWED);
    assert_int_equal(hy_rq_check_claim(&r, &v, NULL, &p), HY_RQ_ALLOWED);
}

static void test_actor_of(void **state) {
    (void)state;
    struct hy_principal who = {.signed_in = true, .role = "volunteer", .status = "approved"};
    memcpy(who.user_id, "0123456789abcdef0123456789abcdef", 33);
    assert_int_equal(hy_rq_actor_of(&who, ""), HY_RQ_VOLUNTEER);
    assert_int_equal(hy_rq_actor_of(&who, "0123456789abcdef0123456789abcdef"), HY_RQ_ASSIGNEE);
    who.role = "admin";
    assert_int_equal(hy_rq_actor_of(&who, ""), HY_RQ_COORDINATOR);
    assert_true(hy_rq_may_be_assigned("coordinator", "approved"));
    assert_false(hy_rq_may_be_assigned("volunteer", "suspended"));
}

int main(void) {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transition_matrix),
        cmocka_unit_test(test_final_states_are_final),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_contact_visibility),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_match_score),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_plan_submit),
        cmocka_unit_test(test_plan_cancel_and_claim),
        cmocka_unit_test(test_plan_move),
        cmocka_unit_test(test_plan_assign_and_delivery),
        cmocka_unit_test(test_check_claim),
        cmocka_unit_test(test_actor_of),
    };
    return cmocka_run_group_tests_name("requests", tests, NULL, NULL);
}
