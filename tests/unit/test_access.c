/* test_access.c — the access-control matrix (hy_access_decide in src/domain/access.c).
 *
 * Every rule × every caller: anonymous, and each role (volunteer, coordinator, editor, admin,
 * plus an unknown role) in each status (pending, approved, suspended). The expected answer is
 * written out as a table from the rules' documentation in access.h, not derived from the code:
 *   PUBLIC       anyone
 *   SIGNED_IN    any account that may sign in (pending volunteers included; not suspended)
 *   VOLUNTEER    approved volunteers, coordinators and admins
 *   COORDINATOR  coordinators and admins
 *   EDITOR       editors and admins
 *   ADMIN        admins
 * Anonymous callers get 401 for every non-public rule; signed-in callers who may not, 403. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/access.h"
#include "api/routes.h"
#include "http/router.h"

enum { ANON, VOL, COORD, EDITOR, ADMIN, ODD, NCALLER }; /* ODD: an unknown role */
static const char *const role_name[NCALLER] = {NULL, "volunteer", "coordinator", "editor",
                                               "admin", "superuser"};
enum { PENDING, APPROVED, SUSPENDED, NSTATUS };
static const char *const status_name[NSTATUS] = {"pending", "approved", "suspended"};

/* Allowed (0) or not, for a signed-in caller who is not suspended, per rule and role; status
 * "pending" only matters for volunteers (handled below). Columns: rule order in access.h. */
static const int allowed[NCALLER][HY_ACCESS__COUNT] = {
    /*           PUBLIC SIGNED_IN VOLUNTEER COORDINATOR EDITOR ADMIN */
    [VOL] = {1, 1, 1, 0, 0, 0},
    [COORD] = {1, 1, 1, 1, 0, 0},
    [EDITOR] = {1, 1, 0, 0, 1, 0},
    [ADMIN] = {1, 1, 1, 1, 1, 1},
    [ODD] = {1, 1, 0, 0, 0, 0},
};

static int expected(enum hy_access rule, int caller, int status) {
    if (rule == HY_ACCESS_PUBLIC) return 0;
    if (caller == ANON) return 401;
    if (status == SUSPENDED) return 403;
    if (caller == VOL && status == PENDING) return rule == HY_ACCESS_SIGNED_IN ? 0 : 403;
    return allowed[caller][rule] ? 0 : 403;
}

static struct hy_principal make(int caller, int status) {
    struct hy_principal p;
    memset(&p, 0, sizeof p);
    if (caller != ANON) {
        p.signed_in = true;
        memcpy(p.user_id, "0123456789abcdef0123456789abcdef", sizeof p.user_id);
        p.role = role_name[caller];
        p.status = status_name[status];
        p.name = "Test";
    }
    return p;
}

static void test_full_matrix(void **state) {
    (void)state;
    int checked = 0;
    for (int rule = 0; rule < HY_ACCESS__COUNT; rule++)
        for (int caller = 0; caller < NCALLER; caller++)
            for (int status = 0; status < NSTATUS; status++) {
                struct hy_principal p = make(caller, status);
                int want = expected((enum hy_access)rule, caller, status);
                int got = hy_access_decide((enum hy_access)rule, &p);
                if (got != want)
                    fail_msg("rule %s, %s/%s: %d, expected %d", hy_access_name((enum hy_access)rule),
                             caller == ANON ? "anonymous" : role_name[caller], status_name[status],
                             got, want);
                checked++;
            }
    assert_int_equal(checked, HY_ACCESS__COUNT * NCALLER * NSTATUS);
}

static void test_anonymous(void **state) {
    (void)state;
    /* No principal at all, and one that is not signed in even with a role filled in. */
    struct hy_principal ghost;
    memset(&ghost, 0, sizeof ghost);
    ghost.role = "admin";
    ghost.status = "approved";
    for (int rule = 0; rule < HY_ACCESS__COUNT; rule++) {
        int want = rule == HY_ACCESS_PUBLIC ? 0 : 401;
        assert_int_equal(hy_access_decide((enum hy_access)rule, NULL), want);
        assert_int_equal(hy_access_decide((enum hy_access)rule, &ghost), want);
    }
}

