/* test_tree.c — decision trees (src/domain/tree.c): the sample trees of src/cli/trees/, every
 * path of them against the outcome their intent calls for, each validation problem, answers
 * and their errors, back, dates as typed in Iran, limits and out-of-memory paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/text.h"
#include "domain/tree.h"

#ifndef HY_SOURCE_DIR
#error "HY_SOURCE_DIR (the repository) is set by tests/CMakeLists.txt"
#endif

#define TODAY_Y 2026
#define TODAY_M 12
#define TODAY_D 6
static int32_t today(void) { return hy_tree_day(TODAY_Y, TODAY_M, TODAY_D); }

/* ask(t, arena, answers, node, npath): the answers lead to `node` after npath answers (or any
 * number of them with ANY_PATH); the answers are not changed. */
#define ANY_PATH ((size_t)-1)
static void ask(const struct hy_tree *t, hy_arena *a, const char *answers, const char *node,
                size_t npath);

/* ------------------------------------------------------------------------ helpers */

static char *read_file(const char *rel, size_t *ret_n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", HY_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *grown = realloc(buf, cap + 1);
            if (!grown) fail_msg("out of memory reading %s", path);
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (!got) break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    *ret_n = n;
    return buf;
}

/* The files listed in src/cli/trees/seed.list (NULL-terminated; free each and the array). */
static char **seed_files(void) {
    size_t n;
    char *list = read_file("src/cli/trees/seed.list", &n);
    char **files = calloc(32, sizeof *files);
    size_t k = 0;
    for (char *line = list, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        line += strspn(line, " \t");
        if (!*line || *line == '#') continue;
        assert_true(k < 31);
        files[k] = malloc(strlen(line) + 32);
        snprintf(files[k++], strlen(line) + 32, "src/cli/trees/%s", line);
    }
    free(list);
    return files;
}

static struct hy_tree *load(hy_arena *a, const char *rel) {
    size_t n;
    char *json = read_file(rel, &n);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    int r = hy_tree_parse(a, json, n, &t, &p);
    for (size_t i = 0; i < p.count; i++)
        print_message("%s: %s %s %s: %s\n", rel, p.items[i].code,
                      p.items[i].node ? p.items[i].node : "-",
                      p.items[i].field ? p.items[i].field : "-", p.items[i].message);
    free(json);
    assert_int_equal(r, 0);
    return t;
}

static void free_files(char **files) {
    for (size_t i = 0; files[i]; i++) free(files[i]);
    free(files);
}

/* ------------------------------------------------------------ the sample trees */

static void test_samples_valid(void **state) {
    (void)state;
    char **files = seed_files();
    hy_arena *a = hy_arena_new(0);
    size_t k = 0;
    bool fa = false, en = false;
    const struct hy_tree *first = NULL;
    for (; files[k]; k++) {
        const struct hy_tree *t = load(a, files[k]);
        fa |= !strcmp(t->language, "fa");
        en |= !strcmp(t->language, "en");
        /* It says plainly that it is not medical advice: in the introduction and in every
         * result. */
        const char *plain = !strcmp(t->language, "fa") ? "توصیهٔ پزشکی نیست" : "not medical advice";
        assert_non_null(t->intro);
        assert_non_null(strstr(t->intro, plain));
        for (size_t i = 0; i < t->nnodes; i++)
            if (hy_tree_type_is_result(t->nodes[i].type))
                assert_non_null(strstr(t->nodes[i].text, plain));
        /* Each language has the same questions, options and ids, so one table of intent
         * covers both. */
        if (!first) {
            first = t;
            continue;
        }
        assert_string_equal(t->id, first->id);
        assert_int_equal(t->nnodes, first->nnodes);
        assert_int_equal(t->start, first->start);
        for (size_t i = 0; i < t->nnodes; i++) {
            const struct hy_tree_node *x = &t->nodes[i], *y = &first->nodes[i];
            assert_string_equal(x->id, y->id);
            assert_int_equal(hy_tree_type_is_result(x->type), hy_tree_type_is_result(y->type));
            if (hy_tree_type_is_result(x->type)) continue;
            assert_int_equal(x->type, y->type);
            assert_int_equal(x->noptions, y->noptions);
            for (size_t j = 0; j < x->noptions; j++) {
                assert_string_equal(x->options[j].value, y->options[j].value);
                assert_int_equal(x->options[j].next, y->options[j].next);
            }
            assert_int_equal(x->nrules, y->nrules);
            assert_int_equal(x->next, y->next);
        }
    }
    assert_true(k >= 2);
    assert_true(fa && en);
    /* The emergency numbers: 115 in the Persian tree (Iran), 112 in the English one. */
    for (size_t i = 0; files[i]; i++) {
        const struct hy_tree *t = load(a, files[i]);
        int e = hy_tree_find(t, "emergency");
        assert_true(e >= 0);
        assert_int_equal(t->nodes[e].type, HY_TREE_CONTACT);
        assert_int_equal(t->nodes[e].severity, HY_TREE_EMERGENCY);
        assert_true(t->nodes[e].contact.always_open);
        assert_string_equal(t->nodes[e].contact.phone, !strcmp(t->language, "fa") ? "115" : "112");
        assert_int_equal(hy_tree_render(a, (struct hy_tree *)t), 0);
        assert_non_null(t->nodes[e].text_html);
    }
    hy_arena_free(a);
    free_files(files);
}

/* A walk over every path of a tree. Answers are offered the way people type them (the
 * Persian tree gets Persian digits and Solar Hijri dates); what was meant is kept beside
 * them, for the table of intent. */
struct fact {
    uint32_t mask; /* choices: the options chosen */
    double num;    /* number: the value; date: days before today */
};

struct walk {
    const struct hy_tree *t;
    hy_arena *a;
    bool persian;
    json_t *answers;
    struct fact facts[HY_TREE_NODES_MAX];
    bool answered[HY_TREE_NODES_MAX];
    int order[HY_TREE_NODES_MAX];
    size_t depth;
    size_t paths;
    size_t reached[HY_TREE_NODES_MAX];
};

static bool chose(const struct walk *w, const char *node, const char *value) {
    int k = hy_tree_find(w->t, node);
    assert_true(k >= 0);
    if (!w->answered[k]) return false;
    const struct hy_tree_node *n = &w->t->nodes[k];
    for (size_t j = 0; j < n->noptions; j++)
        if (!strcmp(n->options[j].value, value)) return (w->facts[k].mask >> j) & 1u;
    fail_msg("%s has no option %s", node, value);
    return false;
}

static double num(const struct walk *w, const char *node) {
    int k = hy_tree_find(w->t, node);
    assert_true(k >= 0 && w->answered[k]);
    return w->facts[k].num;
}

/* The outcome the sample self-check is meant to give, as docs/trees.md states it. */
static const char *intended(const struct walk *w) {
    /* 1. Any danger sign: call the emergency number. */
    if (!chose(w, "danger", "none")) return "emergency";
    /* 2. No symptoms: the kind of help asked for. */
    if (chose(w, "symptoms", "none")) {
        if (chose(w, "need", "supplies")) return "ask_help";
        if (chose(w, "need", "worried")) return "talk";
        if (chose(w, "need", "safety")) return "safety";
        return "info";
    }
    double age = num(w, "age"), days = num(w, "onset");
    bool illness = chose(w, "conditions", "yes");
    /* 3. Short of breath, a baby under one, or fever in someone older or ill: today. */
    if (chose(w, "symptoms", "breathless") || age < 1 ||
        (chose(w, "symptoms", "fever") && (age >= 65 || illness)))
        return "urgent";
    /* 4. Older, ill, or a week or more of symptoms: a doctor in the next days. */
    if (days >= 7 || age >= 65 || illness) return "routine";
    /* 5. Otherwise: care at home, for oneself or for the person looked after. */
    return chose(w, "who", "other") ? "care_home" : "self_care";
}

/* ASCII digits → Persian digits (U+06F0…). */
static void persian_digits(const char *in, char *out, size_t cap) {
    size_t k = 0;
    for (; *in && k + 3 < cap; in++) {
        if (*in >= '0' && *in <= '9') {
            k += hy_text_encode(0x06F0 + (uint32_t)(*in - '0'), out + k);
        } else {
            out[k++] = *in;
        }
    }
    out[k] = '\0';
}

/* The Solar Hijri date of a day, found by asking the parser (Persian digits, slashes). */
static json_t *solar_hijri(int32_t day) {
    for (int y = 1300; y <= 1499; y++) {
        char s[16];
        snprintf(s, sizeof s, "%d/01/01", y);
        int32_t first, next;
        assert_true(hy_tree_date_parse(s, strlen(s), &first));
        snprintf(s, sizeof s, "%d/01/01", y + 1);
        if (y < 1499) assert_true(hy_tree_date_parse(s, strlen(s), &next));
        else next = first + 366;
        if (day < first || day >= next) continue;
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                int32_t x;
                snprintf(s, sizeof s, "%d/%02d/%02d", y, m, d);
                if (hy_tree_date_parse(s, strlen(s), &x) && x == day) {
                    char fa[64];
                    persian_digits(s, fa, sizeof fa);
                    return json_string(fa);
                }
            }
    }
    fail_msg("no Solar Hijri date for day %d", day);
    return NULL;
}

