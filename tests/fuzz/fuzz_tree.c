/* fuzz_tree.c — decision trees: hy_tree_parse() on the input, then walks of the tree with
 * answers the input picks, and evaluation of the answers it may carry.
 *
 * Input: TREE [NUL REST]. TREE is the JSON document. When it is a valid tree, REST drives a
 * walk from the start (each byte picks an answer to the question asked: usually one the node
 * accepts, sometimes a wrong one) and, when it parses as JSON, is evaluated as answers too.
 *
 * Invariants: parsing gives a tree and no problems, or problems (each with a known code and a
 * message, naming only ids of the document) and no tree; in a tiny arena it may also run out of
 * memory, never anything else. A valid tree's links all lead to nodes. Evaluation gives a step
 * (a path of answered questions, then a question not yet answered or a result) or an error
 * with a known code naming the node; an answer the node accepts moves the walk on by exactly
 * one step; the canonical answers of a step lead to the same step; back is one step shorter;
 * the same answers always give the same step. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "domain/tree.h"
#include "fuzz.h"

static const char *const problem_codes[] = {
    "bad_json",      "too_large",     "bad_utf8",      "missing_field",   "unknown_field",
    "wrong_type",    "invalid_value", "too_long",      "too_many",        "duplicate_id",
    "unknown_start", "dangling_next", "no_options",    "duplicate_value", "cycle",
    "dead_end",      "unreachable",   "bad_rule",      "rule_unknown_node", "rule_not_earlier",
    NULL};

static bool known(const char *code, const char *const *list) {
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(code, list[i])) return true;
    return false;
}

static void check_problems(const struct hy_tree_problems *p, const json_t *doc) {
    FUZZ_CHECK(p->count >= 1 && p->count <= HY_TREE_PROBLEMS_MAX);
    for (size_t i = 0; i < p->count; i++) {
        const struct hy_tree_problem *x = &p->items[i];
        FUZZ_CHECK(x->code && known(x->code, problem_codes));
        FUZZ_CHECK(x->message && x->message[0]);
        /* A node named is a node of the document. */
        if (x->node) {
            FUZZ_CHECK(json_is_object(doc));
            bool found = false;
            size_t k;
            json_t *n;
            json_array_foreach(json_object_get(doc, "nodes"), k, n) {
                const char *id = json_string_value(json_object_get(n, "id"));
                found |= id && !strcmp(id, x->node);
            }
            FUZZ_CHECK(found);
        }
    }
    json_t *j = hy_tree_problems_json(p);
    FUZZ_CHECK(j && json_array_size(j) == p->count);
    json_decref(j);
}

static void check_tree(const struct hy_tree *t) {
    FUZZ_CHECK(t->nnodes >= 1 && t->nnodes <= HY_TREE_NODES_MAX);
    FUZZ_CHECK(t->start >= 0 && (size_t)t->start < t->nnodes);
    for (size_t i = 0; i < t->nnodes; i++) {
        const struct hy_tree_node *n = &t->nodes[i];
        FUZZ_CHECK(hy_tree_find(t, n->id) == (int)i);
        FUZZ_CHECK(n->text != NULL);
        if (hy_tree_type_is_result(n->type)) {
            FUZZ_CHECK(n->title && n->nrules == 0 && n->noptions == 0);
            continue;
        }
        for (size_t j = 0; j < n->noptions; j++)
            FUZZ_CHECK(n->options[j].next >= -1 && n->options[j].next < (int)t->nnodes);
        for (size_t j = 0; j < n->nrules; j++)
            FUZZ_CHECK(n->rules[j].next >= 0 && n->rules[j].next < (int)t->nnodes);
        FUZZ_CHECK(n->next >= -1 && n->next < (int)t->nnodes);
    }
}

static const char *const error_codes[] = {"bad_answers", "invalid_answer", "not_on_path", NULL};