static void test_spot_checks(void **state) {
    (void)state;
    /* The same facts as the matrix, spelled out for the reader. */
    struct hy_principal pv = make(VOL, PENDING), av = make(VOL, APPROVED);
    struct hy_principal sa = make(ADMIN, SUSPENDED), aa = make(ADMIN, APPROVED);
    struct hy_principal ed = make(EDITOR, APPROVED), co = make(COORD, APPROVED);
    assert_int_equal(hy_access_decide(HY_ACCESS_SIGNED_IN, &pv), 0);
    assert_int_equal(hy_access_decide(HY_ACCESS_VOLUNTEER, &pv), 403);
    assert_int_equal(hy_access_decide(HY_ACCESS_VOLUNTEER, &av), 0);
    assert_int_equal(hy_access_decide(HY_ACCESS_COORDINATOR, &av), 403);
    assert_int_equal(hy_access_decide(HY_ACCESS_ADMIN, &sa), 403); /* even a suspended admin */
    assert_int_equal(hy_access_decide(HY_ACCESS_SIGNED_IN, &sa), 403);
    assert_int_equal(hy_access_decide(HY_ACCESS_PUBLIC, &sa), 0);
    assert_int_equal(hy_access_decide(HY_ACCESS_ADMIN, &aa), 0);
    assert_int_equal(hy_access_decide(HY_ACCESS_EDITOR, &ed), 0);
    assert_int_equal(hy_access_decide(HY_ACCESS_VOLUNTEER, &ed), 403);
    assert_int_equal(hy_access_decide(HY_ACCESS_EDITOR, &co), 403);
    assert_int_equal(hy_access_decide(HY_ACCESS_VOLUNTEER, &co), 0);
}

static void test_odd_principals(void **state) {
    (void)state;
    /* A signed-in caller with no role: signed in, nothing more. */
    struct hy_principal p = make(VOL, APPROVED);
    p.role = NULL;
    assert_int_equal(hy_access_decide(HY_ACCESS_SIGNED_IN, &p), 0);
    for (int rule = HY_ACCESS_VOLUNTEER; rule < HY_ACCESS__COUNT; rule++)
        assert_int_equal(hy_access_decide((enum hy_access)rule, &p), 403);
    /* Roles compare exactly: "Admin" and "admin " are not admin. */
    p = make(ADMIN, APPROVED);
    p.role = "Admin";
    assert_int_equal(hy_access_decide(HY_ACCESS_ADMIN, &p), 403);
    p.role = "admin ";
    assert_int_equal(hy_access_decide(HY_ACCESS_ADMIN, &p), 403);
    /* "Suspended" only in its exact spelling; an unknown status of a volunteer is not approved. */
    p = make(VOL, APPROVED);
    p.status = "banned";
    assert_int_equal(hy_access_decide(HY_ACCESS_VOLUNTEER, &p), 403);
    /* A rule past the table's end is refused, never allowed. */
    p = make(ADMIN, APPROVED);
    assert_int_equal(hy_access_decide(HY_ACCESS__COUNT, &p) != 0, 1);
    assert_int_equal(hy_access_decide(HY_ACCESS__COUNT, NULL), 401);
}

static void test_names_and_roles(void **state) {
    (void)state;
    for (int a = 0; a < HY_ACCESS__COUNT; a++) {
        const char *n = hy_access_name((enum hy_access)a);
        assert_non_null(n);
        assert_string_not_equal(n, "?");
        for (int b = 0; b < a; b++) assert_string_not_equal(n, hy_access_name((enum hy_access)b));
    }
    assert_string_equal(hy_access_name(HY_ACCESS__COUNT), "?");
    assert_true(hy_role_valid("volunteer"));
    assert_true(hy_role_valid("coordinator"));
    assert_true(hy_role_valid("editor"));
    assert_true(hy_role_valid("admin"));
    assert_false(hy_role_valid("superuser"));
    assert_false(hy_role_valid("Admin"));
    assert_false(hy_role_valid(""));
    assert_false(hy_role_valid(NULL));
    struct hy_principal p = make(COORD, APPROVED);
    assert_true(hy_is_role(&p, "coordinator"));
    assert_false(hy_is_role(&p, "admin"));
    assert_false(hy_is_role(NULL, "admin"));
    p.signed_in = false;
    assert_false(hy_is_role(&p, "coordinator"));
}

/* Every route in the table names a real rule, and anonymous callers reach exactly the public
 * ones: the matrix applied to the server's own table. */
static void test_route_table_rules(void **state) {
    (void)state;
    assert_true(hy_routes_count > 0);
    for (size_t i = 0; i < hy_routes_count; i++) {
        const struct hy_route *r = &hy_routes[i];
        if ((unsigned)r->access >= HY_ACCESS__COUNT)
            fail_msg("%s %s: access %d", hy_method_name(r->method), r->pattern, r->access);
        int anon = hy_access_decide(r->access, NULL);
        assert_int_equal(anon, r->access == HY_ACCESS_PUBLIC ? 0 : 401);
        struct hy_principal admin = make(ADMIN, APPROVED);
        assert_int_equal(hy_access_decide(r->access, &admin), 0);
        struct hy_principal gone = make(ADMIN, SUSPENDED);
        assert_int_equal(hy_access_decide(r->access, &gone), r->access == HY_ACCESS_PUBLIC ? 0 : 403);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_matrix),
        cmocka_unit_test(test_anonymous),
        cmocka_unit_test(test_spot_checks),
        cmocka_unit_test(test_odd_principals),
        cmocka_unit_test(test_names_and_roles),
        cmocka_unit_test(test_route_table_rules),
    };
    return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