/* Candidate answers for node k: every option or allowed set of options; for numbers and
 * dates the bounds and each threshold any rule compares them with, one below and one above. */
static void add_num(double *xs, size_t *n, double x, double lo, double hi) {
    if (x < lo || x > hi) return;
    for (size_t i = 0; i < *n; i++)
        if (xs[i] == x) return;
    xs[(*n)++] = x;
}

static void thresholds(const struct hy_tree_cond *c, int k, double *xs, size_t *n, double lo,
                       double hi) {
    for (size_t i = 0; i < c->nkids; i++) thresholds(&c->kids[i], k, xs, n, lo, hi);
    if (c->op > HY_TREE_OP_NOT && c->node == k)
        for (int d = -1; d <= 1; d++) add_num(xs, n, c->num + d, lo, hi);
}

static size_t number_candidates(const struct hy_tree *t, int k, double *xs, double lo, double hi) {
    size_t n = 0;
    add_num(xs, &n, lo, lo, hi);
    add_num(xs, &n, hi, lo, hi);
    for (size_t i = 0; i < t->nnodes; i++)
        for (size_t r = 0; r < t->nodes[i].nrules; r++)
            thresholds(&t->nodes[i].rules[r].cond, k, xs, &n, lo, hi);
    return n;
}

static void walk(struct walk *w);

static void answer(struct walk *w, int k, json_t *v, struct fact f) {
    const char *id = w->t->nodes[k].id;
    assert_int_equal(json_object_set_new(w->answers, id, v), 0);
    w->facts[k] = f;
    w->answered[k] = true;
    w->order[w->depth++] = k;
    walk(w);
    w->depth--;
    w->answered[k] = false;
    assert_int_equal(json_object_del(w->answers, id), 0);
}

static void walk(struct walk *w) {
    const struct hy_tree *t = w->t;
    struct hy_tree_step s;
    struct hy_tree_error e;
    int r = hy_tree_evaluate(t, w->answers, today(), w->a, &s, &e);
    if (r) fail_msg("evaluate: %s %s: %s", e.code, e.node ? e.node : "-", e.message);
    /* The path is exactly the questions answered, in order. */
    assert_int_equal(s.npath, w->depth);
    for (size_t i = 0; i < s.npath; i++) assert_int_equal(s.path[i].node, w->order[i]);
    const struct hy_tree_node *n = &t->nodes[s.node];
    if (s.done) {
        w->paths++;
        w->reached[s.node]++;
        const char *want = intended(w);
        if (strcmp(n->id, want)) {
            char *d = json_dumps(w->answers, JSON_SORT_KEYS);
            fail_msg("%s: %s led to %s, intended %s", t->language, d, n->id, want);
        }
        /* The canonical answers lead to the same result; back asks the last question again. */
        json_t *canon = hy_tree_answers_json(t, &s, s.npath);
        struct hy_tree_step s2;
        assert_int_equal(hy_tree_evaluate(t, canon, today(), w->a, &s2, &e), 0);
        assert_int_equal(s2.node, s.node);
        json_decref(canon);
        json_t *back;
        assert_int_equal(hy_tree_back(t, w->answers, today(), w->a, &back, &e), 0);
        assert_int_equal(json_object_size(back), s.npath - 1);
        assert_int_equal(hy_tree_evaluate(t, back, today(), w->a, &s2, &e), 0);
        assert_false(s2.done);
        assert_int_equal(s2.node, s.path[s.npath - 1].node);
        json_decref(back);
        /* Nothing of this walk's steps is used after here: start the arena afresh. */
        if (hy_arena_used(w->a) > ((size_t)4 << 20)) {
            hy_arena_free(w->a);
            w->a = hy_arena_new(0);
        }
        return;
    }
    int k = s.node;
    char buf[64];
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE:
        for (size_t j = 0; j < n->noptions; j++)
            answer(w, k, json_string(n->options[j].value), (struct fact){1u << j, 0});
        break;
    case HY_TREE_MULTIPLE_CHOICE:
        for (uint32_t m = 1; m < (1u << n->noptions); m++) {
            bool exclusive = false;
            for (size_t j = 0; j < n->noptions; j++)
                exclusive |= ((m >> j) & 1u) && n->options[j].exclusive;
            if (exclusive && (m & (m - 1))) continue; /* such an option goes alone */
            json_t *arr = json_array();
            for (size_t j = 0; j < n->noptions; j++)
                if ((m >> j) & 1u) json_array_append_new(arr, json_string(n->options[j].value));
            answer(w, k, arr, (struct fact){m, 0});
        }
        break;
    case HY_TREE_NUMBER: {
        double xs[256];
        size_t c = number_candidates(t, k, xs, n->min, n->max);
        for (size_t i = 0; i < c; i++) {
            json_t *v;
            if (w->persian) {
                snprintf(buf, sizeof buf, "%g", xs[i]);
                char fa[64];
                persian_digits(buf, fa, sizeof fa);
                v = json_string(fa);
            } else {
                v = json_integer((json_int_t)xs[i]);
            }
            answer(w, k, v, (struct fact){0, xs[i]});
        }
        break;
    }
    case HY_TREE_DATE: {
        /* Candidates in days before today: the bounds and each days_ago threshold ±1. */
        double lo = n->date_max.kind == HY_TREE_BOUND_TODAY ? -n->date_max.days : 0;
        double hi = n->date_min.kind == HY_TREE_BOUND_TODAY ? -n->date_min.days : 3650;
        double xs[256];
        size_t c = number_candidates(t, k, xs, lo, hi);
        for (size_t i = 0; i < c; i++) {
            int32_t day = today() - (int32_t)xs[i];
            json_t *v;
            if (w->persian) {
                v = solar_hijri(day);
            } else {
                int y, m, d;
                hy_tree_ymd(day, &y, &m, &d);
                snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
                v = json_string(buf);
            }
            answer(w, k, v, (struct fact){0, xs[i]});
        }
        break;
    }
    default: fail_msg("unexpected node type");
    }
}

static void walk_sample(const char *language) {
    char **files = seed_files();
    hy_arena *a = hy_arena_new(0);
    const struct hy_tree *t = NULL;
    for (size_t i = 0; files[i] && !t; i++) {
        const struct hy_tree *x = load(a, files[i]);
        if (!strcmp(x->language, language) && !strcmp(x->id, "epidemic-self-check")) t = x;
    }
    assert_non_null(t);
    struct walk *w = calloc(1, sizeof *w);
    w->t = t;
    w->persian = !strcmp(language, "fa");
    w->answers = json_object();
    /* Evaluation answers come from a second arena, emptied now and then. */
    w->a = hy_arena_new(0);
    walk(w);
    /* Every result of the tree is reached by some path. */
    for (size_t i = 0; i < t->nnodes; i++)
        if (hy_tree_type_is_result(t->nodes[i].type) && !w->reached[i])
            fail_msg("%s: no path reaches %s", language, t->nodes[i].id);
    print_message("%s: %zu paths walked\n", language, w->paths);
    assert_true(w->paths > 1000);
    json_decref(w->answers);
    hy_arena_free(w->a);
    free(w);
    hy_arena_free(a);
    free_files(files);
}

static void test_sample_paths_fa(void **state) {
    (void)state;
    walk_sample("fa");
}

static void test_sample_paths_en(void **state) {
    (void)state;
    walk_sample("en");
}