/* Evaluates and checks the step or the error; returns the result of hy_tree_evaluate(). */
static int evaluate(const struct hy_tree *t, const json_t *answers, int32_t today,
                    struct hy_tree_step *s) {
    hy_arena *a = hy_arena_new(1 << 20);
    if (!a) abort();
    struct hy_tree_error e;
    int r = hy_tree_evaluate(t, answers, today, a, s, &e);
    FUZZ_CHECK(r == 0 || r == -EINVAL);
    if (r < 0) {
        FUZZ_CHECK(e.code && known(e.code, error_codes));
        FUZZ_CHECK(e.message && e.message[0]);
        if (e.node) FUZZ_CHECK(json_object_get(answers, e.node) != NULL);
        hy_arena_free(a);
        return r;
    }
    FUZZ_CHECK(s->node >= 0 && (size_t)s->node < t->nnodes);
    FUZZ_CHECK(s->npath <= t->nnodes && s->npath == json_object_size(answers));
    FUZZ_CHECK(s->done == hy_tree_type_is_result(t->nodes[s->node].type));
    if (!s->done) FUZZ_CHECK(json_object_get(answers, t->nodes[s->node].id) == NULL);
    for (size_t i = 0; i < s->npath; i++)
        FUZZ_CHECK(!hy_tree_type_is_result(t->nodes[s->path[i].node].type));
    /* The canonical answers lead to the same place, and so do the same answers again. */
    json_t *canon = hy_tree_answers_json(t, s, s->npath);
    FUZZ_CHECK(canon != NULL);
    struct hy_tree_step s2;
    FUZZ_CHECK(hy_tree_evaluate(t, canon, today, a, &s2, &e) == 0);
    FUZZ_CHECK(s2.node == s->node && s2.npath == s->npath);
    FUZZ_CHECK(hy_tree_evaluate(t, answers, today, a, &s2, &e) == 0 && s2.node == s->node);
    json_decref(canon);
    json_t *back = NULL;
    FUZZ_CHECK(hy_tree_back(t, answers, today, a, &back, &e) == 0);
    FUZZ_CHECK(json_object_size(back) == (s->npath ? s->npath - 1 : 0));
    json_decref(back);
    /* The step's path must not point into the arena we free: copy what the caller needs. */
    static struct hy_tree_answer keep[HY_TREE_NODES_MAX];
    memcpy(keep, s->path, s->npath * sizeof *keep);
    s->path = keep;
    hy_arena_free(a);
    return 0;
}

/* An answer node n accepts (when `valid`), chosen by byte b; or something it may not. */
static json_t *pick(const struct hy_tree_node *n, uint8_t b, bool valid, int32_t today) {
    if (!valid) {
        switch (b % 6) {
        case 0: return json_string("");
        case 1: return json_integer((json_int_t)b * 1000003);
        case 2: return json_array();
        case 3: return json_string("\xd9\xa1\xd9\xa4\xd9\xa0\xd9\xa3/\xdb\xb1\xdb\xb2/30");
        case 4: return json_real(-0.5);
        default: return json_pack("[s,s]", "none", "none");
        }
    }
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE: return json_string(n->options[b % n->noptions].value);
    case HY_TREE_MULTIPLE_CHOICE: {
        uint32_t all = n->noptions >= 32 ? UINT32_MAX : (1u << n->noptions) - 1;
        uint32_t mask = ((uint32_t)b * 2654435761u) & all;
        if (!mask) mask = 1;
        for (size_t j = 0; j < n->noptions; j++)
            if (((mask >> j) & 1u) && n->options[j].exclusive) mask = 1u << j;
        json_t *arr = json_array();
        for (size_t j = 0; j < n->noptions; j++)
            if ((mask >> j) & 1u) json_array_append_new(arr, json_string(n->options[j].value));
        return arr;
    }
    case HY_TREE_NUMBER: {
        double x = n->min + (n->max - n->min) * (b / 255.0);
        if (n->integer) {
            x = ceil(x);
            if (x > floor(n->max)) x = floor(n->max);
        }
        if (x < n->min) x = n->min;
        if (x > n->max) x = n->max;
        if (b & 1) {
            char s[64];
            snprintf(s, sizeof s, "%.17g", x);
            if (!strchr(s, 'e')) return json_string(s);
        }
        return n->integer ? json_integer((json_int_t)x) : json_real(x);
    }
    case HY_TREE_DATE: {
        int32_t lo = n->date_min.kind == HY_TREE_BOUND_NONE ? today - 3650
                     : n->date_min.kind == HY_TREE_BOUND_TODAY ? today + n->date_min.days
                                                                : n->date_min.days;
        int32_t hi = n->date_max.kind == HY_TREE_BOUND_NONE ? today + 3650
                     : n->date_max.kind == HY_TREE_BOUND_TODAY ? today + n->date_max.days
                                                                : n->date_max.days;
        int32_t day = lo > hi ? lo : lo + (int32_t)((int64_t)(hi - lo) * b / 255);
        int y, m, d;
        hy_tree_ymd(day, &y, &m, &d);
        char s[32];
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
        return json_string(s);
    }
    default: return json_null();
    }
}