/* A few walks written out, as a reader would check them against the intent. */
static void test_sample_examples(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const struct hy_tree *fa = load(a, "src/cli/trees/self-check.fa.json");
    const struct hy_tree *en = load(a, "src/cli/trees/self-check.en.json");
    static const struct {
        const char *answers, *result;
    } cases[] = {
        {"{\"danger\":[\"chest\"]}", "emergency"},
        {"{\"danger\":[\"breathing\",\"confused\"]}", "emergency"},
        {"{\"danger\":[\"none\"],\"who\":\"other\",\"symptoms\":[\"none\"],\"need\":\"supplies\"}",
         "ask_help"},
        {"{\"danger\":[\"none\"],\"who\":\"self\",\"symptoms\":[\"none\"],\"need\":\"safety\"}",
         "safety"},
        /* a 72-year-old with fever, for two days */
        {"{\"danger\":[\"none\"],\"who\":\"other\",\"symptoms\":[\"fever\",\"cough\"],\"age\":72,"
         "\"conditions\":\"no\",\"onset\":\"2026-12-04\"}",
         "urgent"},
        /* a 30-year-old with a cough for ten days */
        {"{\"danger\":[\"none\"],\"who\":\"self\",\"symptoms\":[\"cough\"],\"age\":30,"
         "\"conditions\":\"no\",\"onset\":\"2026-11-26\"}",
         "routine"},
        /* a 30-year-old with fever and aches since yesterday, looked after at home */
        {"{\"danger\":[\"none\"],\"who\":\"other\",\"symptoms\":[\"fever\",\"aches\"],\"age\":30,"
         "\"conditions\":\"unsure\",\"onset\":\"2026-12-05\"}",
         "care_home"},
        {"{\"danger\":[\"none\"],\"who\":\"self\",\"symptoms\":[\"smell\"],\"age\":40,"
         "\"conditions\":\"no\",\"onset\":\"2026-12-06\"}",
         "self_care"},
        /* a baby with diarrhoea */
        {"{\"danger\":[\"none\"],\"who\":\"other\",\"symptoms\":[\"stomach\"],\"age\":0,"
         "\"conditions\":\"no\",\"onset\":\"2026-12-06\"}",
         "urgent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ask(fa, a, cases[i].answers, cases[i].result, ANY_PATH);
        ask(en, a, cases[i].answers, cases[i].result, ANY_PATH);
    }
    hy_arena_free(a);
}

/* ------------------------------------------------------------------- validation */

static const char *const base_tree =
    "{\"id\":\"t\",\"title\":\"T\",\"version\":1,\"reviewed_at\":\"2026-01-01\","
    "\"language\":\"en\",\"start\":\"q1\",\"nodes\":["
    "{\"id\":\"q1\",\"type\":\"single_choice\",\"text\":\"Q1?\",\"options\":["
    "{\"label\":\"A\",\"value\":\"a\",\"next\":\"q2\"},"
    "{\"label\":\"B\",\"value\":\"b\",\"next\":\"r1\"}]},"
    "{\"id\":\"q2\",\"type\":\"number\",\"text\":\"N?\",\"min\":0,\"max\":10,\"next\":\"q3\"},"
    "{\"id\":\"q3\",\"type\":\"multiple_choice\",\"text\":\"M?\",\"options\":["
    "{\"label\":\"X\",\"value\":\"x\"},{\"label\":\"Y\",\"value\":\"y\"},"
    "{\"label\":\"None\",\"value\":\"none\",\"exclusive\":true}],"
    "\"rules\":[{\"if\":{\"node\":\"q2\",\"gte\":5},\"next\":\"r2\"}],\"next\":\"r1\"},"
    "{\"id\":\"r1\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"R1\",\"text\":\"Done.\"},"
    "{\"id\":\"r2\",\"type\":\"contact\",\"severity\":\"emergency\",\"title\":\"R2\","
    "\"text\":\"Call.\",\"contact\":{\"name\":\"E\",\"phone\":\"112\",\"hours\":\"Always\","
    "\"open\":\"always\"}}]}";

static json_t *base(void) {
    json_error_t e;
    json_t *d = json_loads(base_tree, 0, &e);
    if (!d) fail_msg("base tree: %s", e.text);
    return d;
}

static json_t *node(json_t *doc, const char *id) {
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(doc, "nodes"), i, n) {
        if (!strcmp(json_string_value(json_object_get(n, "id")), id)) return n;
    }
    fail_msg("no node %s", id);
    return NULL;
}

static json_t *option(json_t *doc, const char *id, size_t j) {
    return json_array_get(json_object_get(node(doc, id), "options"), j);
}

/* Parses doc (as text, and decref's it) and returns the problems; the tree must be refused. */
static struct hy_tree_problems refused(hy_arena *a, json_t *doc) {
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    assert_int_equal(hy_tree_parse(a, text, strlen(text), &t, &p), -EINVAL);
    assert_null(t);
    assert_true(p.count > 0);
    free(text);
    return p;
}

static struct hy_tree *parse_ok(hy_arena *a, const char *text);

/* The document (decref'd here) must be accepted; returns the tree. */
static struct hy_tree *accepted(hy_arena *a, json_t *doc) {
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    struct hy_tree *t = parse_ok(a, text);
    free(text);
    return t;
}

static bool has(const struct hy_tree_problems *p, const char *code, const char *node,
                const char *field) {
    for (size_t i = 0; i < p->count; i++) {
        const struct hy_tree_problem *x = &p->items[i];
        if (strcmp(x->code, code)) continue;
        if (node ? !x->node || strcmp(x->node, node) : x->node != NULL) continue;
        if (field && (!x->field || strcmp(x->field, field))) continue;
        assert_non_null(x->message);
        assert_true(x->message[0] != '\0');
        return true;
    }
    return false;
}

static void dump(const struct hy_tree_problems *p) {
    for (size_t i = 0; i < p->count; i++)
        print_message("  %s %s %s: %s\n", p->items[i].code,
                      p->items[i].node ? p->items[i].node : "-",
                      p->items[i].field ? p->items[i].field : "-", p->items[i].message);
}

/* The tree must be refused with this problem (and, when `only`, no other). */
static void expect_problem(hy_arena *a, json_t *doc, const char *code, const char *node,
                           const char *field, bool only, int line) {
    struct hy_tree_problems p = refused(a, doc);
    if (has(&p, code, node, field) && (!only || p.count == 1)) return;
    dump(&p);
    fail_msg("line %d: expected %s%s at %s %s", line, only ? "only " : "", code,
             node ? node : "(tree)", field ? field : "");
}

#define EXPECT(doc, code, node, field) expect_problem(a, (doc), (code), (node), (field), false, __LINE__)
#define EXPECT_ONLY(doc, code, node, field) expect_problem(a, (doc), (code), (node), (field), true, __LINE__)

static void test_base_valid(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    assert_int_equal(hy_tree_parse(a, base_tree, strlen(base_tree), &t, &p), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(t->nnodes, 5);
    assert_int_equal(t->start, 0);
    assert_int_equal(hy_tree_find(t, "r2"), 4);
    assert_int_equal(hy_tree_find(t, "nope"), -1);
    assert_int_equal(t->version, 1);
    assert_int_equal(t->reviewed_day, hy_tree_day(2026, 1, 1));
    hy_arena_free(a);
}

static void test_problem_json(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const char *bad = "{}";
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    assert_int_equal(hy_tree_parse(a, bad, strlen(bad), &t, &p), -EINVAL);
    json_t *j = hy_tree_problems_json(&p);
    assert_int_equal(json_array_size(j), p.count);
    json_t *first = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "missing_field");
    assert_true(json_is_null(json_object_get(first, "node")));
    assert_non_null(json_string_value(json_object_get(first, "message")));
    json_decref(j);
    hy_arena_free(a);
}

static void test_bad_json_and_size(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    static const char *const bad[] = {"{", "[]", "\"tree\"", "{\"id\":\"a\",\"id\":\"b\"}", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(hy_tree_parse(a, bad[i], strlen(bad[i]), &t, &p), -EINVAL);
        assert_int_equal(p.count, 1);
        assert_string_equal(p.items[0].code, "bad_json");
        assert_null(p.items[0].node);
    }
    /* Invalid UTF-8 anywhere in the document. */
    const char *u = "{\"id\":\"t\xff\"}";
    assert_int_equal(hy_tree_parse(a, u, strlen(u), &t, &p), -EINVAL);
    assert_string_equal(p.items[0].code, "bad_utf8");
    /* Over the document cap, refused before parsing. */
    size_t n = HY_TREE_DOC_MAX + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    assert_int_equal(hy_tree_parse(a, big, n, &t, &p), -EINVAL);
    assert_string_equal(p.items[0].code, "too_large");
    free(big);
    hy_arena_free(a);
}

static void test_fields(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    json_t *d;

    d = base(); /* missing fields */
    json_object_del(node(d, "q2"), "text");
    EXPECT_ONLY(d, "missing_field", "q2", "text");
    d = base();
    json_object_del(node(d, "q2"), "next");
    EXPECT_ONLY(d, "missing_field", "q2", "next");
    d = base();
    json_object_del(d, "start");
    EXPECT_ONLY(d, "missing_field", NULL, "start");
    d = base();
    json_object_del(d, "version");
    EXPECT_ONLY(d, "missing_field", NULL, "version");
    d = base();
    json_object_del(json_object_get(node(d, "r2"), "contact"), "phone");
    EXPECT_ONLY(d, "missing_field", "r2", "contact.phone");
    d = base(); /* an option without next needs the node's default next */
    json_object_del(option(d, "q1", 1), "next");
    EXPECT_ONLY(d, "missing_field", "q1", "next");
    d = base();
    json_object_del(node(d, "r1"), "severity");
    EXPECT_ONLY(d, "missing_field", "r1", "severity");

    d = base(); /* unknown fields, and fields of another type of node */
    json_object_set_new(node(d, "q1"), "nxt", json_string("q2"));
    EXPECT_ONLY(d, "unknown_field", "q1", "nxt");
    d = base();
    json_object_set_new(node(d, "q2"), "options", json_array());
    EXPECT_ONLY(d, "unknown_field", "q2", "options");
    d = base();
    json_object_set_new(option(d, "q1", 0), "exclusive", json_true());
    EXPECT_ONLY(d, "unknown_field", "q1", "options[0].exclusive");
    d = base();
    json_object_set_new(node(d, "r1"), "next", json_string("q1"));
    EXPECT(d, "unknown_field", "r1", "next");
    d = base();
    json_object_set_new(d, "author", json_string("x"));
    EXPECT_ONLY(d, "unknown_field", NULL, "author");

    d = base(); /* wrong types */
    json_object_set_new(node(d, "q2"), "min", json_string("0"));
    EXPECT_ONLY(d, "wrong_type", "q2", "min");
    d = base();
    json_object_set_new(d, "version", json_string("1"));
    EXPECT_ONLY(d, "wrong_type", NULL, "version");
    d = base();
    json_object_set_new(option(d, "q1", 0), "label", json_integer(3));
    EXPECT_ONLY(d, "wrong_type", "q1", "options[0].label");
    d = base();
    json_object_set_new(node(d, "q3"), "rules", json_object());
    EXPECT_ONLY(d, "wrong_type", "q3", "rules");
    d = base();
    json_array_append_new(json_object_get(d, "nodes"), json_string("r3"));
    EXPECT_ONLY(d, "wrong_type", NULL, "nodes[5]");
    d = base();
    json_object_set_new(node(d, "q3"), "nodes", json_null());
    EXPECT_ONLY(d, "unknown_field", "q3", "nodes");

    d = base(); /* invalid values */
    json_object_set_new(node(d, "q2"), "type", json_string("slider"));
    EXPECT(d, "invalid_value", "q2", "type");
    d = base();
    json_object_set_new(node(d, "q2"), "min", json_integer(11));
    EXPECT_ONLY(d, "invalid_value", "q2", "max");
    d = base();
    json_object_set_new(node(d, "q2"), "max", json_real(2e9));
    EXPECT_ONLY(d, "invalid_value", "q2", "max");
    d = base();
    json_object_set_new(d, "reviewed_at", json_string("2026-02-30"));
    EXPECT_ONLY(d, "invalid_value", NULL, "reviewed_at");
    d = base();
    json_object_set_new(d, "version", json_integer(0));
    EXPECT_ONLY(d, "invalid_value", NULL, "version");
    d = base();
    json_object_set_new(d, "source_url", json_string("javascript:alert(1)"));
    EXPECT_ONLY(d, "invalid_value", NULL, "source_url");
    d = base();
    json_object_set_new(d, "language", json_string("farsi language"));
    EXPECT_ONLY(d, "invalid_value", NULL, "language");
    d = base();
    json_object_set_new(json_object_get(node(d, "r2"), "contact"), "phone",
                        json_string("call 112"));
    EXPECT_ONLY(d, "invalid_value", "r2", "contact.phone");
    d = base();
    json_object_set_new(json_object_get(node(d, "r2"), "contact"), "url",
                        json_string("//evil.example"));
    EXPECT_ONLY(d, "invalid_value", "r2", "contact.url");
    d = base();
    json_object_set_new(node(d, "r1"), "severity", json_string("mild"));
    EXPECT_ONLY(d, "invalid_value", "r1", "severity");
    d = base();
    json_object_set_new(option(d, "q1", 0), "value", json_string("a b"));
    EXPECT_ONLY(d, "invalid_value", "q1", "options[0].value");
    d = base();
    json_object_set_new(option(d, "q1", 0), "label", json_string(" \n "));
    EXPECT_ONLY(d, "invalid_value", "q1", "options[0].label");
    d = base(); /* a label is one line */
    json_object_set_new(option(d, "q1", 0), "label", json_string("A\nB"));
    EXPECT_ONLY(d, "invalid_value", "q1", "options[0].label");
    d = base();
    json_object_set_new(json_object_get(node(d, "r2"), "contact"), "open",
                        json_pack("[{s:[s], s:s, s:s}]", "days", "mon", "from", "20:00", "to",
                                  "08:00"));
    EXPECT_ONLY(d, "invalid_value", "r2", "contact.open[0].to");
    d = base();
    json_object_set_new(json_object_get(node(d, "r2"), "contact"), "open",
                        json_pack("[{s:[s,s], s:s, s:s}]", "days", "mon", "mon", "from", "08:00",
                                  "to", "10:00"));
    EXPECT_ONLY(d, "invalid_value", "r2", "contact.open[0].days");
    d = base(); /* a node without a usable id is named by its position */
    json_object_set_new(node(d, "r1"), "id", json_string("r 1"));
    {
        struct hy_tree_problems p = refused(a, d);
        assert_true(has(&p, "invalid_value", NULL, "nodes[3].id"));
    }
    hy_arena_free(a);
}

static void test_texts(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    json_t *d;
    /* Caps count characters, not bytes: 4000 Persian letters (8000 bytes) are fine. */
    char *fa = malloc(2 * (HY_TREE_TEXT_MAX + 1) + 1);
    for (size_t i = 0; i <= HY_TREE_TEXT_MAX; i++) memcpy(fa + 2 * i, "ب", 2);
    fa[2 * HY_TREE_TEXT_MAX] = '\0';
    d = base();
    json_object_set_new(node(d, "q2"), "text", json_string(fa));
    accepted(a, d);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    fa[2 * HY_TREE_TEXT_MAX] = fa[0];
    fa[2 * HY_TREE_TEXT_MAX + 1] = fa[1];
    fa[2 * HY_TREE_TEXT_MAX + 2] = '\0';
    d = base();
    json_object_set_new(node(d, "q2"), "text", json_string(fa));
    EXPECT_ONLY(d, "too_long", "q2", "text");
    free(fa);

    char label[HY_TREE_TITLE_MAX + 2];
    memset(label, 'x', sizeof label - 1);
    label[sizeof label - 1] = '\0';
    d = base();
    json_object_set_new(option(d, "q1", 1), "label", json_string(label));
    EXPECT_ONLY(d, "too_long", "q1", "options[1].label");
    char id[HY_TREE_ID_MAX + 2];
    memset(id, 'q', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    d = base();
    json_object_set_new(d, "id", json_string(id));
    EXPECT_ONLY(d, "too_long", NULL, "id");

    /* Control characters (JSON escapes) and invalid UTF-8 (a document jansson did not check)
     * are refused and named. */
    d = base();
    json_object_set_new(option(d, "q1", 0), "label", json_string("A\x01"));
    EXPECT_ONLY(d, "bad_utf8", "q1", "options[0].label");
    d = base();
    json_object_set_new(node(d, "r1"), "text", json_stringn_nocheck("ok \xc3\x28", 5));
    assert_int_equal(hy_tree_parse_json(a, d, &t, &p), -EINVAL);
    assert_int_equal(p.count, 1);
    assert_true(has(&p, "bad_utf8", "r1", "text"));
    json_decref(d);
    d = base();
    json_object_set_new(node(d, "r1"), "text", json_stringn("a\0b", 3));
    assert_int_equal(hy_tree_parse_json(a, d, &t, &p), -EINVAL);
    assert_true(has(&p, "bad_utf8", "r1", "text"));
    json_decref(d);
    hy_arena_free(a);
}

static json_t *result_node(const char *id) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "result", "severity", "info",
                     "title", "R", "text", "x");
}

/* A tree at every limit at once: 200 nodes, a choice of 32 options, 20 rules. The start "c"
 * offers n (a number with 20 rules to y0…y19) and x1…x31; n goes on through a chain of
 * one-option questions k0…k145 to "end". */
static json_t *tree_at_limits(void) {
    json_t *d = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:[]}", "id", "big", "title", "Big",
                          "version", 1, "reviewed_at", "2026-01-01", "language", "en", "start",
                          "c", "nodes");
    json_t *nodes = json_object_get(d, "nodes");
    json_t *opts = json_array(), *rules = json_array();
    char id[16], next[16];
    json_array_append_new(opts, json_pack("{s:s, s:s, s:s}", "label", "n", "value", "n", "next", "n"));
    for (int i = 1; i < HY_TREE_OPTIONS_MAX; i++) {
        snprintf(id, sizeof id, "x%d", i);
        json_array_append_new(opts, json_pack("{s:s, s:s, s:s}", "label", id, "value", id, "next", id));
    }
    json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:o}", "id", "c", "type",
                                           "single_choice", "text", "C", "options", opts));
    for (int i = 0; i < HY_TREE_RULES_MAX; i++) {
        snprintf(id, sizeof id, "y%d", i);
        json_array_append_new(rules, json_pack("{s:{s:s, s:i}, s:s}", "if", "node", "n", "eq", i,
                                               "next", id));
    }
    json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:s}", "id", "n",
                                           "type", "number", "text", "N", "min", 0, "max", 99,
                                           "rules", rules, "next", "k0"));
    for (int i = 1; i < HY_TREE_OPTIONS_MAX; i++) {
        snprintf(id, sizeof id, "x%d", i);
        json_array_append_new(nodes, result_node(id));
    }
    for (int i = 0; i < HY_TREE_RULES_MAX; i++) {
        snprintf(id, sizeof id, "y%d", i);
        json_array_append_new(nodes, result_node(id));
    }
    int chain = HY_TREE_NODES_MAX - (int)json_array_size(nodes) - 1;
    for (int i = 0; i < chain; i++) {
        snprintf(id, sizeof id, "k%d", i);
        if (i + 1 < chain)
            snprintf(next, sizeof next, "k%d", i + 1);
        else
            snprintf(next, sizeof next, "end");
        json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "id", id,
                                               "type", "single_choice", "text", "K", "options",
                                               "label", "on", "value", "on", "next", next));
    }
    json_array_append_new(nodes, result_node("end"));
    return d;
}