static bool in_range(const struct hy_tree_node *n, int32_t today) {
    if (n->type != HY_TREE_DATE) return true;
    int32_t lo = n->date_min.kind == HY_TREE_BOUND_TODAY ? today + n->date_min.days : n->date_min.days;
    int32_t hi = n->date_max.kind == HY_TREE_BOUND_TODAY ? today + n->date_max.days : n->date_max.days;
    if (n->date_min.kind == HY_TREE_BOUND_NONE) lo = INT32_MIN;
    if (n->date_max.kind == HY_TREE_BOUND_NONE) hi = INT32_MAX;
    /* The walk's dates are years 1900–2199 only. */
    return lo <= hi && hi >= hy_tree_day(1900, 1, 1) && lo <= hy_tree_day(2199, 12, 31);
}

static void walk(const struct hy_tree *t, const uint8_t *rest, size_t n, int32_t today) {
    json_t *answers = json_object();
    struct hy_tree_step s;
    bool stuck = false;
    FUZZ_CHECK(evaluate(t, answers, today, &s) == 0 && s.npath == 0 && s.node == t->start);
    /* Each input byte picks one answer; past the input, answers the node accepts. */
    for (size_t i = 0; !s.done && !stuck && i < n + t->nnodes + 1; i++) {
        uint8_t b = i < n ? rest[i] : (uint8_t)(i & 0x3F);
        const struct hy_tree_node *q = &t->nodes[s.node];
        bool answerable = in_range(q, today);
        bool valid = (b & 0xC0) != 0xC0 && answerable;
        json_object_set_new(answers, q->id, pick(q, b, valid, today));
        size_t before = s.npath;
        int r = evaluate(t, answers, today, &s);
        if (valid) FUZZ_CHECK(r == 0 && s.npath == before + 1);
        if (r < 0) {
            json_object_del(answers, q->id); /* take it back and go on */
            FUZZ_CHECK(evaluate(t, answers, today, &s) == 0 && s.npath == before);
            stuck = !answerable;
        }
    }
    /* A valid tree has no cycles: a walk of accepted answers ends at a result. */
    FUZZ_CHECK(s.done || stuck);
    json_decref(answers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t tree_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *rest = nul ? nul + 1 : NULL;
    size_t rest_len = nul ? size - tree_len - 1 : 0;
    int32_t today = hy_tree_day(2026, 12, 6);

    hy_arena *a = hy_arena_new(8 << 20);
    if (!a) abort();
    struct hy_tree *t = NULL;
    struct hy_tree_problems p;
    int r = hy_tree_parse(a, (const char *)data, tree_len, &t, &p);
    FUZZ_CHECK(r == 0 || r == -EINVAL);
    if (r < 0) {
        FUZZ_CHECK(t == NULL);
        json_t *doc = json_loadb((const char *)data, tree_len, JSON_REJECT_DUPLICATES, NULL);
        check_problems(&p, doc);
        json_decref(doc);
    } else {
        FUZZ_CHECK(p.count == 0);
        check_tree(t);
        FUZZ_CHECK(hy_tree_render(a, t) == 0);
        walk(t, rest, rest_len, today);
        if (rest) {
            json_t *ans = json_loadb((const char *)rest, rest_len, 0, NULL);
            if (ans) {
                struct hy_tree_step s;
                evaluate(t, ans, today, &s);
                json_decref(ans);
            }
        }
    }
    hy_arena_free(a);

    /* The same document in a tiny arena: every allocation failure is handled. */
    static const size_t tiny[] = {256, 4096};
    for (size_t i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
        hy_arena *small = hy_arena_new(tiny[i]);
        if (!small) abort();
        struct hy_tree *x = NULL;
        r = hy_tree_parse(small, (const char *)data, tree_len, &x, &p);
        FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
        FUZZ_CHECK((r == 0) == (x != NULL));
        hy_arena_free(small);
    }
    return 0;
}