static void test_limits(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    struct hy_tree *t = accepted(a, tree_at_limits());
    json_t *d;
    assert_int_equal(t->nnodes, HY_TREE_NODES_MAX);
    assert_int_equal(t->nodes[0].noptions, HY_TREE_OPTIONS_MAX);
    assert_int_equal(t->nodes[1].nrules, HY_TREE_RULES_MAX);
    /* The longest walk: c, n and the whole chain. */
    json_t *ans = json_pack("{s:s, s:i}", "c", "n", "n", 50);
    for (int i = 0; i < HY_TREE_NODES_MAX; i++) {
        char id[16];
        snprintf(id, sizeof id, "k%d", i);
        if (hy_tree_find(t, id) >= 0) json_object_set_new(ans, id, json_string("on"));
    }
    struct hy_tree_step s;
    struct hy_tree_error e;
    assert_int_equal(hy_tree_evaluate(t, ans, today(), a, &s, &e), 0);
    assert_string_equal(t->nodes[s.node].id, "end");
    assert_int_equal(s.npath, json_object_size(ans));
    json_decref(ans);

    d = tree_at_limits(); /* 201 nodes */
    json_array_append_new(json_object_get(d, "nodes"), result_node("extra"));
    EXPECT_ONLY(d, "too_many", NULL, "nodes");

    d = tree_at_limits(); /* 33 options */
    json_array_append_new(json_object_get(json_array_get(json_object_get(d, "nodes"), 0), "options"),
                          json_pack("{s:s, s:s, s:s}", "label", "o", "value", "o", "next", "end"));
    EXPECT_ONLY(d, "too_many", "c", "options");

    d = tree_at_limits(); /* 21 rules */
    json_array_append_new(json_object_get(json_array_get(json_object_get(d, "nodes"), 1), "rules"),
                          json_pack("{s:{s:s, s:i}, s:s}", "if", "node", "n", "lt", 1, "next", "end"));
    EXPECT_ONLY(d, "too_many", "n", "rules");

    d = base(); /* conditions nested five deep (four are fine) */
    json_t *c = json_pack("{s:s, s:i}", "node", "q2", "gte", 5);
    for (int i = 0; i < HY_TREE_COND_DEPTH - 1; i++) c = json_pack("{s:o}", "not", c);
    json_object_set_new(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "if",
                        json_deep_copy(c));
    accepted(a, d);
    d = base();
    json_object_set_new(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "if",
                        json_pack("{s:o}", "not", c));
    EXPECT_ONLY(d, "too_many", "q3", "rules[0].if.not.not.not.not");

    /* 34 tests in one rule (two lists of 17). */
    json_t *l1 = json_array(), *l2 = json_array();
    for (int i = 0; i < 17; i++) {
        json_array_append_new(l1, json_pack("{s:s, s:i}", "node", "q2", "gte", i % 10));
        json_array_append_new(l2, json_pack("{s:s, s:i}", "node", "q2", "lte", i % 10));
    }
    d = base();
    json_object_set_new(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "if",
                        json_pack("{s:[{s:o}, {s:o}]}", "any", "all", l1, "all", l2));
    EXPECT_ONLY(d, "too_many", "q3", NULL);
    /* A list longer than the cap is refused as such. */
    json_t *l3 = json_array();
    for (int i = 0; i <= HY_TREE_COND_TESTS; i++)
        json_array_append_new(l3, json_pack("{s:s, s:i}", "node", "q2", "gte", i % 10));
    d = base();
    json_object_set_new(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "if",
                        json_pack("{s:o}", "all", l3));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.all");
    hy_arena_free(a);
}

static void test_graph(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    json_t *d;

    d = base(); /* duplicate ids */
    json_array_append_new(json_object_get(d, "nodes"), result_node("r1"));
    EXPECT_ONLY(d, "duplicate_id", "r1", "id");

    d = base(); /* start names no node */
    json_object_set_new(d, "start", json_string("q9"));
    EXPECT(d, "unknown_start", NULL, "start");

    d = base(); /* a dangling link */
    json_object_set_new(option(d, "q1", 0), "next", json_string("ghost"));
    EXPECT(d, "dangling_next", "q1", "options[0].next");
    d = base();
    json_object_set_new(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "next",
                        json_string("ghost"));
    EXPECT(d, "dangling_next", "q3", "rules[0].next");

    d = base(); /* an empty option list */
    json_object_set_new(node(d, "q3"), "options", json_array());
    EXPECT(d, "no_options", "q3", "options");

    d = base(); /* two options with one value */
    json_object_set_new(option(d, "q3", 1), "value", json_string("x"));
    EXPECT(d, "duplicate_value", "q3", "options[1].value");

    d = base(); /* a cycle q1 → q2 → q3 → q1 (with a way out) */
    json_object_set_new(node(d, "q3"), "next", json_string("q1"));
    {
        struct hy_tree_problems p = refused(a, d);
        assert_true(has(&p, "cycle", "q1", NULL));
        assert_false(has(&p, "dead_end", "q1", NULL)); /* q1 can still reach r1 */
        const struct hy_tree_problem *x = NULL;
        for (size_t i = 0; i < p.count; i++)
            if (!strcmp(p.items[i].code, "cycle")) x = &p.items[i];
        if (!x) fail_msg("no cycle reported");
        assert_int_equal(x->nnodes, 3);
        assert_string_equal(x->nodes[0], "q1");
        assert_string_equal(x->nodes[1], "q2");
        assert_string_equal(x->nodes[2], "q3");
        size_t n;
        const char **ids = hy_tree_problem_nodes(a, &p, &n);
        assert_int_equal(n, 3);
        assert_null(ids[3]);
    }
    d = base(); /* a node that leads to itself */
    json_object_set_new(node(d, "q2"), "next", json_string("q2"));
    EXPECT(d, "cycle", "q2", NULL);

    d = base(); /* a loop without a way out: q2 → q4 → q2 */
    json_object_set_new(node(d, "q2"), "next", json_string("q4"));
    json_array_append_new(json_object_get(d, "nodes"),
                          json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:s}", "id", "q4", "type",
                                    "single_choice", "text", "Q4?", "options", "label", "Again",
                                    "value", "again", "next", "q2"));
    {
        struct hy_tree_problems p = refused(a, d);
        assert_true(has(&p, "dead_end", "q2", NULL));
        assert_true(has(&p, "dead_end", "q4", NULL));
        assert_true(has(&p, "cycle", "q2", NULL));
        assert_true(has(&p, "unreachable", "q3", NULL));
        assert_false(has(&p, "dead_end", "q1", NULL)); /* q1 → r1 */
    }

    d = base(); /* a node nothing leads to */
    json_array_append_new(json_object_get(d, "nodes"), result_node("r3"));
    EXPECT_ONLY(d, "unreachable", "r3", NULL);
    hy_arena_free(a);
}

static void test_rules(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    json_t *d;
#define SET_IF(doc, cond)                                                                     \
    json_object_set_new(json_array_get(json_object_get(node((doc), "q3"), "rules"), 0), "if", \
                        (cond))

    d = base(); /* a rule testing a node the tree does not have */
    SET_IF(d, json_pack("{s:s, s:s}", "node", "ghost", "eq", "a"));
    EXPECT_ONLY(d, "rule_unknown_node", "q3", "rules[0].if.node");

    d = base(); /* q1 → r1 or q3 directly: q2 is no longer asked on every way to q3 */
    json_object_set_new(option(d, "q1", 1), "next", json_string("q3"));
    EXPECT_ONLY(d, "rule_not_earlier", "q3", "rules[0].if");

    d = base(); /* the same with the nodes listed backwards: the order does not matter */
    json_object_set_new(option(d, "q1", 1), "next", json_string("q3"));
    {
        json_t *nodes = json_object_get(d, "nodes"), *rev = json_array();
        for (size_t i = json_array_size(nodes); i-- > 0;)
            json_array_append(rev, json_array_get(nodes, i));
        json_object_set_new(d, "nodes", rev);
    }
    EXPECT_ONLY(d, "rule_not_earlier", "q3", "rules[0].if");

    d = base(); /* q2 testing q3, which comes after it */
    json_object_set_new(node(d, "q2"), "rules",
                        json_pack("[{s:{s:s, s:s}, s:s}]", "if", "node", "q3", "includes", "x",
                                  "next", "r1"));
    EXPECT_ONLY(d, "rule_not_earlier", "q2", "rules[0].if");

    d = base(); /* a node may test its own answer */
    json_object_set_new(node(d, "q2"), "rules",
                        json_pack("[{s:{s:s, s:i}, s:s}]", "if", "node", "q2", "lt", 2, "next",
                                  "r1"));
    accepted(a, d);

    /* Operators that do not fit the node, values it does not have. */
    d = base();
    SET_IF(d, json_pack("{s:s, s:s}", "node", "q2", "includes", "x"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.includes");
    d = base();
    SET_IF(d, json_pack("{s:s, s:s}", "node", "q1", "eq", "c"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.eq");
    d = base();
    SET_IF(d, json_pack("{s:s, s:i}", "node", "q1", "gte", 2));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.gte");
    d = base();
    SET_IF(d, json_pack("{s:s, s:s}", "node", "q2", "gte", "5"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.gte");
    d = base();
    SET_IF(d, json_pack("{s:s, s:[]}", "node", "q3", "includes_any"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.includes_any");
    d = base();
    SET_IF(d, json_pack("{s:s, s:i}", "node", "q3", "count_gte", 4));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.count_gte");
    d = base();
    SET_IF(d, json_pack("{s:s, s:s}", "node", "q2", "like", "5"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if");
    d = base();
    SET_IF(d, json_pack("{s:s, s:i, s:i}", "node", "q2", "gte", 5, "lte", 7));
    EXPECT_ONLY(d, "invalid_value", "q3", "rules[0].if");
    d = base();
    SET_IF(d, json_pack("{s:s}", "node", "q2"));
    EXPECT_ONLY(d, "missing_field", "q3", "rules[0].if");
    d = base();
    SET_IF(d, json_pack("{s:[], s:[]}", "all", "any"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if");
    d = base();
    SET_IF(d, json_pack("{s:s, s:s}", "node", "r1", "eq", "x"));
    EXPECT(d, "bad_rule", "q3", "rules[0].if.eq");
    d = base();
    SET_IF(d, json_pack("{s:[{s:s, s:s}]}", "any", "node", "q3", "includes", "zz"));
    EXPECT_ONLY(d, "bad_rule", "q3", "rules[0].if.any[0].includes");
    d = base();
    json_object_del(json_array_get(json_object_get(node(d, "q3"), "rules"), 0), "next");
    EXPECT_ONLY(d, "missing_field", "q3", "rules[0].next");
#undef SET_IF

    /* Every operator a tree may use, on a valid tree. */
    const char *ok =
        "{\"id\":\"ops\",\"title\":\"Ops\",\"version\":3,\"reviewed_at\":\"2025-03-20\","
        "\"language\":\"fa\",\"source_url\":\"https://example.org/a?b=c\",\"intro\":\"**i**\","
        "\"start\":\"s\",\"nodes\":["
        "{\"id\":\"s\",\"type\":\"single_choice\",\"text\":\"S\",\"help\":\"h\",\"options\":["
        "{\"label\":\"A\",\"value\":\"a\"},{\"label\":\"B\",\"value\":\"b\"},"
        "{\"label\":\"C\",\"value\":\"c\"}],\"next\":\"m\"},"
        "{\"id\":\"m\",\"type\":\"multiple_choice\",\"text\":\"M\",\"options\":["
        "{\"label\":\"X\",\"value\":\"x\"},{\"label\":\"Y\",\"value\":\"y\"},"
        "{\"label\":\"Z\",\"value\":\"z\",\"next\":\"rz\"}],\"next\":\"n\"},"
        "{\"id\":\"n\",\"type\":\"number\",\"text\":\"N\",\"min\":-5.5,\"max\":5.5,\"unit\":\"u\","
        "\"next\":\"d\"},"
        "{\"id\":\"d\",\"type\":\"date\",\"text\":\"D\",\"min\":\"2025-01-01\",\"max\":\"today+1\","
        "\"rules\":["
        "{\"if\":{\"node\":\"s\",\"in\":[\"b\",\"c\"]},\"next\":\"r1\"},"
        "{\"if\":{\"all\":[{\"node\":\"m\",\"includes_all\":[\"x\",\"y\"]},"
        "{\"not\":{\"node\":\"n\",\"gt\":0}}]},\"next\":\"r2\"},"
        "{\"if\":{\"node\":\"m\",\"count_gte\":2},\"next\":\"r3\"},"
        "{\"if\":{\"any\":[{\"node\":\"d\",\"lt\":\"2025-06-01\"},{\"node\":\"n\",\"eq\":1.5}]},"
        "\"next\":\"r4\"},"
        "{\"if\":{\"node\":\"d\",\"days_ago_lte\":-1},\"next\":\"r5\"},"
        "{\"if\":{\"node\":\"m\",\"includes_any\":[\"y\"]},\"next\":\"r6\"},"
        "{\"if\":{\"node\":\"m\",\"count_lte\":1},\"next\":\"r7\"}],"
        "\"next\":\"r1\"},"
        "{\"id\":\"r1\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"1\",\"text\":\"1\"},"
        "{\"id\":\"r2\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"2\",\"text\":\"2\"},"
        "{\"id\":\"r3\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"3\",\"text\":\"3\"},"
        "{\"id\":\"r4\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"4\",\"text\":\"4\"},"
        "{\"id\":\"r5\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"5\",\"text\":\"5\"},"
        "{\"id\":\"r6\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"6\",\"text\":\"6\"},"
        "{\"id\":\"r7\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"7\",\"text\":\"7\"},"
        "{\"id\":\"rz\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"z\",\"text\":\"z\"}]}";
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    int r = hy_tree_parse(a, ok, strlen(ok), &t, &p);
    if (r) dump(&p);
    assert_int_equal(r, 0);
    static const struct {
        const char *answers, *result;
    } cases[] = {
        {"{\"s\":\"b\"}", "m"},
        {"{\"s\":\"b\",\"m\":\"x\",\"n\":0,\"d\":\"2026-12-01\"}", "r1"},
        {"{\"s\":\"a\",\"m\":[\"x\",\"y\"],\"n\":-1,\"d\":\"2026-12-01\"}", "r2"},
        {"{\"s\":\"a\",\"m\":[\"x\",\"y\"],\"n\":1,\"d\":\"2026-12-01\"}", "r3"},
        {"{\"s\":\"a\",\"m\":[\"x\"],\"n\":1,\"d\":\"2025-05-31\"}", "r4"},
        {"{\"s\":\"a\",\"m\":[\"x\"],\"n\":1.5,\"d\":\"2026-12-01\"}", "r4"},
        {"{\"s\":\"a\",\"m\":[\"x\"],\"n\":1,\"d\":\"2026-12-07\"}", "r5"},
        {"{\"s\":\"a\",\"m\":[\"y\"],\"n\":1,\"d\":\"2026-12-06\"}", "r6"},
        {"{\"s\":\"a\",\"m\":[\"x\"],\"n\":1,\"d\":\"2026-12-06\"}", "r7"},
        {"{\"s\":\"a\",\"m\":[\"y\",\"z\"]}", "rz"}, /* the first chosen option with a next */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ask(t, a, cases[i].answers, cases[i].result, ANY_PATH);
    hy_arena_free(a);
}

static void test_many_problems(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    /* Several problems at once, each reported, with the nodes they concern. */
    json_t *d = base();
    json_object_set_new(option(d, "q1", 0), "next", json_string("ghost"));
    json_object_set_new(node(d, "q3"), "options", json_array());
    json_object_set_new(node(d, "r1"), "severity", json_string("mild"));
    struct hy_tree_problems p = refused(a, d);
    assert_true(has(&p, "dangling_next", "q1", NULL));
    assert_true(has(&p, "no_options", "q3", NULL));
    assert_true(has(&p, "invalid_value", "r1", "severity"));
    size_t n;
    const char **ids = hy_tree_problem_nodes(a, &p, &n);
    assert_true(n >= 3);
    bool q1 = false, q3 = false, r1 = false;
    for (size_t i = 0; i < n; i++) {
        q1 |= !strcmp(ids[i], "q1");
        q3 |= !strcmp(ids[i], "q3");
        r1 |= !strcmp(ids[i], "r1");
    }
    assert_true(q1 && q3 && r1);

    /* More than HY_TREE_PROBLEMS_MAX: the first ones are kept and the list says so. */
    d = base();
    for (int i = 0; i < 150; i++) {
        char id[16];
        snprintf(id, sizeof id, "bad%d", i);
        json_array_append_new(json_object_get(d, "nodes"),
                              json_pack("{s:s, s:s}", "id", id, "type", "slider"));
    }
    p = refused(a, d);
    assert_int_equal(p.count, HY_TREE_PROBLEMS_MAX);
    assert_true(p.truncated);
    hy_arena_free(a);
}

/* ------------------------------------------------------------------- evaluation */

static struct hy_tree *parse_ok(hy_arena *a, const char *text) {
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    int r = hy_tree_parse(a, text, strlen(text), &t, &p);
    if (r) dump(&p);
    assert_int_equal(r, 0);
    return t;
}

static int eval(const struct hy_tree *t, hy_arena *a, const char *answers,
                struct hy_tree_step *s, struct hy_tree_error *e) {
    json_t *ans = json_loads(answers, 0, NULL);
    if (!ans) fail_msg("bad test answers %s", answers);
    char *before = json_dumps(ans, JSON_SORT_KEYS);
    int r = hy_tree_evaluate(t, ans, today(), a, s, e);
    char *after = json_dumps(ans, JSON_SORT_KEYS);
    assert_string_equal(before, after); /* the answers are only read */
    free(before);
    free(after);
    json_decref(ans);
    return r;
}

static void ask(const struct hy_tree *t, hy_arena *a, const char *answers, const char *node,
                size_t npath) {
    struct hy_tree_step s;
    struct hy_tree_error e;
    int r = eval(t, a, answers, &s, &e);
    if (r) fail_msg("%s: %s %s", answers, e.code, e.message);
    if (strcmp(t->nodes[s.node].id, node))
        fail_msg("%s led to %s, expected %s", answers, t->nodes[s.node].id, node);
    if (npath != ANY_PATH) assert_int_equal(s.npath, npath);
    assert_int_equal(s.done, hy_tree_type_is_result(t->nodes[s.node].type));
}

static void refuse(const struct hy_tree *t, hy_arena *a, const char *answers, const char *code,
                   const char *node) {
    struct hy_tree_step s;
    struct hy_tree_error e;
    int r = eval(t, a, answers, &s, &e);
    if (r != -EINVAL) fail_msg("%s was accepted", answers);
    assert_string_equal(e.code, code);
    if (node)
        assert_string_equal(e.node, node);
    else
        assert_null(e.node);
    assert_non_null(e.message);
}

static void test_evaluate(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const struct hy_tree *t = parse_ok(a, base_tree);
    ask(t, a, "{}", "q1", 0);
    ask(t, a, "{\"q1\":\"b\"}", "r1", 1);
    ask(t, a, "{\"q1\":\"a\"}", "q2", 1);
    ask(t, a, "{\"q1\":\"a\",\"q2\":7}", "q3", 2);
    ask(t, a, "{\"q1\":\"a\",\"q2\":7,\"q3\":[\"x\"]}", "r2", 3);
    ask(t, a, "{\"q1\":\"a\",\"q2\":4.5,\"q3\":[\"x\",\"y\"]}", "r1", 3);
    ask(t, a, "{\"q1\":\"a\",\"q2\":\"۷\",\"q3\":\"none\"}", "r2", 3); /* Persian digits */
    ask(t, a, "{\"q1\":\"a\",\"q2\":\" ٤٫٥ \",\"q3\":[\"y\"]}", "r1", 3); /* Arabic 4.5 */
    ask(t, a, "{\"q1\":\"a\",\"q2\":\"10\",\"q3\":[\"y\"]}", "r2", 3);

    /* Invalid answers name the node. */
    refuse(t, a, "[]", "bad_answers", NULL);
    refuse(t, a, "{\"q1\":\"c\"}", "invalid_answer", "q1");
    refuse(t, a, "{\"q1\":[\"a\"]}", "invalid_answer", "q1");
    refuse(t, a, "{\"q1\":\"A\"}", "invalid_answer", "q1");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":11}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":-0.5}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":\"five\"}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":\"1e1\"}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":\"\"}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":\"5.\"}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":\"5 5\"}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":true}", "invalid_answer", "q2");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":1,\"q3\":[]}", "invalid_answer", "q3");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":1,\"q3\":[\"x\",\"x\"]}", "invalid_answer", "q3");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":1,\"q3\":[\"x\",\"none\"]}", "invalid_answer", "q3");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":1,\"q3\":[\"x\",3]}", "invalid_answer", "q3");
    refuse(t, a, "{\"q1\":\"a\",\"q2\":1,\"q3\":{}}", "invalid_answer", "q3");
    /* A NUL inside a string (jansson holds one when told to) is not the value before it. */
    {
        json_t *ans = json_pack("{s:s%, s:s%}", "q1", "a\0b", (size_t)3, "q2", "7\0", (size_t)2);
        struct hy_tree_step s;
        struct hy_tree_error e;
        assert_int_equal(hy_tree_evaluate(t, ans, today(), a, &s, &e), -EINVAL);
        assert_string_equal(e.node, "q1");
        json_object_set_new(ans, "q1", json_string("a"));
        assert_int_equal(hy_tree_evaluate(t, ans, today(), a, &s, &e), -EINVAL);
        assert_string_equal(e.node, "q2");
        json_decref(ans);
    }

    /* Answers off the path: another branch, a later question, a result, an unknown id. */
    refuse(t, a, "{\"q1\":\"b\",\"q2\":3}", "not_on_path", "q2");
    refuse(t, a, "{\"q3\":[\"x\"]}", "not_on_path", "q3");
    refuse(t, a, "{\"q1\":\"a\",\"q3\":[\"x\"]}", "not_on_path", "q3");
    refuse(t, a, "{\"r1\":\"x\"}", "not_on_path", "r1");
    refuse(t, a, "{\"q1\":\"b\",\"zzz\":1}", "not_on_path", "zzz");
    refuse(t, a, "{\"q1\":\"b\",\"a b\":1}", "not_on_path", NULL);
    /* An invalid answer on the path is reported before answers off it. */
    refuse(t, a, "{\"q1\":\"c\",\"zzz\":1}", "invalid_answer", "q1");

    /* Integers only, when the node says so. */
    const char *whole = "{\"id\":\"w\",\"title\":\"W\",\"version\":1,\"reviewed_at\":\"2026-01-01\","
                        "\"language\":\"en\",\"start\":\"n\",\"nodes\":["
                        "{\"id\":\"n\",\"type\":\"number\",\"text\":\"N\",\"min\":0,\"max\":120,"
                        "\"integer\":true,\"next\":\"r\"},"
                        "{\"id\":\"r\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"R\","
                        "\"text\":\"R\"}]}";
    const struct hy_tree *w = parse_ok(a, whole);
    ask(w, a, "{\"n\":120}", "r", 1);
    ask(w, a, "{\"n\":\"+3\"}", "r", 1);
    ask(w, a, "{\"n\":\"12.0\"}", "r", 1);
    refuse(w, a, "{\"n\":2.5}", "invalid_answer", "n");
    refuse(w, a, "{\"n\":\"-1\"}", "invalid_answer", "n");
    hy_arena_free(a);
}

/* hy_tree_sh_ymd() is the inverse of reading a Solar Hijri date, on every day of 1300–1499,
 * and refuses the days outside. */
static void test_solar_hijri_dates(void **state) {
    (void)state;
    int32_t first = hy_tree_day(1921, 3, 21), day = 0;
    int y, m, d, last_y = 1300, days = 0;
    assert_false(hy_tree_sh_ymd(first - 1, &y, &m, &d));
    for (int32_t k = first;; k++) {
        if (!hy_tree_sh_ymd(k, &y, &m, &d)) {
            assert_int_equal(last_y, 1499);
            break;
        }
        char s[32];
        snprintf(s, sizeof s, "%d/%d/%d", y, m, d);
        assert_true(hy_tree_date_parse(s, strlen(s), &day));
        assert_int_equal(day, k);
        last_y = y;
        days++;
    }
    assert_true(hy_tree_sh_ymd(hy_tree_day(2026, 12, 6), &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 14050915);
    assert_int_equal(days, 73049); /* 200 years of the 33-year cycle's average length */
}

static void test_dates(void **state) {
    (void)state;
    int32_t day;
    /* Gregorian and Solar Hijri, as people type them. */
    assert_true(hy_tree_date_parse("2025-03-20", 10, &day));
    assert_int_equal(day, hy_tree_day(2025, 3, 20));
    const char *s = "۱۴۰۳/۱۲/۳۰"; /* Esfand 30 of the leap year 1403 */
    assert_true(hy_tree_date_parse(s, strlen(s), &day));
    assert_int_equal(day, hy_tree_day(2025, 3, 20));
    s = "1404/1/1";
    assert_true(hy_tree_date_parse(s, strlen(s), &day));
    assert_int_equal(day, hy_tree_day(2025, 3, 21));
    s = "1300-01-01";
    assert_true(hy_tree_date_parse(s, strlen(s), &day));
    assert_int_equal(day, hy_tree_day(1921, 3, 21));
    s = "\xe2\x80\x8f ١٣٩٩/١٢/٣٠ "; /* RLM, Arabic-Indic digits, spaces: Esfand 30, 1399 */
    assert_true(hy_tree_date_parse(s, strlen(s), &day));
    assert_int_equal(day, hy_tree_day(2021, 3, 20));
    s = "1405/09/15";
    assert_true(hy_tree_date_parse(s, strlen(s), &day));
    assert_int_equal(day, hy_tree_day(2026, 12, 6));
    assert_true(hy_tree_date_parse("2024-02-29", 10, &day));
    static const char *const bad[] = {
        "1402/12/30", /* 1402 is not a leap year */
        "2025-02-29", "2025-13-01", "2025-00-10", "2025-01-32", "2025-01", "25-01-01",
        "1299/12/29", "1500/01/01", "1899-12-31", "2200-01-01", "2025-01-01x", "2025--01-01",
        "2025 -01-01", "", " ", "today", "2025-1-1-1", "1404/07/31", /* Mehr has 30 days */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hy_tree_date_parse(bad[i], strlen(bad[i]), &day)) fail_msg("accepted %s", bad[i]);
    /* Day numbers and back. */
    for (int32_t d = hy_tree_day(1900, 1, 1); d < hy_tree_day(2200, 1, 1); d += 37) {
        int y, m, dd;
        hy_tree_ymd(d, &y, &m, &dd);
        assert_int_equal(hy_tree_day(y, m, dd), d);
    }
    assert_int_equal(hy_tree_day(1970, 1, 1), 0);
    assert_int_equal(hy_tree_day(2000, 3, 1), 11017);

    /* Date questions: bounds relative to today and fixed ones. */
    hy_arena *a = hy_arena_new(0);
    const char *text = "{\"id\":\"d\",\"title\":\"D\",\"version\":1,\"reviewed_at\":\"2026-01-01\","
                       "\"language\":\"fa\",\"start\":\"d\",\"nodes\":["
                       "{\"id\":\"d\",\"type\":\"date\",\"text\":\"D\",\"min\":\"today-30\","
                       "\"max\":\"today\",\"next\":\"r\"},"
                       "{\"id\":\"r\",\"type\":\"result\",\"severity\":\"info\",\"title\":\"R\","
                       "\"text\":\"R\"}]}";
    const struct hy_tree *t = parse_ok(a, text);
    ask(t, a, "{\"d\":\"2026-12-06\"}", "r", 1);
    ask(t, a, "{\"d\":\"2026-11-06\"}", "r", 1);
    ask(t, a, "{\"d\":\"۱۴۰۵/۰۹/۰۱\"}", "r", 1);
    refuse(t, a, "{\"d\":\"2026-12-07\"}", "invalid_answer", "d"); /* tomorrow */
    refuse(t, a, "{\"d\":\"2026-11-05\"}", "invalid_answer", "d"); /* 31 days ago */
    refuse(t, a, "{\"d\":\"2026-02-30\"}", "invalid_answer", "d");
    refuse(t, a, "{\"d\":20261206}", "invalid_answer", "d");
    {
        json_t *ans = json_pack("{s:s%}", "d", "2026-12-01\0", (size_t)11);
        struct hy_tree_step st;
        struct hy_tree_error e;
        assert_int_equal(hy_tree_evaluate(t, ans, today(), a, &st, &e), -EINVAL);
        json_decref(ans);
    }
    /* Bad bounds in the tree. */
    json_t *d = json_loads(text, 0, NULL);
    json_object_set_new(node(d, "d"), "min", json_string("yesterday"));
    EXPECT_ONLY(d, "invalid_value", "d", "min");
    d = json_loads(text, 0, NULL);
    json_object_set_new(node(d, "d"), "max", json_string("today-99999"));
    EXPECT_ONLY(d, "invalid_value", "d", "max");
    d = json_loads(text, 0, NULL);
    json_object_set_new(node(d, "d"), "min", json_string("2026-02-01"));
    json_object_set_new(node(d, "d"), "max", json_string("2026-01-01"));
    EXPECT_ONLY(d, "invalid_value", "d", "max");
    hy_arena_free(a);
}

static void test_back_and_canonical(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    const struct hy_tree *t = parse_ok(a, base_tree);
    struct hy_tree_error e;
    json_t *ans = json_loads("{\"q3\":[\"y\",\"x\"],\"q2\":\"۷\",\"q1\":\"a\"}", 0, NULL);
    json_t *back = NULL;
    assert_int_equal(hy_tree_back(t, ans, today(), a, &back, &e), 0);
    char *s = json_dumps(back, 0);
    assert_string_equal(s, "{\"q1\": \"a\", \"q2\": 7}"); /* canonical, in path order */
    free(s);
    json_decref(back);
    struct hy_tree_step st;
    assert_int_equal(hy_tree_evaluate(t, ans, today(), a, &st, &e), 0);
    json_t *canon = hy_tree_answers_json(t, &st, st.npath);
    s = json_dumps(canon, 0);
    assert_string_equal(s, "{\"q1\": \"a\", \"q2\": 7, \"q3\": [\"x\", \"y\"]}");
    free(s);
    json_decref(canon);
    json_decref(ans);
    /* Back from the start is the start; back from bad answers is refused. */
    ans = json_object();
    assert_int_equal(hy_tree_back(t, ans, today(), a, &back, &e), 0);
    assert_int_equal(json_object_size(back), 0);
    json_decref(back);
    json_decref(ans);
    ans = json_loads("{\"q1\":\"nope\"}", 0, NULL);
    back = NULL;
    assert_int_equal(hy_tree_back(t, ans, today(), a, &back, &e), -EINVAL);
    assert_null(back);
    assert_string_equal(e.node, "q1");
    json_decref(ans);
    hy_arena_free(a);
}

static void test_render_and_hours(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    json_t *d = base();
    json_object_set_new(node(d, "r1"), "text",
                        json_string("<script>alert(1)</script> [x](javascript:alert(1)) **b**"));
    json_object_set_new(json_object_get(node(d, "r2"), "contact"), "open",
                        json_pack("[{s:[s,s,s,s,s], s:s, s:s}, {s:[s], s:s, s:s}]", "days", "sat",
                                  "sun", "mon", "tue", "wed", "from", "08:00", "to", "14:00",
                                  "days", "thu", "from", "08:00", "to", "24:00"));
    struct hy_tree *t = accepted(a, d);
    assert_int_equal(hy_tree_render(a, t), 0);
    const struct hy_tree_node *r1 = &t->nodes[hy_tree_find(t, "r1")];
    assert_null(strstr(r1->text_html, "<script"));
    assert_null(strstr(r1->text_html, "javascript:"));
    assert_non_null(strstr(r1->text_html, "<strong>b</strong>"));
    assert_non_null(r1->text_plain);
    const struct hy_tree_contact *c = &t->nodes[hy_tree_find(t, "r2")].contact;
    assert_false(c->always_open);
    assert_int_equal(c->nopen, 2);
    assert_true(hy_tree_contact_open(c, 5, 8 * 60));       /* Saturday 08:00 */
    assert_false(hy_tree_contact_open(c, 5, 14 * 60));     /* Saturday 14:00: closed */
    assert_false(hy_tree_contact_open(c, 4, 9 * 60));      /* Friday */
    assert_true(hy_tree_contact_open(c, 3, 23 * 60 + 59)); /* Thursday 23:59 */
    assert_false(hy_tree_contact_open(c, 7, 9 * 60));
    hy_arena_free(a);
}

/* Every allocation can fail: parsing and evaluating in arenas too small end in -ENOMEM,
 * never a crash or a half-filled answer. */
static void test_out_of_memory(void **state) {
    (void)state;
    size_t n;
    char *json = read_file("src/cli/trees/self-check.fa.json", &n);
    hy_arena *big = hy_arena_new(0);
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    assert_int_equal(hy_tree_parse(big, json, n, &t, &p), 0);
    size_t need = hy_arena_used(big);
    json_t *ans = json_loads("{\"danger\":[\"none\"],\"who\":\"self\"}", 0, NULL);
    size_t seen_ok = 0;
    for (size_t cap = 1; cap < need + 4096; cap += 1 + cap / 16) {
        hy_arena *a = hy_arena_new(cap);
        struct hy_tree *x = NULL;
        int r = hy_tree_parse(a, json, n, &x, &p);
        assert_true(r == 0 || r == -ENOMEM);
        if (r == 0) {
            seen_ok++;
            assert_non_null(x);
        } else {
            assert_null(x);
        }
        hy_arena_free(a);
        a = hy_arena_new(cap / 64 + 1);
        struct hy_tree_step s;
        struct hy_tree_error e;
        r = hy_tree_evaluate(t, ans, today(), a, &s, &e);
        assert_true(r == 0 || r == -ENOMEM);
        hy_arena_free(a);
    }
    assert_true(seen_ok > 0);
    json_decref(ans);
    hy_arena_free(big);
    free(json);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_valid),
        cmocka_unit_test(test_sample_paths_fa),
        cmocka_unit_test(test_sample_paths_en),
        cmocka_unit_test(test_sample_examples),
        cmocka_unit_test(test_base_valid),
        cmocka_unit_test(test_problem_json),
        cmocka_unit_test(test_bad_json_and_size),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_graph),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_many_problems),
        cmocka_unit_test(test_evaluate),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_solar_hijri_dates),
        cmocka_unit_test(test_back_and_canonical),
        cmocka_unit_test(test_render_and_hours),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
